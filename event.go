package scalefield

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// ParsePrefix reads an IP address (as a single-address prefix) or a CIDR.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// Severity is how bad an event is.
type Severity string

// Severities, lowest to highest.
const (
	SeverityUnknown  Severity = "unknown"
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity, lowest first.
var Severities = []Severity{SeverityUnknown, SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	for _, v := range Severities {
		if v == s {
			return true
		}
	}
	return false
}

// BronzeStatus is where a Bronze record stands in refinement.
type BronzeStatus string

// Bronze statuses.
const (
	BronzePending     BronzeStatus = "pending"
	BronzeRefined     BronzeStatus = "refined"
	BronzeQuarantined BronzeStatus = "quarantined"
)

// BronzeRecord is one raw record to append to Bronze, exactly as received.
type BronzeRecord struct {
	TenantID   string
	ReceivedAt time.Time
	// Kind is the ingest channel, e.g. "hec".
	Kind       string
	Source     string
	Sourcetype string
	Host       string
	// Channel is the HEC request channel, if any.
	Channel string
	Payload []byte
	// OriginKind and Origin name the registry source the record came in
	// under (the request kind, and the HEC token's name or the syslog
	// listener's source); empty for records appended outside a receiver.
	OriginKind string
	Origin     string
}

// BronzeEvent is a stored raw record.
type BronzeEvent struct {
	BronzeRecord
	ID          int64
	ContentHash []byte
	Status      BronzeStatus
	// Error says why refinement failed, for quarantined records.
	Error string
}

// SecurityEvent is a normalized (Silver) event. Field names follow OCSF
// (https://schema.ocsf.io) where it has one; docs/silver.md maps every
// source kind onto them.
type SecurityEvent struct {
	ID         int64
	TenantID   string
	BronzeID   int64
	Time       time.Time
	ReceivedAt time.Time
	Host       string
	Source     string
	Sourcetype string
	Severity   Severity
	Message    string
	// User is the actor user's name (OCSF actor.user.name).
	User   string
	SrcIP  string
	DstIP  string
	Action string

	// OCSF classification: ClassUID is the event class (e.g. 3002
	// Authentication); CategoryUID is ClassUID/1000; ActivityID is the
	// class's activity (0 unknown, 99 other).
	ClassUID     int
	ActivityID   int
	ActivityName string
	// Status is the outcome: "success", "failure" or "" when unknown.
	Status string

	SrcPort     int
	DstPort     int
	SrcHostname string
	DstHostname string
	// Device names the product that reported the event ("vendor product").
	Device string
	// VendorEventID is the reporting product's own ID for the event, when it
	// has one; it keys deduplication.
	VendorEventID string

	// Database activity (OCSF Datastore Activity), for gather records.
	DBName      string
	DBStatement string
	DBObject    string
	DBRows      int64

	// Finding fields, for alerts raised by other tools.
	FindingUID   string
	FindingTitle string

	// Warnings are what a parser or mapper noticed but could work around;
	// they lower the quality score.
	Warnings []string

	// Enrichment, filled by the refine stage.
	SrcGeo      *Geo
	DstGeo      *Geo
	ThreatMatch []ThreatMatch
	UserContext *UserContext
	// RiskScore is 0-100, from severity, threat matches and user context.
	RiskScore float64

	// Quality is 0-1; QualityFlags say what lowered it.
	Quality      float64
	QualityFlags []string
	// DedupKey identifies duplicates of this event; DupCount counts the
	// copies received, this one included.
	DedupKey string
	DupCount int
	// LastSeenAt is when the latest copy arrived, when there were several.
	LastSeenAt *time.Time
}

// CategoryUID is the OCSF category of the event's class.
func (e *SecurityEvent) CategoryUID() int { return e.ClassUID / 1000 }

// OCSF classes the refine stage assigns.
const (
	ClassBase              = 0
	ClassFileActivity      = 1001
	ClassProcessActivity   = 1007
	ClassDetectionFinding  = 2004
	ClassAccountChange     = 3001
	ClassAuthentication    = 3002
	ClassNetworkActivity   = 4001
	ClassHTTPActivity      = 4002
	ClassDNSActivity       = 4003
	ClassDatastoreActivity = 6005
)

// Geo is where an IP address is, from the GeoIP database.
type Geo struct {
	Country string // ISO 3166-1 alpha-2
	City    string
	Lat     float64
	Lon     float64
	ASN     uint32
	ASOrg   string
}

// ThreatMatch is an indicator of compromise an event matched.
type ThreatMatch struct {
	// Field is the event field that matched ("src_ip", "dst_ip", "host",
	// "url", "hash", "user").
	Field string
	// Type is the indicator type ("ipv4-addr", "ipv6-addr", "domain-name",
	// "url", "file-hash").
	Type       string
	Value      string
	Source     string // the feed
	Confidence int    // 0-100
	Labels     []string
}

// UserContext is what the tenant's user directory says about an actor.
type UserContext struct {
	Department string
	Title      string
	Privileged bool
	Manager    string
}

// EventFilter narrows an events query. Nil fields do not filter.
type EventFilter struct {
	Severity   []Severity
	From, To   *time.Time
	Host       *string
	Sourcetype *string
	// Search keeps events whose message holds every word of it, in any
	// order, case-insensitive.
	Search *string
	// ClassUID keeps events of any of these OCSF classes.
	ClassUID []int
	// IP, SrcIP and DstIP are an address or a CIDR; IP matches either end.
	IP, SrcIP, DstIP *string
	// User is the actor, case-insensitive.
	User *string
	// Country is an ISO 3166-1 alpha-2 code of either end.
	Country *string
	// ThreatMatched keeps events that did (true) or did not (false) match
	// an indicator.
	ThreatMatched *bool
	// MaxQuality keeps events whose quality score is at most this.
	MaxQuality *float64

	// First is the page size; After the cursor of the last event seen.
	First int
	After *string
}

// MaxPageSize bounds every page of every list.
const MaxPageSize = 500

// Validate checks the filter and applies the default page size.
func (f *EventFilter) Validate() error {
	if err := validatePage(&f.First); err != nil {
		return err
	}
	for _, s := range f.Severity {
		if !s.Valid() {
			return Errorf(EINVALID, "unknown severity %q", s)
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return Errorf(EINVALID, "from must be before to")
	}
	if f.Search != nil && len(strings.TrimSpace(*f.Search)) > 256 {
		return Errorf(EINVALID, "search is longer than 256 characters")
	}
	for name, v := range map[string]*string{"ip": f.IP, "srcIp": f.SrcIP, "dstIp": f.DstIP} {
		if v == nil || *v == "" {
			continue
		}
		if _, err := ParsePrefix(*v); err != nil {
			return Errorf(EINVALID, "%s: %q is neither an IP address nor a CIDR", name, *v)
		}
	}
	if f.Country != nil && *f.Country != "" && len(*f.Country) != 2 {
		return Errorf(EINVALID, "country must be a two-letter ISO 3166-1 code")
	}
	if f.MaxQuality != nil && (*f.MaxQuality < 0 || *f.MaxQuality > 1) {
		return Errorf(EINVALID, "maxQuality must be between 0 and 1")
	}
	if len(f.ClassUID) > 20 {
		return Errorf(EINVALID, "at most 20 classes")
	}
	return nil
}

// ValidatePage checks a page size and applies the default (50) to zero.
// EINVALID when negative or above MaxPageSize.
func ValidatePage(first *int) error { return validatePage(first) }

func validatePage(first *int) error {
	switch {
	case *first == 0:
		*first = 50
	case *first < 0:
		return Errorf(EINVALID, "first must not be negative")
	case *first > MaxPageSize:
		return Errorf(EINVALID, "first must be at most %d", MaxPageSize)
	}
	return nil
}

// EventPage is one page of Silver events with a cursor per event.
type EventPage struct {
	Events  []*SecurityEvent
	Cursors []string
	// TotalCount counts matches up to MaxExactCount; TotalExact is false
	// when there are more.
	TotalCount  int
	TotalExact  bool
	HasNextPage bool
}

// MaxExactCount bounds the count of matching events a page reports: past
// it the count says "at least", so a broad filter over millions of events
// costs no more than a narrow one.
const MaxExactCount = 1000

// FacetField is a Silver field the explorer counts events by.
type FacetField string

// Facet fields.
const (
	FacetSeverity   FacetField = "severity"
	FacetClass      FacetField = "class"
	FacetSourcetype FacetField = "sourcetype"
	FacetHost       FacetField = "host"
	FacetUser       FacetField = "user"
	FacetSrcIP      FacetField = "src_ip"
	FacetDstIP      FacetField = "dst_ip"
	FacetCountry    FacetField = "country"
	FacetStatus     FacetField = "status"
	FacetDevice     FacetField = "device"
)

// FacetValue is one value of a field and how many events have it.
type FacetValue struct {
	Value string
	Count int64
}

// Facets counts the events matching a filter by field.
type Facets struct {
	Fields map[FacetField][]FacetValue
	// Total is how many events the counts cover; Approximate is true when
	// they cover only the newest MaxFacetRows matches.
	Total       int64
	Approximate bool
}

// MaxFacetRows bounds the events facets are counted over.
const MaxFacetRows = 100000

// BronzeFilter pages through Bronze records.
type BronzeFilter struct {
	First int
	After *string
}

// Validate checks the filter and applies the default page size.
func (f *BronzeFilter) Validate() error { return validatePage(&f.First) }

// BronzePage is one page of Bronze records with a cursor per record.
type BronzePage struct {
	Events      []*BronzeEvent
	Cursors     []string
	HasNextPage bool
}

// EventService reads Bronze and Silver events of the caller's tenant.
type EventService interface {
	// FindEvents returns Silver events matching the filter, newest first.
	// EINVALID for a bad filter or cursor; EUNAUTHORIZED without a session.
	FindEvents(ctx context.Context, filter EventFilter) (*EventPage, error)

	// FindEvent returns one Silver event, by its ID and time, with its
	// enrichment. ENOTFOUND when the tenant has no such event.
	FindEvent(ctx context.Context, id int64, at time.Time) (*SecurityEvent, error)

	// FindBronzeEvent returns one Bronze record. ENOTFOUND.
	FindBronzeEvent(ctx context.Context, id int64) (*BronzeEvent, error)

	// CountFacets counts the events matching the filter by each field, the
	// limit largest values per field (at most 50). EINVALID for a bad filter.
	CountFacets(ctx context.Context, filter EventFilter, fields []FacetField, limit int) (*Facets, error)

	// FindBronzeEvents returns Bronze records, newest first.
	// EINVALID for a bad cursor; EUNAUTHORIZED without a session.
	FindBronzeEvents(ctx context.Context, filter BronzeFilter) (*BronzePage, error)
}

// BronzeWriter appends raw records. Append returns only after the records
// are committed, so an acknowledgement after it is durable.
type BronzeWriter interface {
	// AppendBronze stores every record in one transaction and queues them for
	// refinement; either all are stored or none. Returns their IDs in order.
	AppendBronze(ctx context.Context, records []BronzeRecord) ([]int64, error)
}

// HECToken authorises HTTP Event Collector requests for a tenant.
type HECToken struct {
	ID         string
	TenantID   string
	Name       string
	Prefix     string
	Source     string
	Sourcetype string
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// HECTokenService checks and manages HEC tokens.
type HECTokenService interface {
	// AuthenticateHECToken returns the active token matching the secret.
	// ENOTFOUND if no active token matches.
	AuthenticateHECToken(ctx context.Context, secret string) (*HECToken, error)
	// ListHECTokens returns the caller's tenant's tokens, newest first.
	ListHECTokens(ctx context.Context) ([]*HECToken, error)
	// IssueHECToken creates a token in the caller's tenant and returns its
	// secret, which is not kept. EINVALID for a missing name.
	IssueHECToken(ctx context.Context, t *HECToken, audit *AuditEntry) (secret string, err error)
	// RevokeHECToken revokes a token of the caller's tenant. ENOTFOUND.
	RevokeHECToken(ctx context.Context, id string, audit *AuditEntry) (*HECToken, error)
}

// EventBroker fans refined events out to subscribers on every replica.
type EventBroker interface {
	// PublishEvents announces newly refined events.
	PublishEvents(ctx context.Context, events []*SecurityEvent) error

	// SubscribeEvents returns a channel of the tenant's new events that is
	// closed when ctx ends.
	SubscribeEvents(ctx context.Context, tenantID string) (<-chan *SecurityEvent, error)
}
