package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// BenchmarkSilverWriteFloor copies b.N ready-made Silver events, built as
// the refine stage builds the events of BenchmarkRefine (enriched, with
// dedup keys), into silver_security_events with its indexes: one batch of
// 1,000 per transaction, from as many connections as CPUs. Nothing is
// read from Bronze, deduplicated or counted in Gold, and no Go work is
// timed, so it is the ceiling for the whole refine stage on this machine.
func BenchmarkSilverWriteFloor(b *testing.B) {
	db := storetest.NewDB(b)
	ctx := context.Background()
	tenant := &scalefield.Tenant{Slug: "floor", Name: "floor"}
	if err := store.NewTenantService(db).CreateTenant(ctx, tenant); err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	base := time.Now().UTC().Add(-time.Hour)
	var batches [][]*scalefield.SecurityEvent
	for start := 0; start < b.N; start += batch {
		var events []*scalefield.SecurityEvent
		for i := start; i < min(start+batch, b.N); i++ {
			e := &scalefield.SecurityEvent{
				ID: int64(i + 1), TenantID: tenant.ID, BronzeID: int64(i + 1),
				Time: base.Add(time.Duration(i) * time.Millisecond), ReceivedAt: time.Now().UTC(),
				Host: fmt.Sprintf("fw-%02d", i%16), Sourcetype: "_json", Severity: scalefield.SeverityLow,
				Message: fmt.Sprintf("connection %d from peer refused", i), User: fmt.Sprintf("user%d", i%10000),
				SrcIP: fmt.Sprintf("81.2.69.%d", i%250+1), DstIP: fmt.Sprintf("10.0.%d.%d", i%7, i%200), Action: "deny",
				SrcGeo:      &scalefield.Geo{Country: "NL", City: "Amsterdam", Lat: 52.37, Lon: 4.89, ASN: 64500, ASOrg: "Example NL"},
				UserContext: &scalefield.UserContext{Department: "ops"},
				RiskScore:   12, Quality: 1, DedupKey: fmt.Sprintf("h%016d", i), DupCount: 1,
			}
			events = append(events, e)
		}
		batches = append(batches, events)
	}
	work := make(chan []*scalefield.SecurityEvent, len(batches))
	for _, events := range batches {
		work <- events
	}
	close(work)
	storetest.Checkpoint(b)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for events := range work {
				if err := copyBatch(ctx, db, events); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	var n int64
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM silver_security_events`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != int64(b.N) {
		b.Fatalf("Silver holds %d events of %d copied", n, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func copyBatch(ctx context.Context, db *store.DB, events []*scalefield.SecurityEvent) error {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return err
	}
	if err := store.CopySilverForTest(ctx, tx, events); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
