package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
)

var _ scalefield.GoldService = (*GoldCache)(nil)

// GoldCache serves Gold reads from Redis. Every cached answer is keyed by
// the tenant's Gold version, which the refine stage bumps after each batch
// that changed the tenant's Silver or Gold (Invalidate): a changed tenant's
// next read misses and recomputes, on every replica, with no stale window.
// The TTL only bounds memory.
type GoldCache struct {
	scalefield.GoldService
	Redis *redis.Client
	TTL   time.Duration
	Log   *slog.Logger
}

// NewGoldCache caches next's reads in rdb for ten minutes.
func NewGoldCache(next scalefield.GoldService, rdb *redis.Client, log *slog.Logger) *GoldCache {
	return &GoldCache{GoldService: next, Redis: rdb, TTL: 10 * time.Minute, Log: log}
}

func goldVersionKey(tenantID string) string { return "scalefield:gold:version:" + tenantID }

// Invalidate bumps the Gold version of each tenant.
func (c *GoldCache) Invalidate(ctx context.Context, tenantIDs []string) {
	pipe := c.Redis.Pipeline()
	for _, t := range tenantIDs {
		pipe.Incr(ctx, goldVersionKey(t))
	}
	if _, err := pipe.Exec(ctx); err != nil && c.Log != nil {
		c.Log.Warn("invalidate gold cache", "error", err)
	}
}

// cached answers from Redis when it holds the result for the tenant's
// current version, else computes it and stores it. Redis being down only
// costs the cache.
func cached[T any](ctx context.Context, c *GoldCache, name string, args any, compute func() (T, error)) (T, error) {
	tenantID := scalefield.TenantIDFromContext(ctx)
	if tenantID == "" {
		return compute()
	}
	version, err := c.Redis.Get(ctx, goldVersionKey(tenantID)).Result()
	if err == redis.Nil {
		version, err = "0", nil
	}
	if err != nil {
		return compute()
	}
	raw, _ := json.Marshal(args)
	sum := sha256.Sum256(raw)
	key := fmt.Sprintf("scalefield:gold:%s:%s:%s:%s", tenantID, version, name, hex.EncodeToString(sum[:12]))
	if b, err := c.Redis.Get(ctx, key).Bytes(); err == nil {
		var v T
		if json.Unmarshal(b, &v) == nil {
			goldCacheHits.Inc()
			return v, nil
		}
	}
	goldCacheMisses.Inc()
	v, err := compute()
	if err != nil {
		return v, err
	}
	if b, err := json.Marshal(v); err == nil {
		if err := c.Redis.Set(ctx, key, b, c.TTL).Err(); err != nil && c.Log != nil {
			c.Log.Debug("gold cache set", "error", err)
		}
	}
	return v, nil
}

// Timeseries implements scalefield.GoldService with the cache.
func (c *GoldCache) Timeseries(ctx context.Context, q scalefield.TimeseriesQuery) ([]scalefield.TimeseriesPoint, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return cached(ctx, c, "timeseries", q, func() ([]scalefield.TimeseriesPoint, error) {
		return c.GoldService.Timeseries(ctx, q)
	})
}

// Summary implements scalefield.GoldService with the cache.
func (c *GoldCache) Summary(ctx context.Context, from, to time.Time) (*scalefield.MetricsSummary, error) {
	if !from.Before(to) {
		return nil, scalefield.Errorf(scalefield.EINVALID, "from must be before to")
	}
	return cached(ctx, c, "summary", [2]time.Time{from, to}, func() (*scalefield.MetricsSummary, error) {
		return c.GoldService.Summary(ctx, from, to)
	})
}

var (
	goldCacheHits = promauto.NewCounter(prometheus.CounterOpts{
		Name: "scalefield_gold_cache_hits_total", Help: "Gold reads answered from the Redis cache.",
	})
	goldCacheMisses = promauto.NewCounter(prometheus.CounterOpts{
		Name: "scalefield_gold_cache_misses_total", Help: "Gold reads computed from PostgreSQL.",
	})
)
