package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// RefineConfig configures the refine stage.
type RefineConfig struct {
	// BatchSize is how many Bronze records one transaction claims.
	BatchSize int
	// Interval is how often the stage looks for work when no notification
	// woke it: a backstop for lost notifications.
	Interval time.Duration
	// Timeout bounds one batch.
	Timeout time.Duration
	// Workers is how many batches one replica refines at once, each in its
	// own transaction; 0 means one per CPU.
	Workers int
	// Process configures the steps between parsing and writing.
	Process ProcessConfig
}

// DefaultRefineConfig returns the defaults.
func DefaultRefineConfig() RefineConfig {
	return RefineConfig{BatchSize: 1000, Interval: time.Second, Timeout: 30 * time.Second, Process: DefaultProcessConfig()}
}

// Refiner is the Bronze → Silver stage. Any number of replicas may run it:
// work is claimed with SKIP LOCKED, so none is done twice.
type Refiner struct {
	Config    RefineConfig
	DB        *store.DB
	Store     *store.RefineStore
	Broker    scalefield.EventBroker
	Normalize store.NormalizeFunc
	// Enricher is optional.
	Enricher Enricher
	// Changed is told which tenants' Silver and Gold a committed batch
	// changed (to invalidate cached Gold reads); optional.
	Changed func(ctx context.Context, tenantIDs []string)
	Log     *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
	// statsAt is when the queue gauges were last read (Unix ns).
	statsAt atomic.Int64
}

// queueStatsEvery is how often the backlog gauges are refreshed: counting
// the queue reads all of it, too much to do after every batch of a busy
// replica.
const queueStatsEvery = time.Second

// NewRefiner returns a refine stage on db that publishes to broker.
func NewRefiner(cfg RefineConfig, db *store.DB, broker scalefield.EventBroker, log *slog.Logger) *Refiner {
	return &Refiner{Config: cfg, DB: db, Store: store.NewRefineStore(db), Broker: broker, Normalize: NormalizeHEC,
		Log: log.With("stage", "refine")}
}

// Start runs the stage in the background until Stop or ctx ends.
func (r *Refiner) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	workers := r.Config.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	notify := make(chan struct{}, 1)
	wakes := make([]chan struct{}, workers)
	for i := range wakes {
		wakes[i] = make(chan struct{}, 1)
	}
	r.wg.Add(2 + workers)
	go func() { defer r.wg.Done(); r.DB.Listen(ctx, store.BronzeChannel, notify, r.Log) }()
	// One notification wakes every worker.
	go func() {
		defer r.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-notify:
				for _, w := range wakes {
					select {
					case w <- struct{}{}:
					default:
					}
				}
			}
		}
	}()
	for _, w := range wakes {
		go func() { defer r.wg.Done(); r.loop(ctx, w) }()
	}
}

// Stop stops the stage and waits for the batch in flight.
func (r *Refiner) Stop() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}

func (r *Refiner) loop(ctx context.Context, wake <-chan struct{}) {
	ticker := time.NewTicker(r.Config.Interval)
	defer ticker.Stop()
	for {
		// Drain the backlog: a full batch means there may be more.
		for {
			res, err := r.RunOnce(ctx)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					r.Log.Error("refine batch failed", "error", err)
				}
				break
			}
			if res.Claimed < r.Config.BatchSize {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-wake:
		}
	}
}

// RunOnce refines one batch and publishes the new events.
func (r *Refiner) RunOnce(ctx context.Context) (*store.RefineResult, error) {
	start := time.Now()
	batchCtx, cancel := context.WithTimeout(ctx, r.Config.Timeout)
	defer cancel()
	proc := &Processor{Config: r.Config.Process, Normalize: r.Normalize, Enricher: r.Enricher}
	res, err := r.Store.RefineBatch(batchCtx, r.Config.BatchSize, proc)
	if err != nil {
		return nil, err
	}
	if res.Claimed > 0 {
		batchSeconds.Observe(time.Since(start).Seconds())
		refinedTotal.Add(float64(len(res.Refined)))
		duplicatesTotal.Add(float64(res.Duplicates))
		for k, o := range res.Sources {
			sourceRefined.WithLabelValues(k.Kind, k.Name).Add(float64(o.Refined))
			if o.Quarantined > 0 {
				sourceQuarantined.WithLabelValues(k.Kind, k.Name).Add(float64(o.Quarantined))
			}
			sourceLag.WithLabelValues(k.Kind, k.Name).Observe(o.MaxLag.Seconds())
		}
		if r.Changed != nil && len(res.Tenants) > 0 {
			r.Changed(ctx, res.Tenants)
		}
		quarantinedTotal.WithLabelValues(store.RefineStage).Add(float64(res.Quarantined))
		r.Log.Debug("refine batch", "claimed", res.Claimed, "refined", len(res.Refined), "duplicates", res.Duplicates, "quarantined", res.Quarantined,
			"duration", time.Since(start))
		if len(res.Refined) > 0 && r.Broker != nil {
			// Silver is committed; a failed announcement only delays what
			// live views show, so it is logged, not retried.
			if err := r.Broker.PublishEvents(ctx, res.Refined); err != nil {
				r.Log.Warn("publish refined events", "error", err)
			}
		}
	}
	r.refreshQueueStats(ctx)
	return res, nil
}

// refreshQueueStats updates the backlog gauges when they are older than
// queueStatsEvery; of the workers that find them stale, one reads.
func (r *Refiner) refreshQueueStats(ctx context.Context) {
	now, last := time.Now().UnixNano(), r.statsAt.Load()
	if now-last < int64(queueStatsEvery) || !r.statsAt.CompareAndSwap(last, now) {
		return
	}
	if depth, oldest, err := r.Store.QueueStats(ctx); err == nil {
		queueDepth.Set(float64(depth))
		lagSeconds.Set(oldest.Seconds())
	}
}
