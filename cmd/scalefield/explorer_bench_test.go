package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// explorerRows is how many Silver events BenchmarkExplorer queries over;
// SCALEFIELD_BENCH_SILVER_ROWS changes it. The data set is built once per
// migrations version in a database that is kept between runs.
func explorerRows(b *testing.B) int {
	rows := 10_000_000
	if v := os.Getenv("SCALEFIELD_BENCH_SILVER_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("SCALEFIELD_BENCH_SILVER_ROWS=%q: want a number of at least 1000", v)
		}
		rows = n
	}
	return rows
}

// benchEnd is the newest event time of the data set: the data covers the
// 30 days before it.
var benchEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// populateSilver fills Silver with rows events of one tenant over 30 days,
// with the spread of a real deployment (5,000 source addresses, 2,000
// users, 40 hosts, a few countries, one event in 500 matching an
// indicator), and Gold with exactly what the aggregate stage would make of
// them.
func populateSilver(b *testing.B, db *store.DB, tenantID string, rows int) {
	ctx := context.Background()
	const chunk = 1_000_000
	if _, err := db.Pool.Exec(ctx, `SELECT scalefield_ensure_monthly_partitions('silver_security_events'::regclass, $1, 3)`,
		benchEnd.AddDate(0, -2, 0)); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for from := 0; from < rows; from += chunk {
		to := min(from+chunk, rows)
		if _, err := db.Pool.Exec(ctx, `
			INSERT INTO silver_security_events (id, tenant_id, bronze_id, time, received_at, host, source, sourcetype,
			    severity, message, user_name, src_ip, dst_ip, action, class_uid, activity_id, status, src_port, dst_port,
			    device, src_country, dst_country, threat_matched, risk_score, quality, dedup_key)
			SELECT g, $1, g, t, t + interval '2 seconds', 'host-' || (g % 40), 'fw', (ARRAY['cef', 'syslog', '_json', 'db:postgresql'])[g % 4 + 1],
			       (ARRAY['info', 'info', 'low', 'low', 'medium', 'medium', 'high', 'critical'])[g % 8 + 1],
			       (ARRAY['connection refused from peer', 'user login failed', 'file access denied', 'policy updated',
			              'malware signature matched', 'session opened', 'query executed on orders', 'port scan detected'])[g % 8 + 1]
			           || ' id=' || g,
			       'user' || (g % 2000), ('198.18.' || (g % 5000) / 250 || '.' || (g % 250))::inet,
			       ('10.1.' || (g % 31) || '.' || (g % 200))::inet, 'deny',
			       (ARRAY[4001, 3002, 1001, 0, 2004, 3002, 6005, 4001])[g % 8 + 1], 1, CASE WHEN g % 3 = 0 THEN 'failure' ELSE 'success' END,
			       40000 + g % 20000, (ARRAY[22, 443, 3389, 5432])[g % 4 + 1], 'Example Firewall',
			       (ARRAY['US', 'DE', 'BR', 'NL', 'JP', 'US', 'US', 'GB'])[g % 8 + 1], 'US', g % 500 = 0, (g % 100)::real, 0.9,
			       decode(md5(g::text), 'hex')
			FROM generate_series($2::bigint, $3::bigint) AS g,
			     LATERAL (SELECT $4::timestamptz - (($5::bigint - g) * (2592000.0 / $5)) * interval '1 second' AS t) AS tt`,
			tenantID, from+1, to, benchEnd, rows); err != nil {
			b.Fatal(err)
		}
		b.Logf("Silver: %d of %d events (%s)", to, rows, time.Since(start).Round(time.Second))
	}
	// Gold as the aggregate stage folds it: one row per period, bucket,
	// dimension and value.
	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO gold_threat_metrics (tenant_id, period, dimension, bucket, value, count)
		SELECT $1::uuid, p.period, d.dimension, date_trunc(p.period, s.time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', d.value, count(*)
		FROM silver_security_events s
		CROSS JOIN (VALUES ('hour'), ('day'), ('month')) AS p(period)
		CROSS JOIN LATERAL (VALUES ('total', ''), ('severity', s.severity), ('class', s.class_uid::text),
		                           ('source', s.sourcetype), ('src_ip', host(s.src_ip)), ('user', lower(s.user_name)),
		                           ('country', s.src_country),
		                           (CASE WHEN s.threat_matched THEN 'threat' END, ''),
		                           (CASE WHEN s.class_uid = 2004 AND s.severity = 'critical' THEN 'critical' END, ''))
		                    AS d(dimension, value)
		WHERE s.tenant_id = $1::uuid AND d.dimension IS NOT NULL
		GROUP BY 1, 2, 3, 4, 5`, tenantID); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE silver_security_events`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE gold_threat_metrics`); err != nil {
		b.Fatal(err)
	}
	b.Logf("populated in %s", time.Since(start).Round(time.Second))
}

// BenchmarkExplorer measures the event explorer's queries (a newest-first
// page with its capped count, under common filters) and Gold time series
// on a large Silver table, through the same store code the API runs, and
// reports their p95 with the plans PostgreSQL used.
func BenchmarkExplorer(b *testing.B) {
	rows := explorerRows(b)
	dbURL, _ := storetest.PersistentDatabase(b, fmt.Sprintf("scalefield_bench_silver_%d", rows))
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// The tenant is created last: its presence marks a complete data set.
	var tenantID string
	err = db.Pool.QueryRow(ctx, `SELECT id FROM tenants WHERE slug = 'bench'`).Scan(&tenantID)
	if err != nil {
		if _, err := db.Pool.Exec(ctx, `TRUNCATE silver_security_events, gold_threat_metrics`); err != nil {
			b.Fatal(err)
		}
		tenantID = "6d3b0c52-5f2a-4f7e-9a51-0b9d4c1e2f30"
		populateSilver(b, db, tenantID, rows)
		if _, err := db.Pool.Exec(ctx, `INSERT INTO tenants (id, slug, name) VALUES ($1, 'bench', 'Bench')`, tenantID); err != nil {
			b.Fatal(err)
		}
	}
	var have int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM silver_security_events WHERE tenant_id = $1`, tenantID).Scan(&have); err != nil || have != rows {
		b.Fatalf("bench data set holds %d events, want %d (err %v): drop the database to rebuild it", have, rows, err)
	}
	tctx := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "bench", TenantID: tenantID, Role: scalefield.RoleAnalyst})
	events, gold := store.NewEventService(db), store.NewGoldService(db)

	ptr := func(s string) *string { return &s }
	day := benchEnd.Add(-24 * time.Hour)
	week := benchEnd.Add(-7 * 24 * time.Hour)
	yes := true
	filters := []struct {
		name string
		f    scalefield.EventFilter
	}{
		{"newest", scalefield.EventFilter{}},
		{"last 24h, high and critical", scalefield.EventFilter{From: &day, To: &benchEnd, Severity: []scalefield.Severity{scalefield.SeverityHigh, scalefield.SeverityCritical}}},
		{"class authentication", scalefield.EventFilter{ClassUID: []int{scalefield.ClassAuthentication}}},
		{"source /24", scalefield.EventFilter{SrcIP: ptr("198.18.7.0/24")}},
		{"one address, either end", scalefield.EventFilter{IP: ptr("198.18.3.17")}},
		{"user", scalefield.EventFilter{User: ptr("user1234")}},
		{"threat matched, last 7 days", scalefield.EventFilter{ThreatMatched: &yes, From: &week}},
		{"country", scalefield.EventFilter{Country: ptr("JP")}},
		{"free text, common", scalefield.EventFilter{Search: ptr("port scan")}},
		{"free text, rare", scalefield.EventFilter{Search: ptr("161803")}},
	}
	series := []scalefield.TimeseriesQuery{
		{Metric: scalefield.MetricEvents, From: benchEnd.Add(-24 * time.Hour), To: benchEnd, Interval: scalefield.IntervalHour},
		{Metric: scalefield.MetricEvents, From: benchEnd.AddDate(0, 0, -30), To: benchEnd, Interval: scalefield.IntervalDay, GroupBy: scalefield.DimSeverity},
		{Metric: scalefield.MetricEvents, From: benchEnd.AddDate(0, 0, -7), To: benchEnd, Interval: scalefield.IntervalHour, GroupBy: scalefield.DimSrcIP},
		{Metric: scalefield.MetricEvents, From: benchEnd.AddDate(0, 0, -30), To: benchEnd, Interval: scalefield.IntervalDay, GroupBy: scalefield.DimUser},
		{Metric: scalefield.MetricThreats, From: benchEnd.AddDate(0, 0, -30), To: benchEnd, Interval: scalefield.IntervalHour},
	}

	var explorer, timeseries []time.Duration
	perQuery := map[string][]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range filters {
			f := q.f
			f.First = 50
			start := time.Now()
			page, err := events.FindEvents(tctx, f)
			if err != nil {
				b.Fatalf("%s: %v", q.name, err)
			}
			explorer = append(explorer, time.Since(start))
			perQuery["explorer: "+q.name] = append(perQuery["explorer: "+q.name], time.Since(start))
			if len(page.Events) == 0 && q.name != "free text, rare" {
				b.Fatalf("%s: no events", q.name)
			}
		}
		for _, q := range series {
			start := time.Now()
			if _, err := gold.Timeseries(tctx, q); err != nil {
				b.Fatal(err)
			}
			timeseries = append(timeseries, time.Since(start))
			name := fmt.Sprintf("timeseries: %s by %q per %s", q.Metric, q.GroupBy, q.Interval)
			perQuery[name] = append(perQuery[name], time.Since(start))
		}
	}
	b.StopTimer()
	p95 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[(len(d)*95+99)/100-1].Microseconds()) / 1000
	}
	names := make([]string, 0, len(perQuery))
	for n := range perQuery {
		names = append(names, n)
	}
	slices.Sort(names)
	var summary strings.Builder
	for _, n := range names {
		d := perQuery[n]
		slices.Sort(d)
		fmt.Fprintf(&summary, "%-56s n=%d p50 %7.1f ms  max %7.1f ms\n", n, len(d),
			float64(d[len(d)/2].Microseconds())/1000, float64(d[len(d)-1].Microseconds())/1000)
	}
	fmt.Fprint(os.Stderr, summary.String())
	b.ReportMetric(float64(rows), "silver-events")
	b.ReportMetric(p95(explorer), "explorer-p95-ms")
	b.ReportMetric(p95(timeseries), "timeseries-p95-ms")
	b.ReportMetric(0, "ns/op")
	// The plans the measured queries used, into the file
	// SCALEFIELD_BENCH_PLANS names (make bench: .data/bench-plans.txt).
	if path := os.Getenv("SCALEFIELD_BENCH_PLANS"); path != "" {
		out, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		fmt.Fprint(out, summary.String())
		for _, q := range filters {
			f := q.f
			f.First = 50
			plan, err := events.ExplainEvents(tctx, f)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(out, "\n=== explorer: %s\n%s\n", q.name, plan)
		}
		for _, q := range series {
			plan, err := gold.ExplainTimeseries(tctx, q)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(out, "\n=== timeseries: %s by %q per %s\n%s\n", q.Metric, q.GroupBy, q.Interval, plan)
		}
	}
}
