package enrich

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func tp(t time.Time) *time.Time { return &t }

func ind(typ scalefield.IndicatorType, value string, conf int) scalefield.Indicator {
	return scalefield.Indicator{Type: typ, Value: value, Source: "feed", Confidence: conf}
}

func testIndex() *Index {
	expired := ind(scalefield.IndicatorIPv4, "192.0.2.50", 90)
	expired.ValidUntil = tp(testNow.Add(-time.Second))
	later := ind(scalefield.IndicatorIPv4, "192.0.2.51", 90)
	later.ValidFrom = testNow.Add(time.Hour)
	stillValid := ind(scalefield.IndicatorDomain, "expiring.example", 50)
	stillValid.ValidUntil = tp(testNow.Add(time.Second))
	other := ind(scalefield.IndicatorIPv4, "192.0.2.1", 40)
	other.Source = "other-feed"
	return NewIndex([]scalefield.Indicator{
		ind(scalefield.IndicatorIPv4, "192.0.2.1", 80),
		other,
		ind(scalefield.IndicatorIPv4, "198.51.100.0/24", 60),
		ind(scalefield.IndicatorIPv4, "198.51.0.0/16", 30),
		ind(scalefield.IndicatorIPv4, "0.0.0.0/0", 1),
		ind(scalefield.IndicatorIPv6, "2001:db8::1", 70),
		ind(scalefield.IndicatorIPv6, "2001:db8:dead::/48", 50),
		ind(scalefield.IndicatorIPv6, "2001:db8:beef:0:8000::/65", 55),
		ind(scalefield.IndicatorDomain, "Evil.Example.", 85),
		ind(scalefield.IndicatorDomain, "example", 5), // a bare TLD: matches only itself
		ind(scalefield.IndicatorURL, "HTTPS://Evil.Example/Payload?x=1", 75),
		ind(scalefield.IndicatorFileHash, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", 95),
		ind(scalefield.IndicatorEmail, "CEO@evil.example", 65),
		ind(scalefield.IndicatorUserAccount, "mallory", 45),
		ind(scalefield.IndicatorIPv4, "not an address", 50),
		expired, later, stillValid,
	})
}

type matchKey struct {
	Value      string
	Source     string
	Confidence int
}

func keys(ms []scalefield.ThreatMatch) []matchKey {
	out := []matchKey{}
	for _, m := range ms {
		out = append(out, matchKey{m.Value, m.Source, m.Confidence})
	}
	slices.SortFunc(out, func(a, b matchKey) int { return b.Confidence - a.Confidence })
	return out
}

func TestIndexLookup(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	if ix.Len() != 17 || ix.Skipped() != 1 {
		t.Errorf("len %d, skipped %d", ix.Len(), ix.Skipped())
	}
	for _, tc := range []struct {
		name  string
		typ   scalefield.IndicatorType
		value string
		want  []matchKey
	}{
		{"exact IP, two feeds", scalefield.IndicatorIPv4, "192.0.2.1", []matchKey{{"192.0.2.1", "feed", 80}, {"192.0.2.1", "other-feed", 40}, {"0.0.0.0/0", "feed", 1}}},
		{"most specific CIDR first", scalefield.IndicatorIPv4, "198.51.100.9", []matchKey{{"198.51.100.0/24", "feed", 60}, {"198.51.0.0/16", "feed", 30}, {"0.0.0.0/0", "feed", 1}}},
		{"outer CIDR only", scalefield.IndicatorIPv4, "198.51.7.1", []matchKey{{"198.51.0.0/16", "feed", 30}, {"0.0.0.0/0", "feed", 1}}},
		{"IPv4-mapped IPv6", scalefield.IndicatorIPv4, "::ffff:192.0.2.1", []matchKey{{"192.0.2.1", "feed", 80}, {"192.0.2.1", "other-feed", 40}, {"0.0.0.0/0", "feed", 1}}},
		{"expired", scalefield.IndicatorIPv4, "192.0.2.50", []matchKey{{"0.0.0.0/0", "feed", 1}}},
		{"not yet valid", scalefield.IndicatorIPv4, "192.0.2.51", []matchKey{{"0.0.0.0/0", "feed", 1}}},
		{"IPv6 exact, other notation", scalefield.IndicatorIPv6, "2001:DB8:0::1", []matchKey{{"2001:db8::1", "feed", 70}}},
		{"IPv6 /48", scalefield.IndicatorIPv6, "2001:db8:dead:1::5", []matchKey{{"2001:db8:dead::/48", "feed", 50}}},
		{"IPv6 /65", scalefield.IndicatorIPv6, "2001:db8:beef:0:8000::1", []matchKey{{"2001:db8:beef:0:8000::/65", "feed", 55}}},
		{"IPv6 outside /65", scalefield.IndicatorIPv6, "2001:db8:beef:0:7fff::1", []matchKey{}},
		{"IPv6 type for IPv4 value", scalefield.IndicatorIPv6, "192.0.2.1", []matchKey{}},
		{"domain exact", scalefield.IndicatorDomain, "evil.example", []matchKey{{"evil.example", "feed", 85}}},
		{"domain parent, case, trailing dot", scalefield.IndicatorDomain, "CDN.a.Evil.Example.", []matchKey{{"evil.example", "feed", 85}}},
		{"domain lookalike", scalefield.IndicatorDomain, "notevil.example", []matchKey{}},
		{"bare TLD not walked", scalefield.IndicatorDomain, "good.example", []matchKey{}},
		{"bare TLD exact", scalefield.IndicatorDomain, "example", []matchKey{{"example", "feed", 5}}},
		{"domain valid until a second later", scalefield.IndicatorDomain, "www.expiring.example", []matchKey{{"expiring.example", "feed", 50}}},
		{"url, case of scheme and host", scalefield.IndicatorURL, "https://EVIL.example/Payload?x=1", []matchKey{{"https://evil.example/Payload?x=1", "feed", 75}}},
		{"url path is case-sensitive", scalefield.IndicatorURL, "https://evil.example/payload?x=1", []matchKey{}},
		{"hash upper-case", scalefield.IndicatorFileHash, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", []matchKey{{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "feed", 95}}},
		{"email", scalefield.IndicatorEmail, "ceo@EVIL.example", []matchKey{{"ceo@evil.example", "feed", 65}}},
		{"account with domain", scalefield.IndicatorUserAccount, `CORP\Mallory`, []matchKey{{"mallory", "feed", 45}}},
		{"account as UPN", scalefield.IndicatorUserAccount, "mallory@corp.example", []matchKey{{"mallory", "feed", 45}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := keys(ix.Lookup(tc.typ, tc.value, testNow)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if rep, ok := ix.IPReputation(netip.MustParseAddr("192.0.2.1"), testNow); !ok || rep != 80 {
		t.Errorf("reputation = %d, %v; want 80", rep, ok)
	}
	if _, ok := NewIndex(nil).IPReputation(netip.MustParseAddr("192.0.2.1"), testNow); ok {
		t.Error("empty index has a reputation")
	}
	m := ix.Lookup(scalefield.IndicatorIPv4, "192.0.2.1", testNow)[0]
	if m.Type != "ipv4-addr" || m.Field != "" {
		t.Errorf("match = %+v", m)
	}
	if got := len(ix.Lookup(scalefield.IndicatorDomain, "www.expiring.example", testNow.Add(time.Second))); got != 0 {
		t.Errorf("at valid_until: %d matches", got)
	}
}

func TestIndexBoundsMatches(t *testing.T) {
	t.Parallel()
	var inds []scalefield.Indicator
	for i := range 40 {
		in := ind(scalefield.IndicatorIPv4, "192.0.2.1", i)
		in.Source = "feed-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		inds = append(inds, in)
	}
	if got := len(NewIndex(inds).Lookup(scalefield.IndicatorIPv4, "192.0.2.1", testNow)); got != maxMatches {
		t.Errorf("%d matches, want %d", got, maxMatches)
	}
}

func TestDirectoryLookup(t *testing.T) {
	t.Parallel()
	d := NewDirectory([]scalefield.DirectoryEntry{
		{UserName: "Alice", Department: "Finance", Title: "Controller", Manager: "carol"},
		{UserName: "root", Privileged: true},
		{UserName: "bob@corp.example", Department: "IT"},
		{UserName: "bob", Department: "Sales"},
		{UserName: " "},
	})
	if d.Len() != 4 {
		t.Errorf("len = %d", d.Len())
	}
	for _, tc := range []struct {
		user string
		dept string // "" for not found
	}{
		{"alice", "Finance"},
		{"ALICE", "Finance"},
		{`CORP\Alice`, "Finance"},
		{"alice@corp.example", "Finance"},
		{"bob@corp.example", "IT"},
		{"BOB@other.example", "Sales"},
		{"carol", ""},
		{"", ""},
		{`alice\`, ""},
	} {
		got := d.Lookup(tc.user)
		if (got == nil) != (tc.dept == "") || got != nil && got.Department != tc.dept {
			t.Errorf("Lookup(%q) = %+v, want department %q", tc.user, got, tc.dept)
		}
	}
	if uc := d.Lookup("root"); uc == nil || !uc.Privileged {
		t.Errorf("root = %+v", uc)
	}
	var nilDir *Directory
	if nilDir.Lookup("alice") != nil {
		t.Error("nil directory found a user")
	}
}

func TestRiskScore(t *testing.T) {
	t.Parallel()
	m := func(field string, conf int) scalefield.ThreatMatch {
		return scalefield.ThreatMatch{Field: field, Confidence: conf}
	}
	for _, tc := range []struct {
		name string
		ev   scalefield.SecurityEvent
		want float64
	}{
		{"info", scalefield.SecurityEvent{Severity: scalefield.SeverityInfo}, 5},
		{"no severity", scalefield.SecurityEvent{}, 10},
		{"unknown value", scalefield.SecurityEvent{Severity: "bogus"}, 10},
		{"critical", scalefield.SecurityEvent{Severity: scalefield.SeverityCritical}, 75},
		{"info with a certain match", scalefield.SecurityEvent{Severity: scalefield.SeverityInfo, ThreatMatch: []scalefield.ThreatMatch{m("dst_ip", 100)}}, 55},
		{"best confidence counts", scalefield.SecurityEvent{Severity: scalefield.SeverityLow, ThreatMatch: []scalefield.ThreatMatch{m("dst_ip", 30), m("dst_ip", 81)}}, 55.5},
		{"extra fields", scalefield.SecurityEvent{Severity: scalefield.SeverityLow, ThreatMatch: []scalefield.ThreatMatch{m("src_ip", 50), m("dst_ip", 50), m("host", 10), m("url", 10)}}, 50},
		{"privileged user", scalefield.SecurityEvent{Severity: scalefield.SeverityMedium, UserContext: &scalefield.UserContext{Privileged: true}}, 50},
		{"unprivileged user", scalefield.SecurityEvent{Severity: scalefield.SeverityMedium, UserContext: &scalefield.UserContext{}}, 35},
		{"failure", scalefield.SecurityEvent{Severity: scalefield.SeverityLow, Status: "failure"}, 20},
		{"capped", scalefield.SecurityEvent{Severity: scalefield.SeverityCritical, Status: "failure", UserContext: &scalefield.UserContext{Privileged: true},
			ThreatMatch: []scalefield.ThreatMatch{m("src_ip", 90)}}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RiskScore(&tc.ev); got != tc.want {
				t.Errorf("RiskScore = %v, want %v", got, tc.want)
			}
		})
	}
}
