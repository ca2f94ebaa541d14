package scalefield

import (
	"context"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"
)

// IndicatorType is the kind of observable an indicator of compromise names.
// The names are STIX 2.1 cyber-observable types, except file-hash, which
// stands for file:hashes of any supported algorithm.
type IndicatorType string

// Indicator types.
const (
	// IndicatorIPv4 is an IPv4 address or CIDR range ("198.51.100.0/24").
	IndicatorIPv4 IndicatorType = "ipv4-addr"
	// IndicatorIPv6 is an IPv6 address or CIDR range.
	IndicatorIPv6 IndicatorType = "ipv6-addr"
	// IndicatorDomain is a domain name; it matches its subdomains too.
	IndicatorDomain IndicatorType = "domain-name"
	// IndicatorURL is a URL with its scheme.
	IndicatorURL IndicatorType = "url"
	// IndicatorFileHash is an MD5, SHA-1, SHA-256 or SHA-512 digest in hex.
	IndicatorFileHash IndicatorType = "file-hash"
	// IndicatorEmail is an e-mail address; it matches an event's user.
	IndicatorEmail IndicatorType = "email-addr"
	// IndicatorUserAccount is an account login name; it matches an event's
	// user.
	IndicatorUserAccount IndicatorType = "user-account"
)

// IndicatorTypes lists every indicator type.
var IndicatorTypes = []IndicatorType{IndicatorIPv4, IndicatorIPv6, IndicatorDomain, IndicatorURL,
	IndicatorFileHash, IndicatorEmail, IndicatorUserAccount}

