package enrich

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func mustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func values(inds []scalefield.Indicator) []string {
	var out []string
	for _, in := range inds {
		out = append(out, string(in.Type)+" "+in.Value)
	}
	return out
}

func TestParseSTIXBundle(t *testing.T) {
	t.Parallel()
	res, err := ParseSTIX(mustOpen(t, "stix-bundle.json"), ParseOptions{Source: "example-cert"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ipv4-addr 198.51.100.23",
		"ipv4-addr 203.0.113.0/24",
		"domain-name login-micros0ft.example",
		"domain-name secure-update.example",
		"file-hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"file-hash d41d8cd98f00b204e9800998ecf8427e",
		"url http://evil.example/dl/payload.bin",
		"ipv6-addr 2001:db8::bad",
		"ipv6-addr 2001:db8:dead::/48",
		"email-addr ceo-office@evil.example",
	}
	if got := values(res.Indicators); !slices.Equal(got, want) {
		t.Errorf("indicators:\n got %q\nwant %q", got, want)
	}
	if res.Ignored != 2 {
		t.Errorf("ignored = %d, want 2 (identity, relationship)", res.Ignored)
	}
	wantSkips := map[string]string{
		"indicator--d7f0c9a1-5b4e-4c3d-9a2b-1e0f8d7c6b55": "AND between comparisons",
		"indicator--e1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b": "REPEATS qualifier",
		"indicator--0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b": `pattern type "yara"`,
		"indicator--4d3c2b1a-0f9e-4d8c-b7a6-958473625140": "revoked",
		"indicator--9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d": "process:name is not supported (other comparisons imported)",
	}
	if res.SkippedTotal != len(wantSkips) || len(res.Skipped) != len(wantSkips) {
		t.Errorf("skipped %d: %+v", res.SkippedTotal, res.Skipped)
	}
	for _, s := range res.Skipped {
		if w, ok := wantSkips[s.Object]; !ok || !strings.Contains(s.Reason, w) {
			t.Errorf("skip %s: %q, want it to say %q", s.Object, s.Reason, w)
		}
	}

	c2 := res.Indicators[0]
	until := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	if c2.Source != "example-cert" || c2.Confidence != 90 || c2.Name != "Cobalt Strike team server" ||
		!c2.ValidFrom.Equal(time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)) || c2.ValidUntil == nil || !c2.ValidUntil.Equal(until) ||
		!slices.Equal(c2.Labels, []string{"c2", "cobalt-strike", "malicious-activity"}) {
		t.Errorf("c2 indicator = %+v", c2)
	}
	if url := res.Indicators[6]; url.Confidence != DefaultConfidence || url.ValidUntil != nil {
		t.Errorf("indicator without confidence: %+v", url)
	}
}

func TestParseSTIXErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, doc string
	}{
		{"not JSON", `hello`},
		{"array", `[{"type":"bundle"}]`},
		{"not a bundle", `{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '1.2.3.4']"}`},
		{"no type", `{"objects":[]}`},
		{"objects not an array", `{"type":"bundle","objects":{}}`},
		{"object of wrong shape", `{"type":"bundle","objects":[{"type":"indicator","confidence":"high"}]}`},
		{"truncated", `{"type":"bundle","objects":[{"type":"indicator"`},
		{"trailing data", `{"type":"bundle","objects":[]} {}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSTIX(strings.NewReader(tc.doc), ParseOptions{Source: "f"})
			if scalefield.ErrorCode(err) != scalefield.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
	if _, err := ParseSTIX(strings.NewReader(`{"type":"bundle","objects":[]}`), ParseOptions{}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("without a source: %v", err)
	}
	many := `{"type":"bundle","objects":[` + strings.Repeat(`{"type":"indicator","pattern":"[ipv4-addr:value = '192.0.2.1']"},`, 3) + `{"type":"x"}]}`
	if _, err := ParseSTIX(strings.NewReader(many), ParseOptions{Source: "f", MaxIndicators: 2}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("over the limit: %v", err)
	}
}

func TestParsePatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		want    []string // type value, in order
		skip    string   // substring of the skip reason; "" for none
	}{
		{`[ipv4-addr:value = '192.0.2.1']`, []string{"ipv4-addr 192.0.2.1"}, ""},
		{`[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.2']`, []string{"ipv4-addr 192.0.2.1", "ipv4-addr 192.0.2.2"}, ""},
		{`([ipv4-addr:value = '192.0.2.1'] OR [domain-name:value = 'a.example']) OR [url:value = 'https://x.example']`,
			[]string{"ipv4-addr 192.0.2.1", "domain-name a.example", "url https://x.example/"}, ""},
		{`[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]`, []string{"ipv4-addr 192.0.2.1", "ipv4-addr 192.0.2.2"}, ""},
		{`[ipv4-addr:value = '192.0.2.0/24']`, []string{"ipv4-addr 192.0.2.0/24"}, ""},
		{`[ipv4-addr:value ISSUBSET '192.0.2.7/24']`, []string{"ipv4-addr 192.0.2.0/24"}, ""},
		{`[network-traffic:dst_ref.value = '2001:db8::1']`, []string{"ipv6-addr 2001:db8::1"}, ""},
		{`[file:hashes.'SHA-1' = 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709']`, []string{"file-hash da39a3ee5e6b4b0d3255bfef95601890afd80709"}, ""},
		{`[user-account:account_login = 'CORP\\Mallory']`, []string{`user-account corp\mallory`}, ""},
		{`[domain-name:value = 'it\'s.example']`, nil, "not a domain name"},
		{`[ipv4-addr:value = '192.0.2.1'] AND [ipv4-addr:value = '192.0.2.2']`, nil, "AND between observations"},
		{`[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']`, nil, "FOLLOWEDBY"},
		{`[ipv4-addr:value NOT = '192.0.2.1']`, nil, "NOT"},
		{`[ipv4-addr:value != '192.0.2.1']`, nil, "operator != "},
		{`[domain-name:value LIKE '%.example']`, nil, "operator LIKE"},
		{`[domain-name:value ISSUBSET 'a.example']`, nil, "operator ISSUBSET"},
		{`[ipv4-addr:value = '192.0.2.1'] START t'2025-01-01T00:00:00Z' STOP t'2025-02-01T00:00:00Z'`, nil, "START qualifier"},
		{`[file:size = 100]`, nil, "file:size is not supported"},
		{`[file:hashes.'SSDEEP' = '3:a:b']`, nil, "hash algorithm"},
		{`[ipv4-addr:value = 7]`, nil, "non-string value"},
		{`[ipv4-addr:value = 'nope']`, nil, "not an IP address"},
		{`[ipv4-addr:value = '2001:db8::1']`, nil, "not of type ipv4-addr"},
		{`[ipv4-addr:value = '192.0.2.1'`, nil, "malformed pattern"},
		{`ipv4-addr:value = '192.0.2.1'`, nil, "malformed pattern"},
		{`[ipv4-addr:value = '192.0.2.1]`, nil, "malformed pattern"},
		{`[ipv4-addr:value = ]`, nil, "malformed pattern"},
		{`[(ipv4-addr:value = '192.0.2.1']`, nil, "malformed pattern"},
		{strings.Repeat("(", 100) + `[ipv4-addr:value = '192.0.2.1']` + strings.Repeat(")", 100), nil, "deeper"},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			res := &ParseResult{}
			opts := ParseOptions{Source: "f"}
			_ = opts.validate()
			res.stixObject(&stixObject{Type: "indicator", ID: "indicator--x", PatternType: "stix", Pattern: tc.pattern}, &opts)
			if got := values(res.Indicators); !slices.Equal(got, tc.want) {
				t.Errorf("indicators = %q, want %q", got, tc.want)
			}
			switch {
			case tc.skip == "" && res.SkippedTotal != 0:
				t.Errorf("skipped: %+v", res.Skipped)
			case tc.skip != "" && (res.SkippedTotal != 1 || !strings.Contains(res.Skipped[0].Reason, tc.skip)):
				t.Errorf("skipped %+v, want a reason with %q", res.Skipped, tc.skip)
			}
		})
	}
}

