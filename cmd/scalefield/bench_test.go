package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkHECIngest posts batches of 100 events over HTTP to a running
// engine from parallel clients and reports the events per second accepted
// into Bronze, then the Bronze → Silver lag of those events (p50 and p99 of
// refined_at - received_at) and how long the refine backlog took to drain
// after the last acknowledgement.
func BenchmarkHECIngest(b *testing.B) {
	const batch = 100
	bb := setup(b)
	// Every request's events are distinct: Silver would fold copies of the
	// same event (within the dedup window) into one row.
	var requests atomic.Int64
	payload := func() string {
		r := requests.Add(1)
		var body strings.Builder
		for i := range batch {
			fmt.Fprintf(&body, `{"event":{"message":"benchmark event %d-%d","severity":"medium","user":"bench","src_ip":"192.0.2.%d"},"host":"bench-01","sourcetype":"bench"}`, r, i, i%250+1)
		}
		return body.String()
	}
	url := bb.main.Server.URL() + "/services/collector/event"
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var failed atomic.Int64

	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(payload()))
			req.Header.Set("Authorization", "Splunk "+bb.a.Secret)
			res, err := httpClient.Do(req)
			if err != nil || res.StatusCode != http.StatusOK {
				failed.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d batches were not accepted", n)
	}
	acked := time.Now()
	ctx := context.Background()
	for {
		var queued int
		if err := bb.main.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM refine_queue`).Scan(&queued); err != nil {
			b.Fatal(err)
		}
		if queued == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	drain := time.Since(acked)
	var p50, p99 float64
	var refined int
	err := bb.main.DB.Pool.QueryRow(ctx, `
		SELECT count(*),
		       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM refined_at - received_at)), 0),
		       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM refined_at - received_at)), 0)
		FROM silver_security_events WHERE tenant_id = $1`, bb.a.Tenant.ID).Scan(&refined, &p50, &p99)
	if err != nil {
		b.Fatal(err)
	}
	if refined != b.N*batch {
		b.Fatalf("refined %d events, want %d", refined, b.N*batch)
	}
	b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "events/s")
	b.ReportMetric(p50*1000, "lag-p50-ms")
	b.ReportMetric(p99*1000, "lag-p99-ms")
	b.ReportMetric(float64(drain.Milliseconds()), "drain-ms")
	b.ReportMetric(0, "ns/op")
}
