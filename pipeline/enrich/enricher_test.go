package enrich

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// fakeLoader is an in-memory Loader that counts its calls.
type fakeLoader struct {
	mu        sync.Mutex
	versions  map[string]int64
	inds      map[string][]scalefield.Indicator
	dirs      map[string][]scalefield.DirectoryEntry
	fail      error
	versionQs [][]string
	loads     []string
}

func (l *fakeLoader) EnrichmentVersions(_ context.Context, ids []string) (map[string]int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.versionQs = append(l.versionQs, slices.Clone(ids))
	out := map[string]int64{}
	for _, id := range ids {
		if v, ok := l.versions[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

func (l *fakeLoader) LoadEnrichment(_ context.Context, id string) (int64, []scalefield.Indicator, []scalefield.DirectoryEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loads = append(l.loads, id)
	if l.fail != nil {
		return 0, nil, nil, l.fail
	}
	return l.versions[id], l.inds[id], l.dirs[id], nil
}

type enricherBundle struct {
	e      *Enricher
	loader *fakeLoader
	now    *time.Time
}

func setupEnricher(t *testing.T) *enricherBundle {
	t.Helper()
	now := testNow
	b := &enricherBundle{now: &now, loader: &fakeLoader{
		versions: map[string]int64{"t1": 3},
		inds: map[string][]scalefield.Indicator{"t1": {
			ind(scalefield.IndicatorIPv4, "81.2.69.142", 90),
			ind(scalefield.IndicatorIPv4, "198.51.100.0/24", 40),
			ind(scalefield.IndicatorDomain, "evil.example", 70),
			ind(scalefield.IndicatorURL, "https://drop.example/x.bin", 60),
			ind(scalefield.IndicatorFileHash, "44d88612fea8a8f36de82e1278abb02f", 95),
			ind(scalefield.IndicatorUserAccount, "svc-legacy", 20),
		}},
		dirs: map[string][]scalefield.DirectoryEntry{"t1": {
			{UserName: "alice", Department: "Finance", Privileged: true, Manager: "carol"},
		}},
	}}
	var err error
	b.e, err = New(openTestGeoIP(t), b.loader, Config{RefreshInterval: time.Minute, Now: func() time.Time { return *b.now }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEnrich(t *testing.T) {
	t.Parallel()
	b := setupEnricher(t)
	if err := b.e.Prepare(context.Background(), []string{"t1", "t2"}); err != nil {
		t.Fatal(err)
	}
	ev := &scalefield.SecurityEvent{
		TenantID: "t1", Severity: scalefield.SeverityMedium, Status: "failure",
		SrcIP: "198.51.100.7", DstIP: "81.2.69.142", User: `CORP\Alice`,
		Host: "ws1.corp.example", DstHostname: "cdn.Evil.Example",
		Message: `GET https://drop.example/x.bin sha=44D88612FEA8A8F36DE82E1278ABB02F ok`,
	}
	b.e.Enrich(ev)
	if ev.DstGeo == nil || ev.DstGeo.City != "London" || ev.SrcGeo != nil {
		t.Errorf("geo: src %+v, dst %+v", ev.SrcGeo, ev.DstGeo)
	}
	var got []string
	for _, m := range ev.ThreatMatch {
		got = append(got, m.Field+" "+m.Type+" "+m.Value)
	}
	want := []string{
		"src_ip ipv4-addr 198.51.100.0/24",
		"dst_ip ipv4-addr 81.2.69.142",
		"dst_hostname domain-name evil.example",
		"url url https://drop.example/x.bin",
		"hash file-hash 44d88612fea8a8f36de82e1278abb02f",
	}
	if !slices.Equal(got, want) {
		t.Errorf("matches:\n got %q\nwant %q", got, want)
	}
	if ev.UserContext == nil || ev.UserContext.Department != "Finance" || !ev.UserContext.Privileged {
		t.Errorf("user context = %+v", ev.UserContext)
	}
	// medium 35 + 0.5*95 + 2 extra fields * 5 + privileged 15 + failure 5 = 112.5, capped
	if ev.RiskScore != 100 {
		t.Errorf("risk = %v", ev.RiskScore)
	}

	plain := &scalefield.SecurityEvent{TenantID: "t2", Severity: scalefield.SeverityLow, SrcIP: "81.2.69.142", User: "alice"}
	b.e.Enrich(plain)
	if plain.ThreatMatch != nil || plain.UserContext != nil || plain.SrcGeo == nil || plain.RiskScore != 15 {
		t.Errorf("tenant without data: %+v", plain)
	}
	unknown := &scalefield.SecurityEvent{TenantID: "t3", Severity: scalefield.SeverityHigh, DstIP: "81.2.69.142"}
	b.e.Enrich(unknown)
	if unknown.DstGeo == nil || unknown.ThreatMatch != nil || unknown.RiskScore != 55 {
		t.Errorf("tenant not prepared: %+v", unknown)
	}
	hostIP := &scalefield.SecurityEvent{TenantID: "t1", Host: "81.2.69.142", User: "svc-legacy@corp.example"}
	b.e.Enrich(hostIP)
	if len(hostIP.ThreatMatch) != 2 || hostIP.ThreatMatch[0].Field != "host" || hostIP.ThreatMatch[1].Field != "user" {
		t.Errorf("host as address, user as account: %+v", hostIP.ThreatMatch)
	}
}

func TestEnricherPrepareRefresh(t *testing.T) {
	t.Parallel()
	b := setupEnricher(t)
	ctx := context.Background()
	if err := b.e.Prepare(ctx, []string{"t1", "t1", "t2", ""}); err != nil {
		t.Fatal(err)
	}
	if got := b.loader.versionQs; len(got) != 1 || !slices.Equal(got[0], []string{"t1", "t2"}) {
		t.Errorf("version queries = %q", got)
	}
	if !slices.Equal(b.loader.loads, []string{"t1"}) {
		t.Errorf("loads = %q (t2 has no data, version 0)", b.loader.loads)
	}
	if td := b.e.Tenant("t1"); td == nil || td.Version != 3 || td.Index.Len() != 6 || td.Directory.Len() != 1 {
		t.Errorf("t1 = %+v", td)
	}

	// Within the refresh interval nothing is asked.
	*b.now = b.now.Add(59 * time.Second)
	b.loader.versions["t1"] = 4
	b.loader.inds["t1"] = b.loader.inds["t1"][:1]
	if err := b.e.Prepare(ctx, []string{"t1", "t2"}); err != nil || len(b.loader.versionQs) != 1 {
		t.Errorf("prepare within the interval: %v, %d queries", err, len(b.loader.versionQs))
	}
	// A new tenant is asked for at once, the others are not.
	if err := b.e.Prepare(ctx, []string{"t1", "t4"}); err != nil || !slices.Equal(b.loader.versionQs[1], []string{"t4"}) {
		t.Errorf("new tenant: %v, %q", err, b.loader.versionQs)
	}
	// After the interval, changed tenants are reloaded, unchanged ones not.
	*b.now = b.now.Add(time.Second)
	if err := b.e.Prepare(ctx, []string{"t1", "t2"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.loader.loads, []string{"t1", "t1"}) {
		t.Errorf("loads = %q", b.loader.loads)
	}
	if td := b.e.Tenant("t1"); td.Version != 4 || td.Index.Len() != 1 {
		t.Errorf("t1 after reload = %+v", td)
	}

	// A failed load keeps the old data and is retried at the next Prepare.
	*b.now = b.now.Add(time.Minute)
	b.loader.versions["t1"] = 5
	b.loader.fail = errors.New("connection refused")
	if err := b.e.Prepare(ctx, []string{"t1"}); err == nil {
		t.Error("failed load: no error")
	}
	if td := b.e.Tenant("t1"); td.Version != 4 {
		t.Errorf("after a failed load: version %d", td.Version)
	}
	b.loader.fail = nil
	if err := b.e.Prepare(ctx, []string{"t1"}); err != nil || b.e.Tenant("t1").Version != 5 {
		t.Errorf("retry: %v, version %d", err, b.e.Tenant("t1").Version)
	}
}

func TestEnrichConcurrentWithPrepare(t *testing.T) {
	t.Parallel()
	b := setupEnricher(t)
	ctx := context.Background()
	if err := b.e.Prepare(ctx, []string{"t1"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards *b.now, read by the clock
	b.e.cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return *b.now }
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 2000 {
				ev := &scalefield.SecurityEvent{TenantID: "t1", DstIP: "81.2.69.142", User: "alice"}
				b.e.Enrich(ev)
				if len(ev.ThreatMatch) != 1 || ev.UserContext == nil {
					t.Errorf("enrich during reload: %+v", ev)
					return
				}
			}
		})
	}
	for v := int64(10); v < 30; v++ {
		mu.Lock()
		*b.now = b.now.Add(time.Minute)
		mu.Unlock()
		b.loader.mu.Lock()
		b.loader.versions["t1"] = v
		b.loader.mu.Unlock()
		if err := b.e.Prepare(ctx, []string{"t1"}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestEnricherConfig(t *testing.T) {
	t.Parallel()
	if _, err := New(nil, nil, Config{RefreshInterval: time.Millisecond}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("sub-second interval: %v", err)
	}
	e, err := New(nil, nil, Config{})
	if err != nil || e.cfg.RefreshInterval != DefaultRefreshInterval || e.cfg.Now == nil {
		t.Fatalf("defaults: %+v, %v", e.cfg, err)
	}
	if err := e.Prepare(context.Background(), []string{"t1"}); err != nil {
		t.Errorf("without a loader: %v", err)
	}
	ev := &scalefield.SecurityEvent{TenantID: "t1", Severity: scalefield.SeverityHigh, SrcIP: "81.2.69.142"}
	e.Enrich(ev)
	if ev.SrcGeo != nil || ev.RiskScore != 55 {
		t.Errorf("without GeoIP or loader: %+v", ev)
	}
}
