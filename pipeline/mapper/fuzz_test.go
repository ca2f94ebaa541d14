package mapper

import (
	"net/netip"
	"os"
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
	f.Add(KindHECRaw, "legacy:badge", []byte(`{"when":"02/01/2026 09:53:20","text":"t"}`))

	reg := mustRegistry(f)
	kinds := []string{KindHEC, KindHECRaw, KindSyslog}
	f.Fuzz(func(t *testing.T, kind, sourcetype string, payload []byte) {
		if kind != KindHEC && kind != KindHECRaw && kind != KindSyslog {
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
