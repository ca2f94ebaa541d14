package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ now atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.now.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.UnixMicro(c.now.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.now.Add(d.Microseconds()) }

// limiterSetup returns a limiter on its own key prefix with a fake clock.
func limiterSetup(t *testing.T) (*store.RateLimiter, *fakeClock) {
	t.Helper()
	l := store.NewRateLimiter(storetest.NewRedis(t))
	var b [6]byte
	_, _ = rand.Read(b[:])
	l.Prefix = "scalefield:test:ratelimit:" + hex.EncodeToString(b[:]) + ":"
	clock := newFakeClock()
	l.Now = clock.Now
	return l, clock
}

func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	var rl *store.RateLimitedError
	if scalefield.ErrorCode(err) != scalefield.ERATELIMIT || !errors.As(err, &rl) {
		t.Fatalf("err = %v, want %s with a RateLimitedError", err, scalefield.ERATELIMIT)
	}
	if !strings.Contains(scalefield.ErrorMessage(err), "retry in "+rl.RetryAfter.String()) {
		t.Fatalf("message = %q, want it to say when to retry", scalefield.ErrorMessage(err))
	}
	return rl.RetryAfter
}

func TestRateLimiterBurstThenRate(t *testing.T) {
	t.Parallel()
	l, clock := limiterSetup(t)
	ctx := context.Background()
	limit := scalefield.Limit{Events: 10, Window: time.Second, Burst: 5} // one per 100 ms

	for i := range 5 {
		if err := l.Allow(ctx, "k", limit, 1); err != nil {
			t.Fatalf("event %d of the burst: %v", i, err)
		}
	}
	if got := retryAfter(t, l.Allow(ctx, "k", limit, 1)); got != 100*time.Millisecond {
		t.Fatalf("retry after %s, want 100ms", got)
	}
	// A denied event costs nothing: after 100 ms exactly one more fits.
	clock.Advance(99 * time.Millisecond)
	if got := retryAfter(t, l.Allow(ctx, "k", limit, 1)); got != time.Millisecond {
		t.Fatalf("retry after %s, want 1ms", got)
	}
	clock.Advance(time.Millisecond)
	if err := l.Allow(ctx, "k", limit, 1); err != nil {
		t.Fatalf("after the interval: %v", err)
	}
	retryAfter(t, l.Allow(ctx, "k", limit, 1))

	// Other keys are independent.
	if err := l.Allow(ctx, "other", limit, 1); err != nil {
		t.Fatalf("another key: %v", err)
	}
	// After a quiet second the whole burst is back.
	clock.Advance(time.Second)
	for i := range 5 {
		if err := l.Allow(ctx, "k", limit, 1); err != nil {
			t.Fatalf("event %d of the second burst: %v", i, err)
		}
	}
}

func TestRateLimiterCost(t *testing.T) {
	t.Parallel()
	l, clock := limiterSetup(t)
	ctx := context.Background()
	limit := scalefield.Limit{Events: 100, Window: time.Second} // burst defaults to 100

	if err := l.Allow(ctx, "gql", limit, 60); err != nil {
		t.Fatal(err)
	}
	if got := retryAfter(t, l.Allow(ctx, "gql", limit, 50)); got != 100*time.Millisecond {
		t.Fatalf("retry after %s, want 100ms (10 more units at 10ms each)", got)
	}
	if err := l.Allow(ctx, "gql", limit, 40); err != nil {
		t.Fatalf("cost that fits: %v", err)
	}
	clock.Advance(100 * time.Millisecond)
	if err := l.Allow(ctx, "gql", limit, 10); err != nil {
		t.Fatalf("after 100ms: %v", err)
	}
	for name, tc := range map[string]struct {
		limit scalefield.Limit
		n     int
	}{
		"cost above burst": {limit, 101},
		"zero cost":        {limit, 0},
		"no events":        {scalefield.Limit{Window: time.Second}, 1},
		"no window":        {scalefield.Limit{Events: 1}, 1},
		"negative burst":   {scalefield.Limit{Events: 1, Window: time.Second, Burst: -1}, 1},
	} {
		if err := l.Allow(ctx, "gql", tc.limit, tc.n); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%s: err = %v, want %s", name, err, scalefield.EINVALID)
		}
	}
}

func TestRateLimiterKeysExpire(t *testing.T) {
	t.Parallel()
	rdb := storetest.NewRedis(t)
	l, _ := limiterSetup(t)
	limit := scalefield.Limit{Events: 6, Window: time.Minute, Burst: 3} // one per 10 s
	if err := l.Allow(context.Background(), "ttl", limit, 2); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(context.Background(), l.Prefix+"ttl").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 19*time.Second || ttl > 20*time.Second {
		t.Fatalf("TTL = %s, want 20s (two intervals)", ttl)
	}
}

func TestRateLimiterAcrossReplicas(t *testing.T) {
	t.Parallel()
	a, clock := limiterSetup(t)
	b := store.NewRateLimiter(storetest.NewRedis(t)) // another replica
	b.Prefix, b.Now = a.Prefix, clock.Now
	limit := scalefield.Limit{Events: 20, Window: time.Hour}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for i := range 100 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Allow(context.Background(), "shared", limit, 1); err == nil {
				allowed.Add(1)
			} else if scalefield.ErrorCode(err) != scalefield.ERATELIMIT {
				t.Errorf("allow: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != 20 {
		t.Fatalf("allowed %d events, want exactly 20", got)
	}
}

func TestRateLimiterRedisClock(t *testing.T) {
	t.Parallel()
	l, _ := limiterSetup(t)
	l.Now = nil // the Redis server's clock
	limit := scalefield.Limit{Events: 2, Window: time.Hour}
	for i := range 2 {
		if err := l.Allow(context.Background(), "server-time", limit, 1); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if got := retryAfter(t, l.Allow(context.Background(), "server-time", limit, 1)); got <= 29*time.Minute || got > 30*time.Minute {
		t.Fatalf("retry after %s, want about 30m", got)
	}
}
