package parse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenRef is the reference (receive) time of the golden and fuzz tests:
// early in January, so that year-less December timestamps fall in the year
// before.
var goldenRef = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

// goldenCase is one input line and what it parsed to.
type goldenCase struct {
	Line   int     `json:"line"`
	Input  string  `json:"input"`
	Syslog *Syslog `json:"syslog,omitempty"`
	CEF    *CEF    `json:"cef,omitempty"`
	Error  string  `json:"error,omitempty"`
}

// Corpora shared with the rest of the project, and this package's own.
const (
	cefSamples     = "../../testdata/cef/vendor-samples.log"
	rfc5424Samples = "../../testdata/syslog/rfc5424-examples.log"
	rfc3164Samples = "testdata/rfc3164-variants.log"
	syslogCEFLines = "testdata/syslog-cef.log"
)

func TestGolden(t *testing.T) {
	tests := []struct {
		name, input, golden string
		parse               func(line []byte) (*Syslog, *CEF, error)
	}{
		{"CEF vendor samples", cefSamples, "cef-vendor-samples.json", func(b []byte) (*Syslog, *CEF, error) {
			c, err := ParseCEFAt(b, goldenRef)
			return nil, c, err
		}},
		{"RFC 5424 examples", rfc5424Samples, "rfc5424-examples.json", func(b []byte) (*Syslog, *CEF, error) {
			s, err := ParseRFC5424(b)
			return s, nil, err
		}},
		{"RFC 3164 variants", rfc3164Samples, "rfc3164-variants.json", func(b []byte) (*Syslog, *CEF, error) {
			s, err := ParseRFC3164(b, goldenRef)
			return s, nil, err
		}},
		{"CEF in syslog", syslogCEFLines, "syslog-cef.json", func(b []byte) (*Syslog, *CEF, error) {
			return ParseSyslogCEF(b, goldenRef)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cases []goldenCase
			for i, line := range mustLines(t, tt.input) {
				gc := goldenCase{Line: i + 1, Input: string(line)}
				var err error
				if gc.Syslog, gc.CEF, err = tt.parse(line); err != nil {
					gc.Error = err.Error()
				}
				cases = append(cases, gc)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(cases); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it, then check it line by line)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}

// mustLines reads a corpus, one message per line.
func mustLines(tb testing.TB, path string) [][]byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}
