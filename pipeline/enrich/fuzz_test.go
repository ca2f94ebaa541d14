package enrich

import (
	"bytes"
	"os"
	"strings"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

// checkResult fails when a parser returned an indicator that does not
// normalize to itself or an error that is not EINVALID.
func checkResult(t *testing.T, res *ParseResult, err error) {
	t.Helper()
	if err != nil {
		if scalefield.ErrorCode(err) != scalefield.EINVALID && !strings.HasPrefix(err.Error(), "read CSV") {
			t.Fatalf("error %v is not EINVALID", err)
		}
		return
	}
	for _, in := range res.Indicators {
		again := in
		if err := again.Normalize(); err != nil || again.Value != in.Value {
			t.Fatalf("indicator %+v does not normalize to itself: %q, %v", in, again.Value, err)
		}
	}
	if res.SkippedTotal < len(res.Skipped) {
		t.Fatalf("skipped total %d < %d kept", res.SkippedTotal, len(res.Skipped))
	}
}

func FuzzParseSTIX(f *testing.F) {
	seed, err := os.ReadFile("testdata/stix-bundle.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"type":"bundle","objects":[]}`))
	for _, p := range []string{
		`[ipv4-addr:value = '192.0.2.1'] OR [ipv6-addr:value ISSUBSET '2001:db8::/32']`,
		`[file:hashes.'SHA-256' = 'aa' AND file:name = 'x'] WITHIN 5 SECONDS`,
		`([domain-name:value IN ('a.example', 'b.example')]) START t'2025-01-01T00:00:00Z' STOP t'2025-01-02T00:00:00Z'`,
		`[user-account:account_login = 'a\\b\'c']`,
	} {
		doc := `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern_type":"stix","pattern":` +
			strings.ReplaceAll(strings.ReplaceAll(`"`+strings.ReplaceAll(p, `\`, `\\`)+`"`, "\n", ""), "\t", "") + `}]}`
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseSTIX(bytes.NewReader(data), ParseOptions{Source: "fuzz"})
		checkResult(t, res, err)
	})
}

func FuzzParsePattern(f *testing.F) {
	for _, p := range []string{
		`[ipv4-addr:value = '192.0.2.1']`,
		`[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value ISSUBSET '10.0.0.0/8']`,
		`[a:b = 'x'] AND ([c:d IN ('1', '2')] OR [e:f.'g-h'[*].i NOT LIKE 'j']) REPEATS 2 TIMES`,
		`[file:hashes.MD5 = h'00ff'] FOLLOWEDBY [x:y > 3.5] WITHIN 10 SECONDS`,
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		res := &ParseResult{}
		opts := ParseOptions{Source: "fuzz"}
		_ = opts.validate()
		res.stixObject(&stixObject{Type: "indicator", ID: "indicator--f", Pattern: pattern}, &opts)
		checkResult(t, res, nil)
	})
}

func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"indicators.csv", "ip-blocklist.txt"} {
		seed, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed, false)
	}
	f.Add([]byte("type,value\nip,\"192.0.2.1\nx\"\n"), false)
	f.Add([]byte("evil.example\n*.bad.example.\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, singleColumn bool) {
		opts := ParseOptions{Source: "fuzz"}
		if singleColumn {
			opts.Type = scalefield.IndicatorDomain
		}
		res, err := ParseCSV(bytes.NewReader(data), opts)
		checkResult(t, res, err)
	})
}
