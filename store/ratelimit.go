package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time check that RateLimiter implements the domain interface.
var _ scalefield.RateLimiter = (*RateLimiter)(nil)

// RateLimiter limits events per key across every replica with the generic
// cell rate algorithm (GCRA), in Redis. Each key holds one number, its
// theoretical arrival time (TAT): when the key would be empty again if
// events kept arriving at the limit's rate. An event of cost n is allowed
// when moving the TAT n intervals ahead keeps it within Burst intervals of
// now. One Lua script reads, decides and writes, so replicas never race,
// and every key expires when its TAT passes.
type RateLimiter struct {
	rdb *redis.Client
	// Prefix starts every key, e.g. "scalefield:ratelimit:".
	Prefix string
	// Now is the clock; nil uses the Redis server's clock, which every
	// replica shares. Tests set it.
	Now scalefield.Clock
}

// NewRateLimiter returns a RateLimiter on rdb using the Redis clock.
func NewRateLimiter(rdb *redis.Client) *RateLimiter {
	return &RateLimiter{rdb: rdb, Prefix: "scalefield:ratelimit:"}
}

// RateLimitedError is the cause of an ERATELIMIT error from Allow: it says
// when to retry, for a Retry-After header. Find it with errors.As.
type RateLimitedError struct {
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *RateLimitedError) Error() string {
	return "rate limited; retry after " + e.RetryAfter.String()
}

// gcraScript applies one event. Times are integer microseconds.
//
//	KEYS[1] the key
//	ARGV[1] emission interval: Window / Events
//	ARGV[2] burst tolerance: Burst * interval
//	ARGV[3] cost n
//	ARGV[4] now, or "" for the server's clock
//
// It returns {1, 0} when allowed, {0, wait} when not.
var gcraScript = redis.NewScript(`
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now
if ARGV[4] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[4])
end
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - tolerance
if allow_at > now then
  return {0, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, 0}
`)

// Allow records an event of cost n for key under limit, and returns nil
// when it is within the limit. ERATELIMIT (caused by a *RateLimitedError)
// when it is not, saying when to retry; EINVALID for a bad limit, a cost
// below 1, or a cost above the burst, which could never be allowed.
// Denied events cost nothing.
func (l *RateLimiter) Allow(ctx context.Context, key string, limit scalefield.Limit, n int) error {
	if limit.Events <= 0 || limit.Window <= 0 || limit.Burst < 0 {
		return scalefield.Errorf(scalefield.EINVALID, "invalid rate limit %d per %s, burst %d", limit.Events, limit.Window, limit.Burst)
	}
	if n < 1 {
		return scalefield.Errorf(scalefield.EINVALID, "rate limit cost must be at least 1, got %d", n)
	}
	burst := limit.Burst
	if burst == 0 {
		burst = limit.Events
	}
	if n > burst {
		return scalefield.Errorf(scalefield.EINVALID, "request cost %d exceeds the limit of %d", n, burst)
	}
	interval := limit.Window.Microseconds() / int64(limit.Events)
	if interval < 1 {
		return scalefield.Errorf(scalefield.EINVALID, "rate limit %d per %s is finer than a microsecond", limit.Events, limit.Window)
	}
	now := ""
	if l.Now != nil {
		now = fmt.Sprint(l.Now().UnixMicro())
	}
	res, err := gcraScript.Run(ctx, l.rdb, []string{l.Prefix + key},
		interval, interval*int64(burst), n, now).Int64Slice()
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if len(res) != 2 {
		return fmt.Errorf("rate limit %s: unexpected reply %v", key, res)
	}
	if res[0] == 1 {
		return nil
	}
	wait := time.Duration(res[1]) * time.Microsecond
	// Round up, so that retrying after the stated time succeeds.
	if r := wait.Truncate(time.Millisecond); r < wait {
		wait = r + time.Millisecond
	}
	return &scalefield.Error{
		Code:    scalefield.ERATELIMIT,
		Message: fmt.Sprintf("too many requests; retry in %s", wait),
		Err:     &RateLimitedError{RetryAfter: wait},
	}
}
