package pipeline

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/scalefield/scalefield/store"
)

// Retainer applies every tenant's retention policy: it drops the monthly
// partitions whose data every tenant has expired and deletes each tenant's
// expired rows from the rest. Running it on several replicas is safe; the
// work is idempotent.
type Retainer struct {
	Gold     *store.GoldService
	Interval time.Duration
	Timeout  time.Duration
	Log      *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewRetainer returns a retainer that runs every hour.
func NewRetainer(gold *store.GoldService, log *slog.Logger) *Retainer {
	return &Retainer{Gold: gold, Interval: time.Hour, Timeout: 10 * time.Minute, Log: log.With("stage", "retention")}
}

// Start runs the retainer in the background until Stop or ctx ends.
func (r *Retainer) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ticker := time.NewTicker(r.Interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				r.RunOnce(ctx)
			}
		}
	}()
}

// RunOnce applies retention once and logs what it deleted.
func (r *Retainer) RunOnce(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	res, err := r.Gold.ApplyRetention(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.Log.Error("apply retention", "error", err)
		}
		return
	}
	if len(res.PartitionsDropped) > 0 || res.RowsDeleted > 0 {
		r.Log.Info("retention applied", "partitions_dropped", res.PartitionsDropped, "rows_deleted", res.RowsDeleted)
	}
}

// Stop stops the retainer.
func (r *Retainer) Stop() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}
