package enrich

import (
	"cmp"
	"encoding/binary"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// Index matches observables against a tenant's indicators. It is built once
// from the indicators and never changed, so any number of goroutines may
// use it. Every lookup costs a bounded number of map probes, whatever the
// number of indicators:
//
//   - IP addresses: one probe per CIDR prefix length present among the
//     indicators (a plain address is a /32 or /128), most specific first;
//   - domain names: one probe per suffix of the name that has a dot, so an
//     indicator for evil.example matches a.b.evil.example (at most
//     maxDomainLabels probes);
//   - URLs, hashes, e-mail addresses and account names: one probe.
//
// Indicators that are not yet valid or have expired at the time given to a
// lookup do not match.
type Index struct {
	entries []entry
	v4      []prefixTable[uint32]
	v6      []prefixTable[[2]uint64]
	exact   [numExact]map[string]int32
	n       int
	skipped int
}

// exact-match tables, by indicator type.
const (
	exDomain = iota
	exURL
	exHash
	exEmail
	exAccount
	numExact
)

var exactTypes = [numExact]scalefield.IndicatorType{
	exDomain: scalefield.IndicatorDomain, exURL: scalefield.IndicatorURL, exHash: scalefield.IndicatorFileHash,
	exEmail: scalefield.IndicatorEmail, exAccount: scalefield.IndicatorUserAccount,
}

// maxDomainLabels bounds the parent-domain walk.
const maxDomainLabels = 16

// maxMatches bounds the threat matches of one event.
const maxMatches = 16

// entry is one indicator; entries with the same key form a chain through
// next (-1 ends it).
type entry struct {
	typ        scalefield.IndicatorType
	value      string
	source     string
	labels     []string
	validFrom  int64 // Unix nanoseconds; math.MinInt64 for always
	validUntil int64 // Unix nanoseconds; math.MaxInt64 for never
	confidence int32
	next       int32
}

func (e *entry) valid(now int64) bool { return e.validFrom <= now && now < e.validUntil }

type prefixTable[K comparable] struct {
	bits int
	mask K
	m    map[K]int32
}

// NewIndex builds an index of inds. Values are normalized as
// scalefield.Indicator.Normalize does; indicators that do not normalize are
// left out and counted by Skipped. inds is not kept: the index shares only
// its strings and label slices.
func NewIndex(inds []scalefield.Indicator) *Index {
	ix := &Index{entries: make([]entry, 0, len(inds))}
	var exactLen [numExact]int
	for i := range inds {
		for k, t := range exactTypes {
			if inds[i].Type == t {
				exactLen[k]++
			}
		}
	}
	for k := range ix.exact {
		if exactLen[k] > 0 {
			ix.exact[k] = make(map[string]int32, exactLen[k])
		}
	}
	v4 := map[int]map[uint32]int32{}
	v6 := map[int]map[[2]uint64]int32{}
	for i := range inds {
		in := &inds[i]
		var (
			value  string
			prefix netip.Prefix
			err    error
		)
		if in.Type == scalefield.IndicatorIPv4 || in.Type == scalefield.IndicatorIPv6 {
			value, prefix, err = canonicalPrefix(in.Type, in.Value)
		} else {
			value, err = scalefield.NormalizeIndicatorValue(in.Type, in.Value)
		}
		if err != nil {
			ix.skipped++
			continue
		}
		e := entry{typ: in.Type, value: value, source: in.Source, labels: in.Labels,
			validFrom: math.MinInt64, validUntil: math.MaxInt64, confidence: int32(min(max(in.Confidence, 0), 100))}
		if !in.ValidFrom.IsZero() {
			e.validFrom = in.ValidFrom.UnixNano()
		}
		if in.ValidUntil != nil {
			e.validUntil = in.ValidUntil.UnixNano()
		}
		idx := int32(len(ix.entries))
		switch in.Type {
		case scalefield.IndicatorIPv4, scalefield.IndicatorIPv6:
			p := prefix
			if p.Addr().Is4() {
				m := v4[p.Bits()]
				if m == nil {
					m = map[uint32]int32{}
					v4[p.Bits()] = m
				}
				e.next = chain(m, key4(p.Addr()), idx)
			} else {
				m := v6[p.Bits()]
				if m == nil {
					m = map[[2]uint64]int32{}
					v6[p.Bits()] = m
				}
				e.next = chain(m, key6(p.Addr()), idx)
			}
		default:
			for k, t := range exactTypes {
				if t == in.Type {
					e.next = chain(ix.exact[k], value, idx)
				}
			}
		}
		ix.entries = append(ix.entries, e)
	}
	for bits, m := range v4 {
		ix.v4 = append(ix.v4, prefixTable[uint32]{bits: bits, mask: mask4(bits), m: m})
	}
	for bits, m := range v6 {
		ix.v6 = append(ix.v6, prefixTable[[2]uint64]{bits: bits, mask: mask6(bits), m: m})
	}
	slices.SortFunc(ix.v4, func(a, b prefixTable[uint32]) int { return cmp.Compare(b.bits, a.bits) })
	slices.SortFunc(ix.v6, func(a, b prefixTable[[2]uint64]) int { return cmp.Compare(b.bits, a.bits) })
	ix.n = len(ix.entries)
	return ix
}

// canonicalPrefix parses an IP indicator. It returns value itself when it
// is already canonical (as values from the store are), so building an
// index of addresses allocates no strings.
func canonicalPrefix(t scalefield.IndicatorType, value string) (string, netip.Prefix, error) {
	var p netip.Prefix
	if strings.IndexByte(value, '/') >= 0 {
		q, err := netip.ParsePrefix(value)
		if err != nil || q.Addr().Zone() != "" {
			return normalizedPrefix(t, value)
		}
		p = q
	} else {
		a, err := netip.ParseAddr(value)
		if err != nil || a.Zone() != "" {
			return normalizedPrefix(t, value)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() || p.Masked() != p || p.Addr().Is4() != (t == scalefield.IndicatorIPv4) {
		return normalizedPrefix(t, value)
	}
	var buf [64]byte
	var b []byte
	if p.IsSingleIP() {
		b = p.Addr().AppendTo(buf[:0])
	} else {
		b = p.AppendTo(buf[:0])
	}
	if string(b) != value {
		return normalizedPrefix(t, value)
	}
	return value, p, nil
}

// normalizedPrefix normalizes an IP indicator the slow way.
func normalizedPrefix(t scalefield.IndicatorType, value string) (string, netip.Prefix, error) {
	v, err := scalefield.NormalizeIndicatorValue(t, value)
	if err != nil {
		return "", netip.Prefix{}, err
	}
	if strings.IndexByte(v, '/') >= 0 {
		p, err := netip.ParsePrefix(v)
		return v, p, err
	}
	a, err := netip.ParseAddr(v)
	return v, netip.PrefixFrom(a, a.BitLen()), err
}

// chain links idx in front of the chain of key and returns the old head.
func chain[K comparable](m map[K]int32, key K, idx int32) int32 {
	next, ok := m[key]
	if !ok {
		next = -1
	}
	m[key] = idx
	return next
}

func key4(a netip.Addr) uint32 { b := a.As4(); return binary.BigEndian.Uint32(b[:]) }

func key6(a netip.Addr) [2]uint64 {
	b := a.As16()
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func mask4(bits int) uint32 {
	if bits == 0 {
		return 0
	}
	return ^uint32(0) << (32 - bits)
}

func mask6(bits int) [2]uint64 {
	switch {
	case bits == 0:
		return [2]uint64{}
	case bits <= 64:
		return [2]uint64{^uint64(0) << (64 - bits), 0}
	case bits == 128:
		return [2]uint64{^uint64(0), ^uint64(0)}
	}
	return [2]uint64{^uint64(0), ^uint64(0) << (128 - bits)}
}

// Len is the number of indicators in the index.
func (ix *Index) Len() int { return ix.n }

// Skipped is the number of indicators left out because they did not
// normalize.
func (ix *Index) Skipped() int { return ix.skipped }

// has reports whether the index holds any indicator of exact table k.
func (ix *Index) has(k int) bool { return len(ix.exact[k]) > 0 }

// Lookup returns the indicators of type t matching value at now, as threat
// matches without a field: the checks the enrichment stage makes, for one
// observable. An IP type matches addresses and the CIDR ranges holding
// them, a domain its parent domains too.
func (ix *Index) Lookup(t scalefield.IndicatorType, value string, now time.Time) []scalefield.ThreatMatch {
	n := now.UnixNano()
	switch t {
	case scalefield.IndicatorIPv4, scalefield.IndicatorIPv6:
		a, err := netip.ParseAddr(strings.TrimSpace(value))
		if err != nil || a.Unmap().Is4() != (t == scalefield.IndicatorIPv4) {
			return nil
		}
		return ix.matchIP(nil, "", a, n)
	case scalefield.IndicatorDomain:
		return ix.matchDomain(nil, "", value, n)
	case scalefield.IndicatorURL:
		return ix.matchURL(nil, "", value, n)
	case scalefield.IndicatorFileHash:
		return ix.matchExact(nil, exHash, "", strings.ToLower(strings.TrimSpace(value)), n)
	case scalefield.IndicatorEmail, scalefield.IndicatorUserAccount:
		return ix.matchUser(nil, "", value, n)
	}
	return nil
}

// IPReputation returns the highest confidence of the IP indicators matching
// addr at now, and false when none does.
func (ix *Index) IPReputation(addr netip.Addr, now time.Time) (int, bool) {
	best, ok := 0, false
	for _, m := range ix.matchIP(nil, "", addr, now.UnixNano()) {
		best, ok = max(best, m.Confidence), true
	}
	return best, ok
}

func (ix *Index) appendChain(dst []scalefield.ThreatMatch, field string, head int32, now int64) []scalefield.ThreatMatch {
	for i := head; i >= 0 && len(dst) < maxMatches; {
		e := &ix.entries[i]
		if e.valid(now) {
			dst = append(dst, scalefield.ThreatMatch{Field: field, Type: string(e.typ), Value: e.value,
				Source: e.source, Confidence: int(e.confidence), Labels: e.labels})
		}
		i = e.next
	}
	return dst
}

func (ix *Index) matchIP(dst []scalefield.ThreatMatch, field string, a netip.Addr, now int64) []scalefield.ThreatMatch {
	a = a.Unmap()
	if a.Is4() {
		if len(ix.v4) == 0 {
			return dst
		}
		k := key4(a)
		for i := range ix.v4 {
			t := &ix.v4[i]
			if head, ok := t.m[k&t.mask]; ok {
				dst = ix.appendChain(dst, field, head, now)
			}
		}
		return dst
	}
	if len(ix.v6) == 0 || !a.IsValid() {
		return dst
	}
	k := key6(a)
	for i := range ix.v6 {
		t := &ix.v6[i]
		if head, ok := t.m[[2]uint64{k[0] & t.mask[0], k[1] & t.mask[1]}]; ok {
			dst = ix.appendChain(dst, field, head, now)
		}
	}
	return dst
}

func (ix *Index) matchExact(dst []scalefield.ThreatMatch, k int, field, key string, now int64) []scalefield.ThreatMatch {
	if head, ok := ix.exact[k][key]; ok {
		dst = ix.appendChain(dst, field, head, now)
	}
	return dst
}

// matchDomain matches name and its parent domains down to the last two
// labels (a bare top-level domain is probed only when name is one).
func (ix *Index) matchDomain(dst []scalefield.ThreatMatch, field, name string, now int64) []scalefield.ThreatMatch {
	if !ix.has(exDomain) {
		return dst
	}
	name = lowerASCII(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if name == "" {
		return dst
	}
	m := ix.exact[exDomain]
	for range maxDomainLabels {
		if head, ok := m[name]; ok {
			dst = ix.appendChain(dst, field, head, now)
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			break
		}
		name = name[i+1:]
		if strings.IndexByte(name, '.') < 0 {
			break
		}
	}
	return dst
}

func (ix *Index) matchURL(dst []scalefield.ThreatMatch, field, raw string, now int64) []scalefield.ThreatMatch {
	if !ix.has(exURL) {
		return dst
	}
	u, ok := scalefield.NormalizeURL(raw)
	if !ok {
		return dst
	}
	return ix.matchExact(dst, exURL, field, u, now)
}

// matchUser matches an account name against e-mail and account indicators:
// the whole name, and for DOMAIN\user or user@domain also the bare user.
func (ix *Index) matchUser(dst []scalefield.ThreatMatch, field, user string, now int64) []scalefield.ThreatMatch {
	if (!ix.has(exEmail) && !ix.has(exAccount)) || user == "" {
		return dst
	}
	user = lowerASCII(strings.TrimSpace(user))
	if strings.IndexByte(user, '@') > 0 {
		dst = ix.matchExact(dst, exEmail, field, user, now)
	}
	dst = ix.matchExact(dst, exAccount, field, user, now)
	if bare := bareUser(user); bare != user {
		dst = ix.matchExact(dst, exAccount, field, bare, now)
	}
	return dst
}

// lowerASCII lower-cases s, allocating only when s has an upper-case
// letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
