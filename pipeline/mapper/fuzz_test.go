package mapper

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
)

// checkInvariants checks what every event Normalize returns must hold.
func checkInvariants(t *testing.T, e *scalefield.SecurityEvent) {
	t.Helper()
	if e == nil {
		t.Fatal("nil event without an error")
	}
	if !e.Severity.Valid() {
		t.Errorf("severity %q is not valid", e.Severity)
	}
	if strings.TrimSpace(e.Message) == "" {
		t.Errorf("message is blank")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"message", e.Message, pipeline.MaxMessageLen}, {"host", e.Host, maxFieldLen}, {"source", e.Source, maxFieldLen},
		{"sourcetype", e.Sourcetype, maxFieldLen}, {"user", e.User, maxFieldLen}, {"action", e.Action, maxFieldLen},
		{"src ip", e.SrcIP, maxFieldLen}, {"dst ip", e.DstIP, maxFieldLen},
		{"activity name", e.ActivityName, maxFieldLen}, {"src hostname", e.SrcHostname, maxFieldLen},
		{"dst hostname", e.DstHostname, maxFieldLen}, {"device", e.Device, maxFieldLen}, {"vendor event id", e.VendorEventID, maxFieldLen},
		{"db name", e.DBName, maxFieldLen}, {"db statement", e.DBStatement, pipeline.MaxMessageLen}, {"db object", e.DBObject, maxFieldLen},
		{"finding uid", e.FindingUID, maxFieldLen}, {"finding title", e.FindingTitle, maxFieldLen},
	} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 || len(f.v) > f.max {
			t.Errorf("%s %q is not clean text of at most %d bytes", f.name, f.v, f.max)
		}
	}
	for _, ip := range []string{e.SrcIP, e.DstIP} {
		if ip == "" {
			continue
		}
		a, err := netip.ParseAddr(ip)
		if err != nil || a.Zone() != "" || a.Is4In6() || a.String() != ip {
			t.Errorf("address %q is not a canonical IP address", ip)
		}
	}
	for _, w := range e.Warnings {
		if w == "" || !utf8.ValidString(w) || strings.IndexByte(w, 0) >= 0 || len(w) > maxFieldLen {
			t.Errorf("warning %q is not clean text of at most %d bytes", w, maxFieldLen)
		}
	}
	// The name may be empty only for an activity ocsf.go does not name
	// that the source gave without a name.
	if !knownClass(e.ClassUID) || e.ActivityID < 0 || e.ActivityID > activityOther || e.ActivityName == "" && activityName(e.ClassUID, e.ActivityID) != "" {
		t.Errorf("class %d activity %d %q is not an OCSF classification", e.ClassUID, e.ActivityID, e.ActivityName)
	}
	if e.Status != "" && e.Status != statusSuccess && e.Status != statusFailure {
		t.Errorf("status %q is neither success nor failure", e.Status)
	}
	if e.SrcPort < 0 || e.SrcPort > 65535 || e.DstPort < 0 || e.DstPort > 65535 || e.DBRows < 0 {
		t.Errorf("ports %d/%d or rows %d out of range", e.SrcPort, e.DstPort, e.DBRows)
	}
	if e.Time.Before(pipeline.MinEventTime) || !e.Time.Before(pipeline.MaxEventTime) || e.Time.Location() != time.UTC || e.Time.Nanosecond()%1000 != 0 {
		t.Errorf("time %v is not a UTC microsecond in 1990-2199", e.Time)
	}
}

func FuzzNormalize(f *testing.F) {
	// Every vendor sample, with and without its sourcetype.
	for _, dir := range vendorDirs {
		for _, path := range samples(f, dir) {
			payload, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			b := record(f, KindHEC, payload)
			f.Add(KindHEC, b.Sourcetype, payload)
			f.Add(KindHEC, "", payload)
		}
	}
	// Every line of the shared and the parse package's corpora, as each kind.
	for _, corpus := range []string{cefSamples, rfc5424Samples, syslogCEFLines, rfc3164Lines} {
		for _, line := range mustLines(f, corpus) {
			f.Add(KindHECRaw, "", []byte(line))
			f.Add(KindSyslog, "", []byte(line))
			f.Add(KindHEC, "", []byte(hec(quote(line))))
		}
	}
	// Shapes the samples do not show.
	for _, p := range []string{
		hec(`{"records":[{"AlertName":"a","AlertSeverity":"Low"}]}`),
		hec(`{"Event":{"System":{"EventID":{"#text":"4624"}},"EventData":{"Data":{"Name":"IpAddress","#text":"10.0.0.1"}}}}`),
		hec(`{"EventID":4625,"Computer":"c","Activity":"a","IpAddress":"-"}`),
		hec(`{"metadata":{"eventType":"UserActivityAuditEvent"},"event":{"UserId":"u","UserIp":"::1","Success":true}}`),
		`{"time":"2026-01-02T09:00:00Z","event":{"message":"m","src_ip":"fe80::1%eth0"}}`,
	} {
		f.Add(KindHEC, "", []byte(p))
	}
	f.Add(KindHEC, "acme:waf:json", []byte(hec(`{"ts":1767347577123,"risk":"sev1","msg":"m"}`)))
	f.Add(KindHEC, "_json", []byte(`{"event":{"msg":"m","src_port":"1","dst_hostname":"h","outcome":"ok","class_uid":3002,"activity_id":99,"activity_name":"x"}}`))
	f.Add(KindHEC, "_json", []byte(`{"event":{"msg":"m","class_uid":4001,"activity_id":42}}`))
	// Database audit records, and the classification corpora.
	for _, path := range mustGlob(f, "testdata/gather/*.json") {
		engine, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(path), ".json"), "-")
		f.Add(KindGather, "db:"+engine, mustRead(f, path))
	}
	f.Add(KindGather, "", []byte(`{"Engine":"db2","ActionClass":"ROLE","Action":"ALTER USER","Statement":"ALTER USER x ACCOUNT LOCK","ClientPort":70000}`))
	for _, line := range mustLines(f, syslogAuthLines) {
		f.Add(KindSyslog, "", []byte(line))
	}
	for _, line := range mustLines(f, cefClassLines) {
		f.Add(KindHECRaw, "", []byte(line))
	}
	f.Add(KindHECRaw, "legacy:badge", []byte(`{"when":"02/01/2026 09:53:20","text":"t"}`))

	reg := mustRegistry(f)
	kinds := []string{KindHEC, KindHECRaw, KindSyslog, KindGather}
	f.Fuzz(func(t *testing.T, kind, sourcetype string, payload []byte) {
		if kind != KindHEC && kind != KindHECRaw && kind != KindSyslog && kind != KindGather {
			kind = kinds[len(kind)%len(kinds)] // spend the effort on the payload
		}
		b := &scalefield.BronzeEvent{BronzeRecord: scalefield.BronzeRecord{
			ReceivedAt: received, Kind: kind, Host: "h", Sourcetype: sourcetype, Payload: payload,
		}}
		e, err := reg.Normalize(b)
		if err != nil {
			if e != nil {
				t.Fatalf("an event with the error %v", err)
			}
			if msg := err.Error(); msg == "" || !utf8.ValidString(msg) || strings.IndexByte(msg, 0) >= 0 || len(msg) > maxReasonLen {
				t.Fatalf("error text %q is not clean", msg)
			}
			return
		}
		checkInvariants(t, e)
	})
}

// mustGlob returns the files matching pattern.
func mustGlob(tb testing.TB, pattern string) []string {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("%s: %v (%d files)", pattern, err, len(files))
	}
	return files
}
