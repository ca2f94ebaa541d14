package pipeline

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/scalefield/scalefield/store"
)

// PartitionMaintainer keeps the monthly partitions of the time-partitioned
// tables created ahead of time. Creating one that exists is a no-op, so any
// number of replicas may run it.
type PartitionMaintainer struct {
	DB       *store.DB
	Interval time.Duration
	Log      *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewPartitionMaintainer returns a maintainer that runs every six hours.
func NewPartitionMaintainer(db *store.DB, log *slog.Logger) *PartitionMaintainer {
	return &PartitionMaintainer{DB: db, Interval: 6 * time.Hour, Log: log.With("stage", "partitions")}
}

// Start runs the maintainer in the background until Stop or ctx ends.
func (p *PartitionMaintainer) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ticker := time.NewTicker(p.Interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				if err := p.DB.EnsurePartitions(ctx); err != nil && ctx.Err() == nil {
					p.Log.Error("ensure partitions", "error", err)
				}
			}
		}
	}()
}

// Stop stops the maintainer.
func (p *PartitionMaintainer) Stop() {
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
}
