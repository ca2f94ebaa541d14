package enrich

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline/enrich/enrichtest"
)

// benchIndicators returns n indicators in the mix of a large tenant: 60%
// IPv4 addresses, 5% IPv4 /24 ranges, 5% IPv6 addresses, 20% domains, 5%
// URLs and 5% SHA-256 hashes, a tenth of them expiring.
var benchIndicators = sync.OnceValue(func() []scalefield.Indicator {
	const n = 1_000_000
	inds := make([]scalefield.Indicator, 0, n)
	until := testNow.Add(24 * time.Hour)
	for i := range n {
		in := scalefield.Indicator{Source: "feed-" + string(rune('a'+i%4)), Confidence: i % 101, Labels: []string{"bench"}}
		switch r := i % 20; {
		case r < 12:
			in.Type, in.Value = scalefield.IndicatorIPv4, fmt.Sprintf("%d.%d.%d.%d", 11+i%200, (i>>8)&255, (i>>16)&255, i&255)
		case r == 12:
			in.Type, in.Value = scalefield.IndicatorIPv4, fmt.Sprintf("%d.%d.%d.0/24", 100+i%50, (i>>8)&255, (i>>4)&255)
		case r == 13:
			in.Type, in.Value = scalefield.IndicatorIPv6, fmt.Sprintf("2001:db8:%x:%x::%x", i>>16, i&0xffff, i%7)
		case r < 18:
			in.Type, in.Value = scalefield.IndicatorDomain, fmt.Sprintf("host%d.bad%d.example", i, i%5000)
		case r == 18:
			in.Type, in.Value = scalefield.IndicatorURL, fmt.Sprintf("http://drop%d.example/p/%d.bin", i%9000, i)
		default:
			in.Type, in.Value = scalefield.IndicatorFileHash, fmt.Sprintf("%064x", uint64(i)*0x9E3779B97F4A7C15)
		}
		if i%10 == 0 {
			in.ValidUntil = &until
		}
		inds = append(inds, in)
	}
	return inds
})

func benchDirectory() []scalefield.DirectoryEntry {
	dir := make([]scalefield.DirectoryEntry, 10_000)
	for i := range dir {
		dir[i] = scalefield.DirectoryEntry{UserName: fmt.Sprintf("user%05d", i), Department: "dept" + fmt.Sprint(i%40), Privileged: i%50 == 0, Manager: "mgr"}
	}
	return dir
}

// benchEvents are the events of a typical batch: one matches an indicator,
// the others only look.
func benchEvents() []scalefield.SecurityEvent {
	return []scalefield.SecurityEvent{
		{TenantID: "t1", Severity: scalefield.SeverityLow, Status: "failure", SrcIP: "81.2.69.142", DstIP: "10.0.4.7",
			User: `CORP\user00042`, Host: "dc01.corp.example", SrcHostname: "vpn.partner.example", ClassUID: scalefield.ClassAuthentication,
			Message: "An account failed to log on. Subject: CORP\\user00042 Source Network Address: 81.2.69.142 Logon Type: 3"},
		{TenantID: "t1", Severity: scalefield.SeverityInfo, SrcIP: "10.0.8.15", DstIP: "89.160.20.112", User: "user01234@corp.example",
			Host: "proxy01", DstHostname: "cdn.shop.example", ClassUID: scalefield.ClassHTTPActivity,
			Message: `10.0.8.15 - user01234 [01/Mar/2026:12:00:00 +0000] "GET https://cdn.shop.example/assets/app.js HTTP/1.1" 200 5120`},
		{TenantID: "t1", Severity: scalefield.SeverityMedium, SrcIP: "10.0.3.3", DstIP: "11.0.0.0", User: "svc-backup",
			Host: "fw01", ClassUID: scalefield.ClassNetworkActivity, Message: "deny tcp 10.0.3.3:51515 -> 11.0.0.0:443"},
		{TenantID: "t1", Severity: scalefield.SeverityHigh, SrcIP: "2001:480::10", DstIP: "fd00::1", User: "root",
			Host: "web02", DstHostname: "x.host14.bad14.example", ClassUID: scalefield.ClassDNSActivity, Message: "query x.host14.bad14.example A"},
	}
}

type benchLoader struct{ inds []scalefield.Indicator }

func (l benchLoader) EnrichmentVersions(context.Context, []string) (map[string]int64, error) {
	return map[string]int64{"t1": 1}, nil
}

func (l benchLoader) LoadEnrichment(context.Context, string) (int64, []scalefield.Indicator, []scalefield.DirectoryEntry, error) {
	return 1, l.inds, benchDirectory(), nil
}

// BenchmarkEnrich enriches events with GeoIP on, an index of 1,000,000
// indicators and a directory of 10,000 users; events/s is per core.
func BenchmarkEnrich(b *testing.B) {
	path := filepath.Join(b.TempDir(), "geo.mmdb")
	nets := append([]enrichtest.Network(nil), enrichtest.Networks...)
	for i := range 5000 { // a few thousand records, so lookups walk a real tree
		nets = append(nets, enrichtest.Network{CIDR: fmt.Sprintf("%d.%d.0.0/16", 130+i/250, i%250), Country: "DE", City: fmt.Sprintf("City %d", i), Lat: 50, Lon: 8, ASN: uint32(64000 + i), ASOrg: "Org"})
	}
	enrichtest.WriteMMDB(b, path, nets)
	geo, err := OpenGeoIP(path, "")
	if err != nil {
		b.Fatal(err)
	}
	defer geo.Close()
	e, err := New(geo, benchLoader{benchIndicators()}, Config{Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Prepare(context.Background(), []string{"t1"}); err != nil {
		b.Fatal(err)
	}
	events := benchEvents()
	// Check the fixture does what it says: the DNS event matches.
	ev := events[3]
	e.Enrich(&ev)
	if len(ev.ThreatMatch) == 0 || ev.SrcGeo == nil || ev.UserContext != nil {
		b.Fatalf("fixture: %+v", ev)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ev := events[i%len(events)]
		e.Enrich(&ev)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIndexBuild builds the index of 1,000,000 indicators a reload
// costs.
func BenchmarkIndexBuild(b *testing.B) {
	inds := benchIndicators()
	b.ReportAllocs()
	for b.Loop() {
		ix := NewIndex(inds)
		if ix.Len() != len(inds) {
			b.Fatalf("len %d", ix.Len())
		}
	}
	b.ReportMetric(float64(len(inds))*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
}

// BenchmarkGeoIPLookup is one lookup of an address whose record is cached.
func BenchmarkGeoIPLookup(b *testing.B) {
	g := openTestGeoIP(b)
	addr := netipMust("81.2.69.142")
	b.ReportAllocs()
	for b.Loop() {
		if g.Lookup(addr) == nil {
			b.Fatal("not found")
		}
	}
}
