package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
)

func syslogRequest(tenantID, source string, n int, prefix string) *store.IngestRequest {
	req := &store.IngestRequest{TenantID: tenantID, Kind: store.IngestKindSyslogTCP, Source: source, AckID: -1}
	for i := range n {
		msg := fmt.Sprintf("<13>1 2024-01-01T00:00:00Z h app - - - %s %d", prefix, i)
		req.Records = append(req.Records, scalefield.BronzeRecord{TenantID: tenantID, ReceivedAt: time.Now().UTC(),
			Kind: "syslog", Source: source, Payload: []byte(msg)})
		req.Bytes += int64(len(msg))
	}
	return req
}

// countingStore counts the transactions and requests committed.
type countingStore struct {
	ingest.CommitStore
	batches, requests atomic.Int64
}

func (c *countingStore) CommitIngest(ctx context.Context, reqs []*store.IngestRequest) error {
	err := c.CommitStore.CommitIngest(ctx, reqs)
	if err == nil {
		c.batches.Add(1)
		c.requests.Add(int64(len(reqs)))
	}
	return err
}

func TestCommitterGroupsConcurrentRequests(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	counting := &countingStore{}
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.Writers = 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore {
			counting.CommitStore = s
			return &gatedStore{CommitStore: counting, gate: gate}
		}
	})
	const senders = 20
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() { b.MustPost(t, "/services/collector/event", secret, fmt.Sprintf(`{"event":"e%d"}`, i)) })
	}
	waitFor(t, "every request queued", func() bool { return b.committer.Depth() == senders })
	close(gate)
	wg.Wait()
	if n := bronzeCount(t, b); n != senders {
		t.Errorf("bronze rows = %d, want %d", n, senders)
	}
	// The first commit held the writer; the other 19 requests share at most
	// one more transaction.
	if got := counting.batches.Load(); got > 2 {
		t.Errorf("%d transactions for %d concurrent requests, want at most 2", got, senders)
	}
}

func TestCommitterStopCommitsEverythingQueued(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.direct = true })
	gate := make(chan struct{})
	c := ingest.NewCommitter(ingest.DefaultCommitterConfig(), &gatedStore{CommitStore: b.events, gate: gate}, discard)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := c.TryEnqueue(syslogRequest(b.tenant.ID, "fw", 10, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	stopped := make(chan struct{})
	go func() { c.Stop(); close(stopped) }()
	late := 0 // accepted while Stop was on its way
	waitFor(t, "stop refusing work", func() bool {
		err := c.TryEnqueue(syslogRequest(b.tenant.ID, "fw", 1, "late"))
		if err == nil {
			late++
		}
		return errors.Is(err, ingest.ErrStopped)
	})
	close(gate)
	<-stopped
	if n := bronzeCount(t, b); n != 500+late {
		t.Errorf("bronze rows after Stop = %d, want %d", n, 500+late)
	}
	var events, bytes int64
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT events_total, bytes_total FROM ingest_sources WHERE kind = 'syslog-tcp' AND name = 'fw'`).Scan(&events, &bytes); err != nil {
		t.Fatal(err)
	}
	if events != int64(500+late) || bytes < 500*40 {
		t.Errorf("source registry: %d events %d bytes, want 500 events", events, bytes)
	}
}

func TestCommitterIsolatesABadRequest(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.Writers = 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	// Hold the writer, queue good and bad requests behind it, then let go:
	// they share one batch, which fails on the request of a tenant that does
	// not exist.
	if err := b.committer.TryEnqueue(syslogRequest(b.tenant.ID, "first", 1, "first")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first request", func() bool { return b.committer.Depth() == 1 })
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i, tenant := range []string{b.tenant.ID, "99999999-9999-4999-8999-999999999999", b.tenant.ID} {
		wg.Go(func() {
			errs[i] = b.committer.Commit(context.Background(), syslogRequest(tenant, "src", 2, fmt.Sprint(i)))
		})
	}
	waitFor(t, "every request queued", func() bool { return b.committer.Depth() == 7 })
	close(gate)
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Errorf("commit errors %v, want only the unknown tenant's request to fail", errs)
	}
	waitFor(t, "the good rows", func() bool { return bronzeCount(t, b) == 5 })
}

func TestCommitterEnqueueWaitsForRoom(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.QueueEvents, c.Writers = 10, 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	if err := b.committer.Enqueue(context.Background(), syslogRequest(b.tenant.ID, "fw", 10, "a")); err != nil {
		t.Fatal(err)
	}
	if err := b.committer.TryEnqueue(syslogRequest(b.tenant.ID, "fw", 1, "b")); !errors.Is(err, ingest.ErrBusy) {
		t.Errorf("TryEnqueue on a full queue = %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.committer.Enqueue(ctx, syslogRequest(b.tenant.ID, "fw", 1, "c")); !errors.Is(err, context.Canceled) {
		t.Errorf("Enqueue with an ended context on a full queue = %v, want context.Canceled", err)
	}
	done := make(chan error)
	go func() { done <- b.committer.Enqueue(context.Background(), syslogRequest(b.tenant.ID, "fw", 5, "d")) }()
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "15 rows", func() bool { return bronzeCount(t, b) == 15 })
}

func TestCommitterConfigValidate(t *testing.T) {
	t.Parallel()
	if err := ingest.DefaultCommitterConfig().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	cfg := ingest.DefaultCommitterConfig()
	cfg.QueueEvents, cfg.Writers, cfg.MaxBatchEvents, cfg.CommitTimeout, cfg.Attempts = 0, 0, 0, 0, 0
	cfg.ChannelRetention = cfg.RequestRetention
	err := cfg.Validate()
	for _, want := range []string{"ingest queue", "writers", "ingest batch", "commit timeout", "attempts", "channel retention"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want an error about %s", err, want)
		}
	}
}
