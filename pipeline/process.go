package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline/enrich"
	"github.com/scalefield/scalefield/store"
)

// Enricher adds GeoIP, threat intel and user context to events. Prepare
// does the I/O a batch needs (loading a tenant's indicators when they
// changed); Enrich is pure computation and safe for concurrent use.
type Enricher interface {
	Prepare(ctx context.Context, tenantIDs []string) error
	Enrich(e *scalefield.SecurityEvent)
}

// ProcessConfig configures the steps between parsing and writing.
type ProcessConfig struct {
	// DedupWindow is how far apart in event time two events with the same
	// normalized fields may be and still count as one. Events with a vendor
	// event ID are deduplicated on that ID within a day of event time.
	DedupWindow time.Duration
	// MaxSkew is how far an event's time may lie ahead of its receipt
	// before it is flagged (clock skew at the source).
	MaxSkew time.Duration
	// MaxDelay is how far an event's time may lie behind its receipt before
	// it is flagged as late.
	MaxDelay time.Duration
}

// DefaultProcessConfig returns the defaults.
func DefaultProcessConfig() ProcessConfig {
	return ProcessConfig{DedupWindow: 10 * time.Minute, MaxSkew: 5 * time.Minute, MaxDelay: 24 * time.Hour}
}

// Processor runs the refine steps for one Bronze record: parse and map →
// validate types and required fields → normalize timestamps to UTC →
// enrich → dedup key → quality score. It keeps no state; the store writes
// what it returns in the batch's transaction.
type Processor struct {
	Config    ProcessConfig
	Normalize store.NormalizeFunc
	// Enricher is optional.
	Enricher Enricher
}

// Prepare loads what enrichment needs for the batch's tenants.
func (p *Processor) Prepare(ctx context.Context, batch []*scalefield.BronzeEvent) error {
	if p.Enricher == nil {
		return nil
	}
	seen := map[string]bool{}
	var tenants []string
	for _, b := range batch {
		if !seen[b.TenantID] {
			seen[b.TenantID] = true
			tenants = append(tenants, b.TenantID)
		}
	}
	return p.Enricher.Prepare(ctx, tenants)
}

// Process refines one record, or says why it cannot be.
func (p *Processor) Process(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error) {
	e, err := p.Normalize(b)
	if err != nil {
		return nil, err
	}
	e.TenantID, e.BronzeID, e.ReceivedAt = b.TenantID, b.ID, b.ReceivedAt
	if err := validate(e); err != nil {
		return nil, err
	}
	e.Time, e.ReceivedAt = e.Time.UTC(), e.ReceivedAt.UTC()
	if p.Enricher != nil {
		p.Enricher.Enrich(e)
	}
	e.DedupKey = DedupKey(e, p.Config.DedupWindow)
	e.DupCount = 1
	Score(e, p.Config)
	return e, nil
}

// validate checks what Silver requires of every event and the types the
// mappers could not guarantee.
func validate(e *scalefield.SecurityEvent) error {
	switch {
	case e.Time.IsZero():
		return fmt.Errorf("validate: the event has no time")
	case !e.Severity.Valid():
		return fmt.Errorf("validate: unknown severity %q", e.Severity)
	case strings.TrimSpace(e.Message) == "" && e.ClassUID == scalefield.ClassBase && e.FindingTitle == "":
		return fmt.Errorf("validate: the event has neither a message nor a class")
	case e.Time.Before(MinEventTime) || e.Time.After(MaxEventTime):
		return fmt.Errorf("validate: event time %s is outside %d-%d", e.Time.Format(time.RFC3339), MinEventTime.Year(), MaxEventTime.Year())
	}
	if e.SrcPort < 0 || e.SrcPort > 65535 {
		return fmt.Errorf("validate: src_port %d is not a port", e.SrcPort)
	}
	if e.DstPort < 0 || e.DstPort > 65535 {
		return fmt.Errorf("validate: dst_port %d is not a port", e.DstPort)
	}
	checkIP(e, "src_ip", &e.SrcIP)
	checkIP(e, "dst_ip", &e.DstIP)
	if !utf8.ValidString(e.Message) {
		e.Message = strings.ToValidUTF8(e.Message, "\uFFFD")
	}
	return nil
}

