package mapper

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

	scalefield "github.com/scalefield/scalefield"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// received is the receive time of every test record: early in January, so
// that year-less December timestamps fall in the year before.
var received = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

// Vendor sample folders under testdata, and the shared corpora.
var vendorDirs = []string{"asff", "crowdstrike", "defender", "sentinel", "qradar", "windows", "generic"}

const (
	cefSamples     = "../../testdata/cef/vendor-samples.log"
	rfc5424Samples = "../../testdata/syslog/rfc5424-examples.log"
	syslogCEFLines = "../parse/testdata/syslog-cef.log"
	rfc3164Lines   = "../parse/testdata/rfc3164-variants.log"
	// Lines written to show the OCSF classification: sshd, PAM, sudo and su
	// authentication over syslog, and CEF records of each class.
	syslogAuthLines = "testdata/classify/syslog-auth.log"
	cefClassLines   = "testdata/classify/cef-classes.log"
)

// goldenEvent is a SecurityEvent as the golden files show it.
type goldenEvent struct {
	Time       string `json:"time"`
	Host       string `json:"host"`
	Source     string `json:"source"`
	Sourcetype string `json:"sourcetype"`
	Severity   string `json:"severity"`
	Message    string `json:"message"`
	User       string `json:"user,omitempty"`
	SrcIP      string `json:"srcIp,omitempty"`
	DstIP      string `json:"dstIp,omitempty"`
	Action     string `json:"action,omitempty"`

	ClassUID      int      `json:"classUid"`
	ActivityID    int      `json:"activityId"`
	ActivityName  string   `json:"activityName"`
	Status        string   `json:"status,omitempty"`
	SrcPort       int      `json:"srcPort,omitempty"`
	DstPort       int      `json:"dstPort,omitempty"`
	SrcHostname   string   `json:"srcHostname,omitempty"`
	DstHostname   string   `json:"dstHostname,omitempty"`
	Device        string   `json:"device,omitempty"`
	VendorEventID string   `json:"vendorEventId,omitempty"`
	DBName        string   `json:"dbName,omitempty"`
	DBStatement   string   `json:"dbStatement,omitempty"`
	DBObject      string   `json:"dbObject,omitempty"`
	DBRows        int64    `json:"dbRows,omitempty"`
	FindingUID    string   `json:"findingUid,omitempty"`
	FindingTitle  string   `json:"findingTitle,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}

// goldenResult is what one input mapped to.
type goldenResult struct {
	Line  int          `json:"line,omitempty"`
	Input string       `json:"input,omitempty"`
	Route string       `json:"route"`
	Event *goldenEvent `json:"event,omitempty"`
	Error string       `json:"error,omitempty"`
}

func result(e *scalefield.SecurityEvent, route string, err error) goldenResult {
	if err != nil {
		return goldenResult{Route: route, Error: err.Error()}
	}
	return goldenResult{Route: route, Event: &goldenEvent{
		Time: e.Time.Format(time.RFC3339Nano), Host: e.Host, Source: e.Source, Sourcetype: e.Sourcetype,
		Severity: string(e.Severity), Message: e.Message, User: e.User, SrcIP: e.SrcIP, DstIP: e.DstIP, Action: e.Action,
		ClassUID: e.ClassUID, ActivityID: e.ActivityID, ActivityName: e.ActivityName, Status: e.Status,
		SrcPort: e.SrcPort, DstPort: e.DstPort, SrcHostname: e.SrcHostname, DstHostname: e.DstHostname,
		Device: e.Device, VendorEventID: e.VendorEventID, DBName: e.DBName, DBStatement: e.DBStatement,
		DBObject: e.DBObject, DBRows: e.DBRows, FindingUID: e.FindingUID, FindingTitle: e.FindingTitle, Warnings: e.Warnings,
	}}
}

// record returns a Bronze record of kind with the payload, as the
// receivers store it: for HEC, Host, Source and Sourcetype come from the
// envelope.
func record(tb testing.TB, kind string, payload []byte) *scalefield.BronzeEvent {
	tb.Helper()
	b := &scalefield.BronzeEvent{ID: 1, BronzeRecord: scalefield.BronzeRecord{
		TenantID: "t1", ReceivedAt: received, Kind: kind, Host: "receiver", Source: "", Payload: payload,
	}}
	if kind == KindHEC {
		var env struct{ Host, Source, Sourcetype *string }
		_ = json.Unmarshal(payload, &env) // a broken envelope is the mapper's to report
		for _, f := range []struct{ dst, src *string }{{&b.Host, env.Host}, {&b.Source, env.Source}, {&b.Sourcetype, env.Sourcetype}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
	}
	return b
}

// mustRegistry loads testdata/generic/mappings.json, the example mapping
// configuration.
func mustRegistry(tb testing.TB) *Registry {
	tb.Helper()
	raw, err := os.ReadFile("testdata/generic/mappings.json")
	if err != nil {
		tb.Fatal(err)
	}
	var ms []SourceMapping
	if err := json.Unmarshal(raw, &ms); err != nil {
		tb.Fatalf("mappings.json: %v", err)
	}
	r, err := NewRegistry(ms...)
	if err != nil {
		tb.Fatalf("mappings.json: %v", err)
	}
	return r
}

// samples returns the vendor sample files of dir.
func samples(tb testing.TB, dir string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "mappings.json" {
			out = append(out, f)
		}
	}
	if len(out) < 3 {
		tb.Fatalf("%s has %d samples, want at least 3", dir, len(out))
	}
	return out
}

// checkGolden compares got, as indented JSON, with the golden file, or
// rewrites it with -update.
func checkGolden(t *testing.T, path string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from what the mapper gives now:\n%s", path, b)
	}
}

func TestGoldenVendors(t *testing.T) {
	reg := mustRegistry(t)
	for _, dir := range vendorDirs {
		r := (*Registry)(nil) // the built-in mappers, as Normalize has them
		if dir == "generic" {
			r = reg
		}
		for _, f := range samples(t, dir) {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			t.Run(dir+"/"+name, func(t *testing.T) {
				payload, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				e, route, err := r.normalize(record(t, KindHEC, payload))
				checkGolden(t, filepath.Join("testdata", "golden", dir, name+".json"), result(e, route, err))
			})
		}
	}
}

// mustLines returns the lines of a corpus file.
func mustLines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

func TestGoldenShared(t *testing.T) {
	tests := []struct {
		name, corpus, kind string
	}{
		{"cef-vendor-samples", cefSamples, KindHECRaw},
		{"rfc5424-examples", rfc5424Samples, KindSyslog},
		{"syslog-cef", syslogCEFLines, KindSyslog},
		{"rfc3164-variants", rfc3164Lines, KindSyslog},
		{"syslog-auth", syslogAuthLines, KindSyslog},
		{"cef-classes", cefClassLines, KindHECRaw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []goldenResult
			for i, line := range mustLines(t, tt.corpus) {
				e, route, err := (*Registry)(nil).normalize(record(t, tt.kind, []byte(line)))
				res := result(e, route, err)
				res.Line, res.Input = i+1, line
				got = append(got, res)
			}
			checkGolden(t, filepath.Join("testdata", "golden", "shared", tt.name+".json"), got)
		})
	}
}

// TestGoldenGather maps each database audit record under testdata/gather
// (named <engine>-<what>.json) as a gather record of sourcetype
// db:<engine>.
func TestGoldenGather(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "gather", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	engines := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		engine, _, _ := strings.Cut(name, "-")
		engines[engine] = true
		t.Run(name, func(t *testing.T) {
			b := record(t, KindGather, mustRead(t, f))
			b.Sourcetype = "db:" + engine
			e, route, err := (*Registry)(nil).normalize(b)
			checkGolden(t, filepath.Join("testdata", "golden", "gather", name+".json"), result(e, route, err))
		})
	}
	for _, want := range []string{"postgresql", "mysql", "oracle", "sqlserver", "db2", "mongodb"} {
		if !engines[want] {
			t.Errorf("no gather sample for %s", want)
		}
	}
}

// mustRead returns the content of a file.
func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
