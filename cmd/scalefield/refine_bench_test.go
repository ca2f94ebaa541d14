package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/pipeline/enrich"
	"github.com/scalefield/scalefield/pipeline/enrich/enrichtest"
	"github.com/scalefield/scalefield/pipeline/mapper"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// memLoader serves one tenant's indicators and directory from memory, so
// the benchmark measures refinement, not the import.
type memLoader struct {
	indicators []scalefield.Indicator
	directory  []scalefield.DirectoryEntry
}

func (l *memLoader) EnrichmentVersions(_ context.Context, tenantIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range tenantIDs {
		out[t] = 1
	}
	return out, nil
}

func (l *memLoader) LoadEnrichment(context.Context, string) (int64, []scalefield.Indicator, []scalefield.DirectoryEntry, error) {
	return 1, l.indicators, l.directory, nil
}

// BenchmarkRefine queues b.N HEC JSON events in Bronze, then times the
// refine stage (one worker per CPU, as serve runs it) taking them to
// committed Silver with enrichment on, and how long Gold then trails
// (the aggregate stage folding the batches' deltas), with enrichment on: GeoIP, 100,000 threat
// indicators and a 10,000-user directory. Every 20th event repeats an
// earlier one, so deduplication does real work.
func BenchmarkRefine(b *testing.B) {
	bb := setupWith(b, func(c *Config) { c.Pipeline = false })
	ctx := context.Background()
	tenantID := bb.a.Tenant.ID

	mmdb := filepath.Join(b.TempDir(), "city.mmdb")
	enrichtest.WriteMMDB(b, mmdb, []enrichtest.Network{
		{CIDR: "81.2.69.0/24", Country: "NL", City: "Amsterdam", Lat: 52.37, Lon: 4.89, ASN: 64500, ASOrg: "Example NL"},
		{CIDR: "89.160.20.0/24", Country: "BR", City: "São Paulo", Lat: -23.55, Lon: -46.63, ASN: 64501, ASOrg: "Example BR"},
	})
	geo, err := enrich.OpenGeoIP(mmdb, "")
	if err != nil {
		b.Fatal(err)
	}
	defer geo.Close()
	loader := &memLoader{}
	for i := 0; i < 100000; i++ {
		loader.indicators = append(loader.indicators, scalefield.Indicator{Type: "ipv4-addr",
			Value: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Source: "bench", Confidence: 80})
	}
	for i := 0; i < 10000; i++ {
		loader.directory = append(loader.directory, scalefield.DirectoryEntry{UserName: fmt.Sprintf("user%d", i), Department: "ops", Privileged: i%50 == 0})
	}
	enricher, err := enrich.New(geo, loader, enrich.Config{})
	if err != nil {
		b.Fatal(err)
	}

	events := store.NewEventService(bb.main.DB)
	base := time.Now().UTC().Add(-time.Hour)
	const chunk = 5000
	for start := 0; start < b.N; start += chunk {
		var records []scalefield.BronzeRecord
		for i := start; i < min(start+chunk, b.N); i++ {
			n := i
			if i%20 == 19 {
				n = i - 7 // a copy of an earlier event
			}
			payload := fmt.Sprintf(`{"time": %d, "event": {"message": "connection %d from peer refused", "severity": "%s", "src_ip": "%s.%d", "dst_ip": "10.0.%d.%d", "user": "user%d", "action": "deny"}}`,
				base.Add(time.Duration(n)*time.Millisecond).Unix(), n, []string{"low", "medium", "high", "info"}[n%4],
				[]string{"81.2.69", "89.160.20", "192.0.2"}[n%3], n%250+1, n%7, n%200, n%10000)
			records = append(records, scalefield.BronzeRecord{TenantID: tenantID, ReceivedAt: time.Now().UTC(), Kind: "hec",
				Host: fmt.Sprintf("fw-%02d", n%16), Sourcetype: "_json", Payload: []byte(payload)})
		}
		if _, err := events.AppendBronze(ctx, records); err != nil {
			b.Fatal(err)
		}
	}

	cfg := pipeline.DefaultRefineConfig()
	cfg.Interval = 10 * time.Millisecond
	r := pipeline.NewRefiner(cfg, bb.main.DB, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.Normalize = mapper.Normalize
	r.Enricher = enricher
	gold := store.NewGoldService(bb.main.DB)
	agg := pipeline.NewAggregator(gold, slog.New(slog.NewTextHandler(io.Discard, nil)))
	storetest.Checkpoint(b)
	b.ResetTimer()
	start := time.Now()
	r.Start(ctx)
	agg.Start(ctx)
	// Waiting is polled with EXISTS, not counted: a count reads the whole
	// backlog. Even EXISTS passes the dead queue rows at the head of the
	// index, so it is asked 40 times a second: at 200 it took 5% of a core
	// from the stage being measured.
	waitEmpty := func(query string) {
		for {
			var pending bool
			if err := bb.main.DB.Pool.QueryRow(ctx, query).Scan(&pending); err != nil {
				b.Fatal(err)
			}
			if !pending {
				return
			}
			time.Sleep(25 * time.Millisecond)
		}
	}
	waitEmpty(`SELECT EXISTS (SELECT 1 FROM refine_queue)`)
	elapsed := time.Since(start)
	waitEmpty(`SELECT EXISTS (SELECT 1 FROM gold_deltas) OR EXISTS (SELECT 1 FROM gold_user_deltas)`)
	goldElapsed := time.Since(start)
	b.StopTimer()
	r.Stop()
	agg.Stop()

	var silver, copies, matched int64
	if err := bb.main.DB.Pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(dup_count), 0), count(*) FILTER (WHERE src_country <> '')
		FROM silver_security_events WHERE tenant_id = $1`, tenantID).Scan(&silver, &copies, &matched); err != nil {
		b.Fatal(err)
	}
	if copies != int64(b.N) {
		b.Fatalf("Silver counts %d copies of %d events sent", copies, b.N)
	}
	var goldTotal int64
	if err := bb.main.DB.Pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0) FROM gold_threat_metrics
		WHERE tenant_id = $1 AND period = 'day' AND dimension = 'total'`, tenantID).Scan(&goldTotal); err != nil {
		b.Fatal(err)
	}
	if goldTotal != silver {
		b.Fatalf("Gold counts %d events, Silver holds %d", goldTotal, silver)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(goldElapsed.Seconds()-elapsed.Seconds(), "gold-lag-s")
	b.ReportMetric(float64(silver), "silver-rows")
	b.ReportMetric(float64(matched)/float64(max(silver, 1)), "geo-coverage")
}
