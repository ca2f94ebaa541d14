package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// ErrBusy is returned when the commit queue is full: HEC answers 503 code 9,
// UDP drops the datagram.
var ErrBusy = errors.New("ingest queue is full")

// ErrStopped is returned for work offered to a stopped Committer.
var ErrStopped = errors.New("ingest committer is stopped")

// CommitStore commits batches of receiver requests to Bronze in one
// transaction each; *store.EventService implements it.
type CommitStore interface {
	CommitIngest(ctx context.Context, reqs []*store.IngestRequest) error
}

// Pruner removes expired ack, dedup and statistics rows;
// *store.EventService implements it.
type Pruner interface {
	PruneIngest(ctx context.Context, requestsBefore, channelsBefore, minutesBefore time.Time) (store.PruneResult, error)
}

// CommitterConfig configures group commit.
type CommitterConfig struct {
	// QueueEvents and QueueBytes bound the events (and their bytes) queued
	// or being committed. A request that does not fit is refused with
	// ErrBusy (or waits, with Enqueue), unless the queue is empty.
	QueueEvents int
	QueueBytes  int64
	// Writers is the number of goroutines committing batches; each holds a
	// database connection while it commits.
	Writers int
	// MaxBatchEvents and MaxBatchBytes bound one transaction. A writer
	// takes whole requests while the batch stays within both (at least one).
	MaxBatchEvents int
	MaxBatchBytes  int64
	// CommitTimeout bounds one commit attempt.
	CommitTimeout time.Duration
	// Attempts is how often a batch is tried when it fails with a transient
	// error (deadlock, lost connection) before its requests fail.
	Attempts int

	// PruneInterval is how often expired rows are removed; 0 never.
	PruneInterval time.Duration
	// RequestRetention is how long acks and dedup keys are kept: an ack
	// query for an older request answers false. At least the HEC dedup
	// window.
	RequestRetention time.Duration
	// ChannelRetention is how long an idle HEC channel keeps its ack
	// counter; longer than RequestRetention.
	ChannelRetention time.Duration
	// StatsRetention is how long per-minute source totals are kept.
	StatsRetention time.Duration
}

// DefaultCommitterConfig returns the defaults.
func DefaultCommitterConfig() CommitterConfig {
	return CommitterConfig{
		QueueEvents: 200_000, QueueBytes: 256 << 20,
		Writers: 2, MaxBatchEvents: 20_000, MaxBatchBytes: 32 << 20,
		CommitTimeout: 30 * time.Second, Attempts: 3,
		PruneInterval: time.Minute, RequestRetention: time.Hour,
		ChannelRetention: 7 * 24 * time.Hour, StatsRetention: 90 * 24 * time.Hour,
	}
}

// Validate fails on any value that cannot work.
func (c CommitterConfig) Validate() error {
	var errs []error
	if c.QueueEvents < 1 || c.QueueBytes < 1 {
		errs = append(errs, fmt.Errorf("ingest queue: events (%d) and bytes (%d) must be positive", c.QueueEvents, c.QueueBytes))
	}
	if c.Writers < 1 || c.Writers > 64 {
		errs = append(errs, fmt.Errorf("ingest writers %d: must be 1..64", c.Writers))
	}
	if c.MaxBatchEvents < 1 || c.MaxBatchBytes < 1 {
		errs = append(errs, fmt.Errorf("ingest batch: events (%d) and bytes (%d) must be positive", c.MaxBatchEvents, c.MaxBatchBytes))
	}
	if c.CommitTimeout <= 0 {
		errs = append(errs, fmt.Errorf("ingest commit timeout %s: must be positive", c.CommitTimeout))
	}
	if c.Attempts < 1 {
		errs = append(errs, fmt.Errorf("ingest commit attempts %d: must be at least 1", c.Attempts))
	}
	if c.PruneInterval < 0 {
		errs = append(errs, fmt.Errorf("ingest prune interval %s: must not be negative", c.PruneInterval))
	}
	if c.PruneInterval > 0 {
		if c.RequestRetention < time.Minute {
			errs = append(errs, fmt.Errorf("ingest request retention %s: must be at least 1m", c.RequestRetention))
		}
		if c.ChannelRetention <= c.RequestRetention {
			errs = append(errs, fmt.Errorf("ingest channel retention %s: must be longer than the request retention %s", c.ChannelRetention, c.RequestRetention))
		}
		if c.StatsRetention < time.Hour {
			errs = append(errs, fmt.Errorf("ingest stats retention %s: must be at least 1h", c.StatsRetention))
		}
	}
	return errors.Join(errs...)
}

