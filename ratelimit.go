package scalefield

import (
	"context"
	"time"
)

// Limit is a rate: at most Events per Window, with up to Burst at once.
type Limit struct {
	Events int
	Window time.Duration
	Burst  int
}

// RateLimiter counts events per key across every replica.
type RateLimiter interface {
	// Allow records one event of cost n for key (e.g. "login:ip:203.0.113.7")
	// and returns nil when it is within limit, or an ERATELIMIT error whose
	// message says when to retry.
	Allow(ctx context.Context, key string, limit Limit, n int) error
}
