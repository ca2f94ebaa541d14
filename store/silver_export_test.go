package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// CopySilverForTest exposes the refine stage's Silver COPY to the external
// tests and benchmarks.
func CopySilverForTest(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) error {
	return copySilver(ctx, tx, events, map[int64]time.Time{})
}
