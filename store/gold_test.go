package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/scalefield/scalefield/store"
)

// A fold adds deltas to Gold rows in place; a row its deltas bring to zero
// (as reprocess does, subtracting what it removes) is deleted, and no other.
func TestFoldGoldPrunesRowsThatFallToZero(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	gold := store.NewGoldService(b.db)
	hour := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	addDeltas := func(deltas map[string]int64) {
		t.Helper()
		for value, n := range deltas {
			if _, err := b.db.Pool.Exec(ctx, `INSERT INTO gold_deltas (tenant_id, period, dimension, bucket, value, count)
				VALUES ($1, 'hour', 'user', $2, $3, $4)`, b.tenantA.ID, hour, value, n); err != nil {
				t.Fatal(err)
			}
		}
		res, err := gold.FoldGold(ctx, 1000)
		if err != nil || res.Deltas != int64(len(deltas)) {
			t.Fatalf("fold = %+v, %v", res, err)
		}
	}
	counts := func() map[string]int64 {
		t.Helper()
		rows, err := b.db.Pool.Query(ctx, `SELECT value, count FROM gold_threat_metrics WHERE tenant_id = $1`, b.tenantA.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var v string
			var n int64
			if err := rows.Scan(&v, &n); err != nil {
				t.Fatal(err)
			}
			out[v] = n
		}
		return out
	}

	addDeltas(map[string]int64{"alice": 1, "bob": 2, "carol": 1})
	addDeltas(map[string]int64{"alice": -1, "bob": -1, "carol": 3})
	got := counts()
	if len(got) != 2 || got["bob"] != 1 || got["carol"] != 4 {
		t.Errorf("Gold rows = %v, want bob 1 and carol 4 (alice pruned)", got)
	}
}