// item is one queued request.
type item struct {
	req    *store.IngestRequest
	events int
	bytes  int64
	// done receives the commit's outcome; nil for fire-and-forget work.
	done chan error
}

// Committer is the group commit of the receivers: a bounded in-memory
// queue of requests feeding a few writer goroutines, each committing many
// requests per transaction and then releasing every waiting request. Start
// it before the receivers and stop it after them: Stop commits what is
// queued.
type Committer struct {
	Config CommitterConfig
	Store  CommitStore
	// Pruner, when set, removes expired rows every PruneInterval.
	Pruner Pruner
	Log    *slog.Logger
	Now    scalefield.Clock

	mu       sync.Mutex
	work     *sync.Cond
	queue    []*item
	events   int
	bytes    int64
	space    chan struct{} // closed when room is freed, then replaced
	started  bool
	stopping bool
	stopOnce sync.Once
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// NewCommitter returns a Committer with cfg on st that prunes with st when
// it implements Pruner.
func NewCommitter(cfg CommitterConfig, st CommitStore, log *slog.Logger) *Committer {
	c := &Committer{Config: cfg, Store: st, Log: log, Now: time.Now}
	if p, ok := st.(Pruner); ok {
		c.Pruner = p
	}
	return c
}

// Start validates the configuration and starts the writers (and the
// pruner). They run until Stop, or until ctx ends, which also stops them
// after committing what is queued.
func (c *Committer) Start(ctx context.Context) error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return errors.New("ingest committer already started")
	}
	c.started = true
	c.work = sync.NewCond(&c.mu)
	c.space = make(chan struct{})
	ctx, c.cancel = context.WithCancel(ctx)
	for range c.Config.Writers {
		c.wg.Add(1)
		go func() { defer c.wg.Done(); c.writer() }()
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		<-ctx.Done()
		c.beginStop()
	}()
	if c.Pruner != nil && c.Config.PruneInterval > 0 {
		c.wg.Add(1)
		go func() { defer c.wg.Done(); c.pruneLoop(ctx) }()
	}
	return nil
}

// Stop refuses new work, commits everything queued, and returns when the
// writers are done.
func (c *Committer) Stop() {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return
	}
	c.beginStop()
	c.cancel()
	c.wg.Wait()
}

func (c *Committer) beginStop() {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.stopping = true
		c.work.Broadcast()
		close(c.space)
		c.mu.Unlock()
	})
}

// Full reports whether the queue is full, for health checks.
func (c *Committer) Full() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events >= c.Config.QueueEvents || c.bytes >= c.Config.QueueBytes
}

// Depth returns the events queued or being committed.
func (c *Committer) Depth() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events
}