func TestParseCSVWithHeader(t *testing.T) {
	t.Parallel()
	res, err := ParseCSV(mustOpen(t, "indicators.csv"), ParseOptions{Source: "daily", Confidence: 40})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ipv4-addr 198.51.100.7",
		"ipv4-addr 10.20.0.0/16",
		"domain-name malware-drop.example",
		"url https://evil.example/Login?next=%2F",
		"file-hash 44d88612fea8a8f36de82e1278abb02f",
		"ipv6-addr 2001:db8::1",
	}
	if got := values(res.Indicators); !slices.Equal(got, want) {
		t.Errorf("indicators:\n got %q\nwant %q", got, want)
	}
	wantSkips := []Skip{
		{Line: 8, Reason: "is not an IP address"},
		{Line: 9, Reason: "confidence"},
		{Line: 10, Reason: "unknown indicator type"},
	}
	if len(res.Skipped) != len(wantSkips) {
		t.Fatalf("skipped %+v", res.Skipped)
	}
	for i, w := range wantSkips {
		if got := res.Skipped[i]; got.Line != w.Line || !strings.Contains(got.Reason, w.Reason) {
			t.Errorf("skip %d = %+v, want line %d with %q", i, got, w.Line, w.Reason)
		}
	}
	bot := res.Indicators[0]
	if bot.Confidence != 85 || bot.Name != "Botnet controller" || !slices.Equal(bot.Labels, []string{"c2", "botnet"}) ||
		bot.ValidUntil == nil || !bot.ValidUntil.Equal(time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)) || bot.Source != "daily" {
		t.Errorf("first indicator = %+v", bot)
	}
	if u := res.Indicators[3]; u.Confidence != 40 || !slices.Equal(u.Labels, []string{"phishing"}) {
		t.Errorf("default confidence: %+v", u)
	}
}

func TestParseCSVSingleColumn(t *testing.T) {
	t.Parallel()
	res, err := ParseCSV(mustOpen(t, "ip-blocklist.txt"), ParseOptions{Source: "abuse", Type: scalefield.IndicatorIPv4})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ipv4-addr 192.0.2.10", "ipv4-addr 192.0.2.11", "ipv4-addr 192.0.2.0/28"}
	if got := values(res.Indicators); !slices.Equal(got, want) {
		t.Errorf("indicators = %q, want %q", got, want)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Line != 7 {
		t.Errorf("skipped = %+v, want line 7", res.Skipped)
	}
	if _, err := ParseCSV(mustOpen(t, "ip-blocklist.txt"), ParseOptions{Source: "abuse"}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("single column without a type: %v", err)
	}
	res, err = ParseCSV(strings.NewReader("a.example\nb.example,extra\n\"c.example\"\n"), ParseOptions{Source: "d", Type: scalefield.IndicatorDomain})
	if err != nil || len(res.Indicators) != 2 || len(res.Skipped) != 1 || res.Skipped[0].Line != 2 {
		t.Errorf("domains: %+v, %v", res, err)
	}
}
