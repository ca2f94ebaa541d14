package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/scalefield/scalefield/store"
)

// AggregateConfig configures the aggregate stage.
type AggregateConfig struct {
	// Interval is how often the stage folds pending Gold deltas. It bounds
	// how far Gold trails Silver, and it sets the fold's cost: each fold
	// updates every Gold row its deltas touch, once, however many deltas it
	// sums, so under steady load folding half as often updates the active
	// rows half as often.
	Interval time.Duration
	// BatchSize is how many deltas of each kind one fold takes.
	BatchSize int
	// Timeout bounds one fold.
	Timeout time.Duration
}

// DefaultAggregateConfig returns the defaults.
func DefaultAggregateConfig() AggregateConfig {
	return AggregateConfig{Interval: 2 * time.Second, BatchSize: 200000, Timeout: 30 * time.Second}
}

// Aggregator is the Silver → Gold stage: it folds the count changes that
// refine batches (and reprocess requests) append to the Gold delta tables
// into gold_threat_metrics and gold_user_risk_profiles. Refine batches
// never contend on Gold rows; one replica folds at a time, summing every
// batch's deltas per row first.
type Aggregator struct {
	Config AggregateConfig
	Gold   *store.GoldService
	// Changed is told which tenants' Gold a fold changed; optional.
	Changed func(ctx context.Context, tenantIDs []string)
	Log     *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewAggregator returns the stage with the defaults.
func NewAggregator(gold *store.GoldService, log *slog.Logger) *Aggregator {
	return &Aggregator{Config: DefaultAggregateConfig(), Gold: gold, Log: log.With("stage", "aggregate")}
}

var (
	goldFolded = promauto.NewCounter(prometheus.CounterOpts{
		Name: "scalefield_pipeline_gold_deltas_folded_total",
		Help: "Gold deltas folded into Gold metrics and user risk profiles.",
	})
	goldFoldSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "scalefield_pipeline_gold_fold_seconds",
		Help:    "Duration of one Gold fold.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	})
)

// Start runs the stage until Stop or ctx ends.
func (a *Aggregator) Start(ctx context.Context) {
	ctx, a.cancel = context.WithCancel(ctx)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ticker := time.NewTicker(a.Config.Interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				for {
					res, err := a.RunOnce(ctx)
					if err != nil {
						if !errors.Is(err, context.Canceled) && ctx.Err() == nil {
							a.Log.Error("fold gold", "error", err)
						}
						break
					}
					if res.Deltas < int64(a.Config.BatchSize) && res.UserDeltas < int64(a.Config.BatchSize) {
						break
					}
				}
			}
		}
	}()
}

// RunOnce folds one batch of pending deltas.
func (a *Aggregator) RunOnce(ctx context.Context) (*store.FoldResult, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, a.Config.Timeout)
	defer cancel()
	res, err := a.Gold.FoldGold(ctx, a.Config.BatchSize)
	if err != nil {
		return nil, err
	}
	if n := res.Deltas + res.UserDeltas; n > 0 {
		goldFolded.Add(float64(n))
		goldFoldSeconds.Observe(time.Since(start).Seconds())
		if a.Changed != nil {
			a.Changed(ctx, res.Tenants)
		}
	}
	return res, nil
}

// Stop stops the stage and waits for the fold in flight.
func (a *Aggregator) Stop() {
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
}
