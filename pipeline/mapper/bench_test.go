package mapper

import (
	"os"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

// benchRecords maps every record once (failing the benchmark on an error)
// and returns them.
func benchRecords(b *testing.B, r *Registry, recs []*scalefield.BronzeEvent) []*scalefield.BronzeEvent {
	b.Helper()
	var ok []*scalefield.BronzeEvent
	for _, rec := range recs {
		if _, err := r.Normalize(rec); err == nil {
			ok = append(ok, rec)
		}
	}
	if len(ok) == 0 {
		b.Fatal("no record maps")
	}
	return ok
}

// BenchmarkNormalize maps one record per iteration, cycling through a
// corpus per kind, and reports events/s; run it with -cpu 1 for the figure
// per core.
func BenchmarkNormalize(b *testing.B) {
	reg := mustRegistry(b)
	lines := func(kind string, corpora ...string) []*scalefield.BronzeEvent {
		var recs []*scalefield.BronzeEvent
		for _, c := range corpora {
			for _, l := range mustLines(b, c) {
				recs = append(recs, record(b, kind, []byte(l)))
			}
		}
		return recs
	}
	var vendor, generic []*scalefield.BronzeEvent
	for _, dir := range vendorDirs {
		for _, f := range samples(b, dir) {
			p, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			if dir == "generic" {
				continue
			}
			vendor = append(vendor, record(b, KindHEC, p))
		}
	}
	for _, p := range []string{
		`{"time":1767347400.25,"host":"web-01","sourcetype":"_json","event":{"msg":"blocked","level":"error","username":"bob","src":"10.1.2.3","dest_ip":"2001:db8::1","action":"deny"}}`,
		`{"time":"1767347400","sourcetype":"_json","event":{"message":"user bob logged in","severity":3}}`,
		`{"event":"GET /index.html 200 1043 0.004","sourcetype":"access_combined","host":"web-02"}`,
		`{"event":{"message":"m","@timestamp":"2026-01-02T03:04:05.5+01:00"},"fields":{"user":"carol","severity":"warning"},"sourcetype":"app"}`,
	} {
		generic = append(generic, record(b, KindHEC, []byte(p)))
	}
	// A firewall's events name ports, host names and an outcome: the OCSF
	// keys the generic mapper reads after NormalizeHEC.
	var network []*scalefield.BronzeEvent
	for _, p := range []string{
		`{"time":1767347400,"host":"fw-01","sourcetype":"_json","event":{"message":"connection refused","severity":"high","src_ip":"81.2.69.160","src_port":50122,"dst_ip":"10.0.4.7","dst_port":443,"action":"deny","outcome":"failure","device":"edge-fw"}}`,
		`{"time":1767347401,"host":"fw-02","sourcetype":"_json","event":{"msg":"session allowed","level":"info","src":"10.1.2.3","sport":"61000","dest_ip":"93.184.216.34","dport":"80","dst_hostname":"example.com","status":"success"}}`,
	} {
		network = append(network, record(b, KindHEC, []byte(p)))
	}
	cases := []struct {
		name string
		recs []*scalefield.BronzeEvent
	}{
		{"hec-generic", generic},
		{"hec-network", network},
		{"hec-vendor", vendor},
		{"syslog", lines(KindSyslog, rfc5424Samples, rfc3164Lines)},
		{"cef", append(lines(KindHECRaw, cefSamples), lines(KindSyslog, syslogCEFLines)...)},
	}
	for _, c := range cases {
		recs := benchRecords(b, reg, c.recs)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := reg.Normalize(recs[i]); err != nil {
					b.Fatal(err)
				}
				if i++; i == len(recs) {
					i = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
