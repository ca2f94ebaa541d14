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
	// Interval is how often the stage folds pending Gold deltas. It sets
	// how far Gold trails Silver (under load, up to maxPacedRounds
	// Intervals; see Pace), and the fold's cost: each fold
	// updates every Gold row its deltas touch, once, however many deltas it
	// sums, so under steady load folding half as often updates the active
	// rows half as often.
	Interval time.Duration
	// Pace bounds the fold's share of the time under sustained load: after
	// a round of folds that took d, the next round starts no sooner than
	// Pace×d later (3 keeps it to a quarter of one core). Each round costs
	// about the number of Gold rows its deltas touch, which stops growing
	// once every active user, address and class has a delta, so under load
	// a longer wait folds more events for the same work. Under light load
	// the rounds are short and Interval alone sets the pace; 0 turns pacing
	// off.
	Pace float64
	// BatchSize is how many deltas of each kind one fold takes.
	BatchSize int
	// Timeout bounds one fold.
	Timeout time.Duration
}

// DefaultAggregateConfig returns the defaults.
func DefaultAggregateConfig() AggregateConfig {
	return AggregateConfig{Interval: 2 * time.Second, Pace: 3, BatchSize: 200000, Timeout: 30 * time.Second}
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
		timer := time.NewTimer(a.Config.Interval)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
				start := time.Now()
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
				timer.Reset(a.Config.nextRound(time.Since(start)))
			}
		}
	}()
}

// maxPacedRounds caps a paced wait at this many Intervals, so one slow
// round (a checkpoint, a burst of new keys) cannot leave Gold far behind.
const maxPacedRounds = 5

// nextRound is how long to wait after a round of folds that took d: what
// is left of Interval, or Pace times d when that is longer, up to
// maxPacedRounds Intervals.
func (c AggregateConfig) nextRound(d time.Duration) time.Duration {
	paced := min(time.Duration(c.Pace*float64(d)), maxPacedRounds*c.Interval)
	return max(c.Interval-d, paced, 0)
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
