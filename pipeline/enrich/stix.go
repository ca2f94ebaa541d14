package enrich

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// stixObject holds the fields of a STIX 2.1 object the import uses.
type stixObject struct {
	Type           string   `json:"type"`
	ID             string   `json:"id"`
	Pattern        string   `json:"pattern"`
	PatternType    string   `json:"pattern_type"`
	ValidFrom      string   `json:"valid_from"`
	ValidUntil     string   `json:"valid_until"`
	Confidence     *int     `json:"confidence"`
	Labels         []string `json:"labels"`
	IndicatorTypes []string `json:"indicator_types"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Revoked        bool     `json:"revoked"`
}

// ParseSTIX reads a STIX 2.1 bundle (2.0 bundles are read too) and returns
// the indicators of its indicator objects with a STIX pattern. Objects of
// other types are counted as ignored. An indicator whose pattern cannot be
// matched by value (AND, FOLLOWEDBY, NOT, qualifiers, unsupported object
// paths or operators), is revoked, or has a bad value or timestamp is
// skipped with the reason; the comparisons of an OR-joined pattern become
// indicators of their own. EINVALID for a document that is not a bundle, a
// bad option, or more indicators than opts.MaxIndicators.
//
// The bundle is read as a stream, one object at a time.
func ParseSTIX(r io.Reader, opts ParseOptions) (*ParseResult, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(r)
	bad := func(format string, args ...any) error {
		return scalefield.Errorf(scalefield.EINVALID, "not a STIX bundle: "+format, args...)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, bad("expected a JSON object")
	}
	res := &ParseResult{}
	var bundleType string
	sawObjects := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad("%v", err)
		}
		key, _ := t.(string)
		switch key {
		case "type":
			if err := dec.Decode(&bundleType); err != nil {
				return nil, bad("type: %v", err)
			}
			if bundleType != "bundle" {
				return nil, bad("type is %q", bundleType)
			}
		case "objects":
			if sawObjects {
				return nil, bad("objects appears twice")
			}
			sawObjects = true
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return nil, bad("objects must be an array")
			}
			for dec.More() {
				var obj stixObject
				if err := dec.Decode(&obj); err != nil {
					var ute *json.UnmarshalTypeError
					if errors.As(err, &ute) {
						return nil, bad("object %d: field %s has the wrong type", res.SkippedTotal+len(res.Indicators)+res.Ignored+1, ute.Field)
					}
					return nil, bad("%v", err)
				}
				if !res.stixObject(&obj, &opts) {
					return nil, scalefield.Errorf(scalefield.EINVALID, "the feed has more than %d indicators", opts.MaxIndicators)
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, bad("%v", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad("%v", err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("%v", err)
	}
	if bundleType != "bundle" {
		return nil, bad("no \"type\": \"bundle\"")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("data after the bundle")
	}
	return res, nil
}

// stixObject adds the indicators of one object; false when the result is
// full.
func (r *ParseResult) stixObject(obj *stixObject, o *ParseOptions) bool {
	if obj.Type != "indicator" {
		r.Ignored++
		return true
	}
	where := Skip{Object: obj.ID}
	skip := func(format string, args ...any) bool {
		where.Reason = fmt.Sprintf(format, args...)
		r.skip(where)
		return true
	}
	switch {
	case obj.PatternType != "" && obj.PatternType != "stix":
		return skip("pattern type %q is not supported", obj.PatternType)
	case obj.Revoked:
		return skip("revoked")
	case obj.Pattern == "":
		return skip("no pattern")
	}
	base := scalefield.Indicator{Source: o.Source, Confidence: o.Confidence, Name: obj.Name, Description: obj.Description}
	if obj.Confidence != nil {
		base.Confidence = *obj.Confidence
	}
	var err error
	if obj.ValidFrom != "" {
		if base.ValidFrom, err = time.Parse(time.RFC3339Nano, obj.ValidFrom); err != nil {
			return skip("valid_from %q is not an RFC 3339 timestamp", obj.ValidFrom)
		}
		base.ValidFrom = base.ValidFrom.UTC()
	}
	if obj.ValidUntil != "" {
		u, err := time.Parse(time.RFC3339Nano, obj.ValidUntil)
		if err != nil {
			return skip("valid_until %q is not an RFC 3339 timestamp", obj.ValidUntil)
		}
		u = u.UTC()
		base.ValidUntil = &u
	}
	for _, l := range slices.Concat(obj.Labels, obj.IndicatorTypes) {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(base.Labels, l) {
			base.Labels = append(base.Labels, l)
		}
	}
	pat, err := parsePattern(obj.Pattern)
	if err != nil {
		return skip("malformed pattern: %v", err)
	}
	if pat.unsupported != "" {
		return skip("pattern uses %s, which a single value cannot match", pat.unsupported)
	}
	var unsupported []string
	added := 0
	for _, c := range pat.comparisons {
		typ, why := comparisonType(c)
		if why != "" {
			unsupported = append(unsupported, why)
			continue
		}
		for _, v := range c.values {
			ind := base
			ind.Type, ind.Value = typ, v
			if typ == "" { // network-traffic refs name an address of either family
				ind.Type = ipType(v)
			}
			if strings.HasPrefix(v, "\x00") {
				unsupported = append(unsupported, c.path+" compared with a non-string value")
				continue
			}
			n := len(r.Indicators)
			if !r.add(ind, Skip{Object: obj.ID}, o) {
				return false
			}
			added += len(r.Indicators) - n
		}
	}
	if len(unsupported) > 0 {
		if added > 0 {
			return skip("%s (other comparisons imported)", strings.Join(unsupported, "; "))
		}
		return skip("%s", strings.Join(unsupported, "; "))
	}
	return true
}

// comparisonType maps a comparison to the indicator type of its values, or
// says why it cannot be matched. The type is "" for a network-traffic
// address, whose values name their own family.
func comparisonType(c comparison) (scalefield.IndicatorType, string) {
	path := c.path
	var typ scalefield.IndicatorType
	ip := false
	switch strings.ToLower(path) {
	case "ipv4-addr:value":
		typ, ip = scalefield.IndicatorIPv4, true
	case "ipv6-addr:value":
		typ, ip = scalefield.IndicatorIPv6, true
	case "network-traffic:src_ref.value", "network-traffic:dst_ref.value":
		typ, ip = "", true
	case "domain-name:value":
		typ = scalefield.IndicatorDomain
	case "url:value":
		typ = scalefield.IndicatorURL
	case "email-addr:value":
		typ = scalefield.IndicatorEmail
	case "user-account:account_login":
		typ = scalefield.IndicatorUserAccount
	default:
		obj, prop, _ := strings.Cut(path, ":")
		alg, isHash := strings.CutPrefix(prop, "hashes.")
		if obj != "file" || !isHash {
			return "", "object path " + path + " is not supported"
		}
		switch strings.ToUpper(strings.Trim(alg, "'")) {
		case "MD5", "SHA-1", "SHA1", "SHA-256", "SHA256", "SHA-512", "SHA512":
			typ = scalefield.IndicatorFileHash
		default:
			return "", "hash algorithm " + alg + " is not supported"
		}
	}
	switch {
	case c.op == "=" || c.op == "IN":
	case c.op == "ISSUBSET" && ip:
	default:
		return "", "operator " + c.op + " on " + path + " is not supported"
	}
	return typ, ""
}

// ipType returns the indicator type of an address or CIDR range (IPv4 when
// it is neither, so normalization reports the bad value).
func ipType(v string) scalefield.IndicatorType {
	addr, _, _ := strings.Cut(v, "/")
	if a, err := netip.ParseAddr(strings.TrimSpace(addr)); err == nil && a.Unmap().Is6() && !a.Is4In6() {
		return scalefield.IndicatorIPv6
	}
	return scalefield.IndicatorIPv4
}