// Valid reports whether t is a known indicator type.
func (t IndicatorType) Valid() bool {
	for _, v := range IndicatorTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Limits of indicators and directory entries.
const (
	MaxIndicatorValueLength = 2048
	MaxIndicatorTextLength  = 1024 // name, description, each label
	MaxIndicatorLabels      = 32
	MaxUserNameLength       = 256
)

// Indicator is an indicator of compromise from a tenant's threat intel feed.
// An indicator is unique per tenant by type, value and source.
type Indicator struct {
	ID       string
	TenantID string
	Type     IndicatorType
	// Value is the observable in the canonical form Normalize gives it.
	Value string
	// Source names the feed the indicator came from.
	Source string
	// Confidence is 0-100: how sure the feed is that the value is malicious.
	Confidence  int
	Labels      []string
	Name        string
	Description string
	// ValidFrom is when the indicator starts to apply (zero: always);
	// ValidUntil when it expires (nil: never).
	ValidFrom  time.Time
	ValidUntil *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Expired reports whether the indicator no longer applies at now.
func (ind *Indicator) Expired(now time.Time) bool {
	return ind.ValidUntil != nil && !ind.ValidUntil.After(now)
}

// Normalize checks the indicator and puts its value in canonical form: IP
// addresses as netip prints them (a CIDR range masked, a /32 or /128 as a
// plain address), domains lower-case without a trailing dot or leading
// "*.", hashes lower-case hex, URLs with a lower-case scheme and host,
// e-mail addresses and account names lower-case. EINVALID for an unknown
// type, a malformed value, a confidence outside 0-100, a missing source or
// text over the limits.
func (ind *Indicator) Normalize() error {
	v, err := NormalizeIndicatorValue(ind.Type, ind.Value)
	if err != nil {
		return err
	}
	ind.Value = v
	ind.Source = strings.TrimSpace(ind.Source)
	switch {
	case ind.Source == "":
		return Errorf(EINVALID, "indicator source (feed) is required")
	case len(ind.Source) > 200:
		return Errorf(EINVALID, "indicator source is longer than 200 characters")
	case ind.Confidence < 0 || ind.Confidence > 100:
		return Errorf(EINVALID, "indicator confidence must be 0-100, not %d", ind.Confidence)
	case len(ind.Name) > MaxIndicatorTextLength || len(ind.Description) > 8*MaxIndicatorTextLength:
		return Errorf(EINVALID, "indicator name or description is too long")
	case len(ind.Labels) > MaxIndicatorLabels:
		return Errorf(EINVALID, "an indicator has at most %d labels", MaxIndicatorLabels)
	case ind.ValidUntil != nil && !ind.ValidFrom.IsZero() && ind.ValidUntil.Before(ind.ValidFrom):
		return Errorf(EINVALID, "indicator %s: valid_until is before valid_from", ind.Value)
	}
	for _, l := range ind.Labels {
		if l == "" || len(l) > MaxIndicatorTextLength || !validText(l) {
			return Errorf(EINVALID, "indicator labels must be 1-%d characters of text", MaxIndicatorTextLength)
		}
	}
	if !validText(ind.Source) || !validText(ind.Name) || !validText(ind.Description) {
		return Errorf(EINVALID, "indicator %s: source, name and description must be UTF-8 text", ind.Value)
	}
	return nil
}

// validText reports whether s is UTF-8 without NUL bytes, as PostgreSQL
// text must be.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// NormalizeIndicatorValue returns value in the canonical form of type t (see
// Indicator.Normalize). EINVALID when the value is not one of t.
func NormalizeIndicatorValue(t IndicatorType, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", Errorf(EINVALID, "indicator value is empty")
	}
	if len(v) > MaxIndicatorValueLength {
		return "", Errorf(EINVALID, "indicator value is longer than %d characters", MaxIndicatorValueLength)
	}
	if !validText(v) {
		return "", Errorf(EINVALID, "indicator value is not UTF-8 text")
	}
	switch t {
	case IndicatorIPv4, IndicatorIPv6:
		return normalizeIP(t, v)
	case IndicatorDomain:
		if d, ok := NormalizeDomain(v); ok {
			return d, nil
		}
		return "", Errorf(EINVALID, "%q is not a domain name", value)
	case IndicatorURL:
		if u, ok := NormalizeURL(v); ok {
			return u, nil
		}
		return "", Errorf(EINVALID, "%q is not a URL", value)
	case IndicatorFileHash:
		v = strings.ToLower(v)
		if _, err := hex.DecodeString(v); err != nil || !ValidHashLength(len(v)) {
			return "", Errorf(EINVALID, "%q is not an MD5, SHA-1, SHA-256 or SHA-512 digest", value)
		}
		return v, nil
	case IndicatorEmail:
		v = strings.ToLower(v)
		local, domain, ok := strings.Cut(v, "@")
		if _, dok := NormalizeDomain(domain); !ok || local == "" || !dok || strings.ContainsAny(v, " \t\r\n") {
			return "", Errorf(EINVALID, "%q is not an e-mail address", value)
		}
		return v, nil
	case IndicatorUserAccount:
		v = strings.ToLower(v)
		if len(v) > MaxUserNameLength || strings.ContainsAny(v, " \t\r\n") {
			return "", Errorf(EINVALID, "%q is not an account name", value)
		}
		return v, nil
	}
	return "", Errorf(EINVALID, "unknown indicator type %q", t)
}

// ValidHashLength reports whether n hex digits is the length of a supported
// digest (MD5, SHA-1, SHA-256, SHA-512).
func ValidHashLength(n int) bool { return n == 32 || n == 40 || n == 64 || n == 128 }

func normalizeIP(t IndicatorType, v string) (string, error) {
	var p netip.Prefix
	if strings.Contains(v, "/") {
		var err error
		if p, err = netip.ParsePrefix(v); err != nil {
			return "", Errorf(EINVALID, "%q is not an IP address or CIDR range", v)
		}
	} else {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return "", Errorf(EINVALID, "%q is not an IP address or CIDR range", v)
		}
		p = netip.PrefixFrom(a.WithZone(""), a.BitLen())
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
	}
	p = p.Masked()
	if p.Addr().Is4() != (t == IndicatorIPv4) {
		return "", Errorf(EINVALID, "%q is not of type %s", v, t)
	}
	if p.IsSingleIP() {
		return p.Addr().String(), nil
	}
	return p.String(), nil
}

