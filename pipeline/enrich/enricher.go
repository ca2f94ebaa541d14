package enrich

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// Loader reads tenants' enrichment data. The store implements it on the
// privileged connection.
type Loader interface {
	// EnrichmentVersions returns the current version of each tenant's
	// enrichment data; a tenant with none has version 0.
	EnrichmentVersions(ctx context.Context, tenantIDs []string) (map[string]int64, error)
	// LoadEnrichment returns a tenant's indicators and user directory with
	// the version they are at.
	LoadEnrichment(ctx context.Context, tenantID string) (version int64, indicators []scalefield.Indicator, directory []scalefield.DirectoryEntry, err error)
}

// Config configures an Enricher.
type Config struct {
	// RefreshInterval is how often Prepare asks for a tenant's version to
	// see whether its data changed. Default 30s: an imported feed applies
	// to events at most this long after the import.
	RefreshInterval time.Duration
	// Now returns the current time; it decides when indicators expire and
	// when to refresh. Default time.Now.
	Now scalefield.Clock
}

// DefaultRefreshInterval is the default of Config.RefreshInterval.
const DefaultRefreshInterval = 30 * time.Second

// Validate checks the config and applies defaults. EINVALID for a
// negative or sub-second refresh interval.
func (c *Config) Validate() error {
	switch {
	case c.RefreshInterval == 0:
		c.RefreshInterval = DefaultRefreshInterval
	case c.RefreshInterval < time.Second:
		return scalefield.Errorf(scalefield.EINVALID, "enrichment refresh interval must be at least 1s, not %s", c.RefreshInterval)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// TenantData is the enrichment data of one tenant as the Enricher holds it.
type TenantData struct {
	Version   int64
	Index     *Index
	Directory *Directory
}

// Enricher adds GeoIP, threat intel matches, user context and a risk score
// to Silver events. Prepare does all I/O, once per batch; Enrich is pure
// computation and safe for concurrent use, also while Prepare runs.
type Enricher struct {
	geo    *GeoIP
	loader Loader
	cfg    Config

	// tenants is replaced whole by Prepare (copy on write), so Enrich reads
	// it without a lock.
	tenants atomic.Pointer[map[string]*TenantData]

	mu sync.Mutex // serializes Prepare
	// checked is when each tenant's version was last asked for.
	checked map[string]time.Time
}

// New returns an Enricher. geo may be nil (no GeoIP database configured),
// loader nil (no threat intel or user context: GeoIP and risk only).
// EINVALID for a bad config.
func New(geo *GeoIP, loader Loader, cfg Config) (*Enricher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Enricher{geo: geo, loader: loader, cfg: cfg, checked: map[string]time.Time{}}
	e.tenants.Store(&map[string]*TenantData{})
	return e, nil
}

// Tenant returns the data held for a tenant, or nil.
func (e *Enricher) Tenant(tenantID string) *TenantData { return (*e.tenants.Load())[tenantID] }

// Prepare makes sure the data of the given tenants is loaded and current
// before their events are enriched: it asks for the versions of the tenants
// not checked within the refresh interval (one query) and reloads those
// that changed. When loading fails the tenant keeps its previous data (or
// none) and is asked again at the next Prepare; the error is returned, and
// Enrich goes on working with what is held.
func (e *Enricher) Prepare(ctx context.Context, tenantIDs []string) error {
	if e.loader == nil || len(tenantIDs) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.Now()
	current := *e.tenants.Load()
	var due []string
	for _, id := range tenantIDs {
		if id == "" {
			continue
		}
		if at, ok := e.checked[id]; ok && now.Sub(at) < e.cfg.RefreshInterval && current[id] != nil {
			continue
		}
		if !containsString(due, id) {
			due = append(due, id)
		}
	}
	if len(due) == 0 {
		return nil
	}
	versions, err := e.loader.EnrichmentVersions(ctx, due)
	if err != nil {
		return fmt.Errorf("enrichment versions: %w", err)
	}
	var next map[string]*TenantData
	var firstErr error
	for _, id := range due {
		v := versions[id]
		if old := current[id]; old != nil && old.Version == v {
			e.checked[id] = now
			continue
		}
		td := &TenantData{Version: 0, Index: NewIndex(nil), Directory: NewDirectory(nil)}
		if v != 0 {
			ver, inds, dir, err := e.loader.LoadEnrichment(ctx, id)
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("load enrichment of tenant %s: %w", id, err)
				}
				continue
			}
			td = &TenantData{Version: ver, Index: NewIndex(inds), Directory: NewDirectory(dir)}
		}
		if next == nil {
			next = maps.Clone(current)
		}
		next[id] = td
		e.checked[id] = now
	}
	if next != nil {
		e.tenants.Store(&next)
	}
	return firstErr
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Enrich fills in ev's SrcGeo, DstGeo, ThreatMatch, UserContext and
// RiskScore from the GeoIP database and the data held for ev's tenant (see
// Prepare). Observables matched: src_ip and dst_ip (and host, src_hostname,
// dst_hostname when they are addresses) against IP indicators; host,
// src_hostname and dst_hostname against domains; user against e-mail and
// account indicators; and, when the tenant has such indicators, URLs and
// hex digests in the message (url, hash). The values it sets may be shared
// with other events: do not modify them.
func (e *Enricher) Enrich(ev *scalefield.SecurityEvent) {
	srcIP, srcOK := parseAddr(ev.SrcIP)
	dstIP, dstOK := parseAddr(ev.DstIP)
	if e.geo != nil {
		if srcOK {
			ev.SrcGeo = e.geo.Lookup(srcIP)
		}
		if dstOK {
			ev.DstGeo = e.geo.Lookup(dstIP)
		}
	}
	if td := (*e.tenants.Load())[ev.TenantID]; td != nil {
		now := e.cfg.Now().UnixNano()
		ix := td.Index
		var m []scalefield.ThreatMatch
		if srcOK {
			m = ix.matchIP(m, "src_ip", srcIP, now)
		}
		if dstOK {
			m = ix.matchIP(m, "dst_ip", dstIP, now)
		}
		m = ix.matchHost(m, "host", ev.Host, now)
		m = ix.matchHost(m, "src_hostname", ev.SrcHostname, now)
		m = ix.matchHost(m, "dst_hostname", ev.DstHostname, now)
		m = ix.matchUser(m, "user", ev.User, now)
		if ix.has(exURL) || ix.has(exHash) || ix.has(exDomain) {
			m = ix.matchMessage(m, ev.Message, now)
		}
		ev.ThreatMatch = m
		ev.UserContext = td.Directory.Lookup(ev.User)
	}
	ev.RiskScore = RiskScore(ev)
}

// matchHost matches a host field: as an address when it is one, else as a
// domain name.
func (ix *Index) matchHost(dst []scalefield.ThreatMatch, field, host string, now int64) []scalefield.ThreatMatch {
	if host == "" {
		return dst
	}
	if a, ok := parseAddr(host); ok {
		return ix.matchIP(dst, field, a, now)
	}
	return ix.matchDomain(dst, field, host, now)
}

// parseAddr parses an IP address cheaply: strings that cannot be one are
// refused before netip parses them.
func parseAddr(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 45 {
		return netip.Addr{}, false
	}
	if c := s[0]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == ':') {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// maxMessageScan bounds how much of a message is searched for URLs and
// digests.
const maxMessageScan = 4096

// matchMessage searches the message for http(s) URLs (matched as URLs, and
// their hosts as domains) and hex digests of MD5, SHA-1, SHA-256 or SHA-512
// length.
func (ix *Index) matchMessage(dst []scalefield.ThreatMatch, msg string, now int64) []scalefield.ThreatMatch {
	if len(msg) > maxMessageScan {
		msg = msg[:maxMessageScan]
	}
	if ix.has(exURL) || ix.has(exDomain) {
		for rest := msg; ; {
			i := strings.Index(rest, "://")
			if i < 0 {
				break
			}
			start := i
			for start > 0 && isSchemeChar(rest[start-1]) {
				start--
			}
			end := i + 3
			for end < len(rest) && !isURLStop(rest[end]) {
				end++
			}
			if start < i && end > i+3 {
				u := rest[start:end]
				dst = ix.matchURL(dst, "url", u, now)
				host := rest[i+3 : end]
				if j := strings.IndexAny(host, "/?#"); j >= 0 {
					host = host[:j]
				}
				if j := strings.LastIndexByte(host, '@'); j >= 0 {
					host = host[j+1:]
				}
				if j := strings.LastIndexByte(host, ':'); j >= 0 && !strings.Contains(host, "]") {
					host = host[:j]
				}
				dst = ix.matchHost(dst, "url", strings.Trim(host, "[]"), now)
			}
			rest = rest[end:]
		}
	}
	if ix.has(exHash) {
		for i := 0; i < len(msg); {
			if !isHex(msg[i]) {
				i++
				continue
			}
			j := i
			for j < len(msg) && isHex(msg[j]) {
				j++
			}
			if scalefield.ValidHashLength(j-i) && (i == 0 || !isWordChar(msg[i-1])) && (j == len(msg) || !isWordChar(msg[j])) {
				dst = ix.matchExact(dst, exHash, "hash", lowerASCII(msg[i:j]), now)
			}
			i = j
		}
	}
	return dst
}

func isSchemeChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isURLStop(c byte) bool {
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '|' || c == ',' || c == ';' || c == ')' || c >= 0x7f
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isWordChar(c byte) bool {
	return isHex(c) || 'g' <= c && c <= 'z' || 'G' <= c && c <= 'Z' || c == '_'
}