// checkIP canonicalizes an address; one that does not parse is dropped
// from the field and noted as a warning (Bronze keeps the record).
func checkIP(e *scalefield.SecurityEvent, name string, ip *string) {
	if *ip == "" {
		return
	}
	a, err := netip.ParseAddr(*ip)
	if err != nil {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%s %q is not an IP address", name, *ip))
		*ip = ""
		return
	}
	*ip = a.Unmap().String()
}

// DedupKey is what identifies copies of one event: the reporting product's
// own event ID when it has one (within a day of event time), else a hash of
// the normalized fields within window of event time. Its first byte says
// which. The tenant is not part of it; the store keys on both.
func DedupKey(e *scalefield.SecurityEvent, window time.Duration) string {
	h := sha256.New()
	var kind byte
	if e.VendorEventID != "" {
		kind = 'v'
		h.Write([]byte(e.Sourcetype))
		h.Write([]byte{0})
		h.Write([]byte(e.Device))
		h.Write([]byte{0})
		h.Write([]byte(e.VendorEventID))
		var day [8]byte
		binary.BigEndian.PutUint64(day[:], uint64(e.Time.UTC().Truncate(24*time.Hour).Unix()))
		h.Write(day[:])
	} else {
		kind = 'h'
		if window <= 0 {
			window = time.Nanosecond // no window: exact time only
		}
		var bucket [8]byte
		binary.BigEndian.PutUint64(bucket[:], uint64(e.Time.UTC().Truncate(window).UnixNano()))
		h.Write(bucket[:])
		for _, s := range []string{e.Sourcetype, e.Host, string(e.Severity), e.Message, e.User, e.SrcIP, e.DstIP,
			e.Action, strconv.Itoa(e.ClassUID), strconv.Itoa(e.ActivityID), e.Status, strconv.Itoa(e.SrcPort),
			strconv.Itoa(e.DstPort), e.DBStatement, e.FindingUID} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
	}
	sum := h.Sum(nil)
	return string(append([]byte{kind}, sum[:16]...))
}

// Quality flags.
const (
	FlagNoClass        = "no-class"
	FlagNoMessage      = "no-message"
	FlagNoSeverity     = "no-severity"
	FlagNoEndpoint     = "no-endpoint"
	FlagParseWarnings  = "parse-warnings"
	FlagFutureTime     = "future-time"
	FlagLateTime       = "late-time"
	FlagNoGeo          = "no-geo"
	FlagUnknownUser    = "unknown-user"
	FlagLowQuality     = "low-quality"
	lowQualityBoundary = 0.5
)

// Score sets the event's quality (0-1) and the flags that lowered it:
// required fields (class, message, severity, an endpoint), parse warnings,
// clock skew against the receipt time, and enrichment coverage. The weights
// are in docs/silver.md.
func Score(e *scalefield.SecurityEvent, cfg ProcessConfig) {
	q := 1.0
	var flags []string
	penalize := func(flag string, by float64) {
		q -= by
		flags = append(flags, flag)
	}
	if e.ClassUID == scalefield.ClassBase {
		penalize(FlagNoClass, 0.15)
	}
	if strings.TrimSpace(e.Message) == "" {
		penalize(FlagNoMessage, 0.1)
	}
	if e.Severity == scalefield.SeverityUnknown {
		penalize(FlagNoSeverity, 0.1)
	}
	if e.Host == "" && e.SrcIP == "" && e.DstIP == "" && e.SrcHostname == "" {
		penalize(FlagNoEndpoint, 0.15)
	}
	if n := len(e.Warnings); n > 0 {
		penalize(FlagParseWarnings, math.Min(0.3, 0.1*float64(n)))
	}
	if skew := e.Time.Sub(e.ReceivedAt); cfg.MaxSkew > 0 && skew > cfg.MaxSkew {
		penalize(FlagFutureTime, 0.2)
	} else if cfg.MaxDelay > 0 && -skew > cfg.MaxDelay {
		penalize(FlagLateTime, 0.05)
	}
	if publicAddr(e.SrcIP) && e.SrcGeo == nil || publicAddr(e.DstIP) && e.DstGeo == nil {
		penalize(FlagNoGeo, 0.05)
	}
	if e.User != "" && e.UserContext == nil {
		penalize(FlagUnknownUser, 0.05)
	}
	q = math.Max(0, math.Min(1, q))
	if q < lowQualityBoundary {
		flags = append(flags, FlagLowQuality)
	}
	e.Quality = math.Round(q*100) / 100
	e.QualityFlags = flags
}

func publicAddr(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && enrich.PublicAddr(a)
}