// NormalizeDomain returns d lower-case, without surrounding space, a
// trailing dot or a leading "*.", and whether it looks like a domain name:
// 1-253 characters in non-empty labels of at most 63, with no space, slash,
// colon or "@".
func NormalizeDomain(d string) (string, bool) {
	d = strings.TrimSuffix(strings.TrimSpace(d), ".")
	d = strings.ToLower(strings.TrimPrefix(d, "*."))
	if d == "" || len(d) > 253 || !validText(d) || strings.ContainsAny(d, " \t\r\n/\\:@?#'\"") {
		return "", false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 {
			return "", false
		}
	}
	return d, true
}

// NormalizeURL returns u with a lower-case scheme and host, without a
// fragment, and whether it is a URL with a host. A value without a scheme
// is taken as http.
func NormalizeURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "http", u
	}
	if scheme == "" || strings.ContainsAny(scheme, "/?#:@ ") || strings.ContainsAny(u, " \t\r\n") {
		return "", false
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	hostEnd := strings.IndexAny(rest, "/?")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host, path := rest[:hostEnd], rest[hostEnd:]
	if host == "" {
		return "", false
	}
	if path == "" {
		path = "/"
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path, true
}

// IndicatorFilter narrows a list of indicators. Nil fields do not filter.
type IndicatorFilter struct {
	Type *IndicatorType
	// Source is the feed, matched exactly.
	Source *string
	// Search is a case-insensitive substring of the value or name.
	Search *string
	// IncludeExpired lists expired indicators too.
	IncludeExpired bool

	First int
	After *string
}

// Validate checks the filter and applies the default page size.
func (f *IndicatorFilter) Validate() error {
	if err := validatePage(&f.First); err != nil {
		return err
	}
	if f.Type != nil && !f.Type.Valid() {
		return Errorf(EINVALID, "unknown indicator type %q", *f.Type)
	}
	if f.Search != nil && len(strings.TrimSpace(*f.Search)) > 256 {
		return Errorf(EINVALID, "search is longer than 256 characters")
	}
	return nil
}

// IndicatorPage is one page of indicators, newest first.
type IndicatorPage struct {
	Indicators  []*Indicator
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// IndicatorImportResult counts what an import did. Skipped counts
// indicators identical to the stored ones and repeats within the import.
type IndicatorImportResult struct {
	Inserted int
	Updated  int
	Skipped  int
}

// ThreatIntelService keeps the indicators of compromise of the caller's
// tenant. Every method works on the caller's tenant: EUNAUTHORIZED without
// a session. Methods that change something take the audit entry to append
// in the same transaction (nil for none) and make the refine stage reload
// the tenant's enrichment data.
type ThreatIntelService interface {
	// ImportIndicators inserts the indicators, or updates the stored one of
	// the same type, value and source. All or nothing: EINVALID (naming the
	// position) when one does not normalize.
	ImportIndicators(ctx context.Context, indicators []Indicator, audit *AuditEntry) (*IndicatorImportResult, error)
	// ListIndicators pages through indicators, newest first. EINVALID for a
	// bad filter or cursor.
	ListIndicators(ctx context.Context, filter IndicatorFilter) (*IndicatorPage, error)
	// DeleteIndicator removes one indicator. ENOTFOUND.
	DeleteIndicator(ctx context.Context, id string, audit *AuditEntry) error
	// DeleteIndicatorSource removes every indicator of a feed and returns
	// how many. EINVALID for an empty source.
	DeleteIndicatorSource(ctx context.Context, source string, audit *AuditEntry) (int, error)
	// PurgeExpiredIndicators removes indicators expired at the store's
	// current time and returns how many.
	PurgeExpiredIndicators(ctx context.Context, audit *AuditEntry) (int, error)
}

// DirectoryEntry is what a tenant's user directory says about one user.
type DirectoryEntry struct {
	// UserName is the lower-cased account name events carry ("alice",
	// "alice@example.com"); the enrichment stage also matches the
	// DOMAIN\user and user@domain forms of a plain name.
	UserName    string
	DisplayName string
	Department  string
	Title       string
	Privileged  bool
	Manager     string
	UpdatedAt   time.Time
}

// Normalize lower-cases and trims the user name. EINVALID when it is empty,
// too long or contains white space, or a text field is over 1024
// characters.
func (d *DirectoryEntry) Normalize() error {
	d.UserName = strings.ToLower(strings.TrimSpace(d.UserName))
	switch {
	case d.UserName == "":
		return Errorf(EINVALID, "directory user name is required")
	case len(d.UserName) > MaxUserNameLength || !validText(d.UserName) || strings.ContainsAny(d.UserName, " \t\r\n"):
		return Errorf(EINVALID, "%q is not a user name", d.UserName)
	}
	for _, s := range []string{d.DisplayName, d.Department, d.Title, d.Manager} {
		if len(s) > MaxIndicatorTextLength || !validText(s) {
			return Errorf(EINVALID, "directory entry %s: a field is longer than %d characters", d.UserName, MaxIndicatorTextLength)
		}
	}
	return nil
}

// DirectoryFilter pages through a user directory by user name.
type DirectoryFilter struct {
	// Search is a case-insensitive substring of the user name, display
	// name or department.
	Search *string
	// Privileged, when set, lists only privileged (or only unprivileged)
	// users.
	Privileged *bool

	First int
	After *string
}

// Validate checks the filter and applies the default page size.
func (f *DirectoryFilter) Validate() error {
	if err := validatePage(&f.First); err != nil {
		return err
	}
	if f.Search != nil && len(strings.TrimSpace(*f.Search)) > 256 {
		return Errorf(EINVALID, "search is longer than 256 characters")
	}
	return nil
}

// DirectoryPage is one page of directory entries, ordered by user name.
type DirectoryPage struct {
	Entries     []*DirectoryEntry
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// DirectoryImportResult counts what a directory import did. Unchanged
// counts entries identical to the stored ones and repeats within the
// import; Deleted those a replacing import removed.
type DirectoryImportResult struct {
	Inserted  int
	Updated   int
	Unchanged int
	Deleted   int
}

// UserDirectoryService keeps the user directory of the caller's tenant,
// which gives events their user context. Every method works on the
// caller's tenant: EUNAUTHORIZED without a session. Changes take the audit
// entry to append in the same transaction (nil for none).
type UserDirectoryService interface {
	// ImportDirectory inserts or updates the entries by user name; with
	// replace, entries not in the import are deleted. All or nothing:
	// EINVALID (naming the position) when one does not normalize.
	ImportDirectory(ctx context.Context, entries []DirectoryEntry, replace bool, audit *AuditEntry) (*DirectoryImportResult, error)
	// ListDirectory pages through entries by user name. EINVALID for a bad
	// filter or cursor.
	ListDirectory(ctx context.Context, filter DirectoryFilter) (*DirectoryPage, error)
	// DeleteDirectoryEntry removes one user's entry. ENOTFOUND.
	DeleteDirectoryEntry(ctx context.Context, userName string, audit *AuditEntry) error
}

// Audit actions of threat intel and the user directory.
const (
	AuditIndicatorsImported    = "intel.indicators_imported"
	AuditIndicatorDeleted      = "intel.indicator_deleted"
	AuditIndicatorSourceDelete = "intel.source_deleted"
	AuditIndicatorsPurged      = "intel.expired_purged"
	AuditDirectoryImported     = "directory.imported"
	AuditDirectoryEntryDeleted = "directory.entry_deleted"
)