// Commit queues req and waits until it is committed, filling in its AckID
// and Duplicate. ErrBusy at once when the queue is full; ErrStopped; ctx's
// error when ctx ends first (the request may still be committed: a retry
// with the same dedup key finds it); or the commit's error.
func (c *Committer) Commit(ctx context.Context, req *store.IngestRequest) error {
	it := newItem(req, true)
	if err := c.push(nil, it); err != nil {
		return err
	}
	select {
	case err := <-it.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TryEnqueue queues req to be committed without waiting for it. ErrBusy at
// once when the queue is full; ErrStopped.
func (c *Committer) TryEnqueue(req *store.IngestRequest) error {
	return c.push(nil, newItem(req, false))
}

// Enqueue queues req to be committed without waiting for the commit, but
// waits for room in the queue: the backpressure of stream receivers.
// ErrStopped, or ctx's error when ctx ends first.
func (c *Committer) Enqueue(ctx context.Context, req *store.IngestRequest) error {
	return c.push(ctx, newItem(req, false))
}

func newItem(req *store.IngestRequest, wait bool) *item {
	it := &item{req: req, events: len(req.Records)}
	for i := range req.Records {
		it.bytes += int64(len(req.Records[i].Payload))
	}
	if wait {
		it.done = make(chan error, 1)
	}
	return it
}

// push queues it; when the queue is full it returns ErrBusy, or with a
// ctx waits for room.
func (c *Committer) push(ctx context.Context, it *item) error {
	for {
		c.mu.Lock()
		if !c.started || c.stopping {
			c.mu.Unlock()
			return ErrStopped
		}
		if c.events == 0 || (c.events+it.events <= c.Config.QueueEvents && c.bytes+it.bytes <= c.Config.QueueBytes) {
			c.queue = append(c.queue, it)
			c.events += it.events
			c.bytes += it.bytes
			c.work.Signal()
			c.mu.Unlock()
			ingestQueueEvents.WithLabelValues(it.req.Kind, it.req.Source).Add(float64(it.events))
			return nil
		}
		space := c.space
		c.mu.Unlock()
		if ctx == nil {
			return ErrBusy
		}
		select {
		case <-space:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// writer commits batches until the committer stops and the queue is empty.
func (c *Committer) writer() {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.stopping {
			c.work.Wait()
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			return
		}
		batch := c.take()
		if len(c.queue) > 0 {
			c.work.Signal()
		}
		c.mu.Unlock()

		c.commit(batch)

		var events int
		var bytes int64
		for _, it := range batch {
			events += it.events
			bytes += it.bytes
		}
		c.mu.Lock()
		c.events -= events
		c.bytes -= bytes
		if !c.stopping {
			close(c.space)
			c.space = make(chan struct{})
		}
		c.mu.Unlock()
	}
}

// take removes whole requests from the head of the queue while the batch
// stays within its bounds, at least one. Called with mu held.
func (c *Committer) take() []*item {
	n, events, bytes := 0, 0, int64(0)
	for _, it := range c.queue {
		if n > 0 && (events+it.events > c.Config.MaxBatchEvents || bytes+it.bytes > c.Config.MaxBatchBytes) {
			break
		}
		n, events, bytes = n+1, events+it.events, bytes+it.bytes
	}
	batch := make([]*item, n)
	copy(batch, c.queue)
	clear(c.queue[:n])
	c.queue = c.queue[n:]
	if len(c.queue) == 0 {
		c.queue = nil
	}
	return batch
}

// commit stores a batch. When the batch fails because of a request's
// content, each request is committed alone, so one bad request does not
// fail the others.
func (c *Committer) commit(batch []*item) {
	start := time.Now()
	reqs := make([]*store.IngestRequest, len(batch))
	events := 0
	for i, it := range batch {
		reqs[i] = it.req
		events += it.events
	}
	err := c.attempt(reqs)
	ingestCommitSeconds.Observe(time.Since(start).Seconds())
	ingestCommitEvents.Observe(float64(events))
	ingestCommitRequests.Observe(float64(len(batch)))
	if err != nil && len(batch) > 1 && store.IsIngestDataError(err) {
		c.Log.Warn("ingest: batch failed, committing its requests one by one", "requests", len(batch), "error", err)
		for _, it := range batch {
			c.finish(it, c.attempt([]*store.IngestRequest{it.req}))
		}
		return
	}
	for _, it := range batch {
		c.finish(it, err)
	}
}

// attempt commits reqs, retrying transient failures with backoff.
func (c *Committer) attempt(reqs []*store.IngestRequest) error {
	var err error
	for n := range c.Config.Attempts {
		if n > 0 {
			time.Sleep(time.Duration(25<<n) * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.Config.CommitTimeout)
		err = c.Store.CommitIngest(ctx, reqs)
		cancel()
		if err == nil || !store.IsTransientIngestError(err) {
			return err
		}
	}
	return err
}

func (c *Committer) finish(it *item, err error) {
	r := it.req
	ingestQueueEvents.WithLabelValues(r.Kind, r.Source).Sub(float64(it.events))
	switch {
	case err != nil:
		ingestEvents.WithLabelValues(r.Kind, r.Source, outcomeRejected).Add(float64(it.events))
		if it.done == nil {
			c.Log.Error("ingest: commit failed, events lost", "kind", r.Kind, "source", r.Source, "tenant_id", r.TenantID,
				"events", it.events, "error", err)
		}
	case r.Duplicate:
		ingestEvents.WithLabelValues(r.Kind, r.Source, outcomeDuplicate).Add(float64(it.events))
	default:
		ingestEvents.WithLabelValues(r.Kind, r.Source, outcomeAccepted).Add(float64(it.events))
	}
	if it.done != nil {
		it.done <- err
	}
}

func (c *Committer) pruneLoop(ctx context.Context) {
	ticker := time.NewTicker(c.Config.PruneInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		now := c.Now()
		pctx, cancel := context.WithTimeout(ctx, c.Config.PruneInterval)
		res, err := c.Pruner.PruneIngest(pctx, now.Add(-c.Config.RequestRetention), now.Add(-c.Config.ChannelRetention),
			now.Add(-c.Config.StatsRetention))
		cancel()
		switch {
		case errors.Is(err, context.Canceled):
			return
		case err != nil:
			c.Log.Error("ingest: prune failed", "error", err)
		case res.Requests+res.Channels+res.Minutes > 0:
			c.Log.Debug("ingest: pruned", "requests", res.Requests, "channels", res.Channels, "minutes", res.Minutes)
		}
	}
}
