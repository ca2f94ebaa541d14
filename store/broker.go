package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
)

var _ scalefield.EventBroker = (*Broker)(nil)

const eventChannelPrefix = "scalefield:events:"

// subscriberBuffer is how many events a slow subscriber may fall behind
// before events to it are dropped (and counted).
const subscriberBuffer = 256

var droppedEvents = promauto.NewCounter(prometheus.CounterOpts{
	Name: "scalefield_broker_dropped_events_total",
	Help: "Live events not delivered to a subscriber that fell behind.",
})

// Broker fans refined events out to GraphQL subscribers on every replica
// through Redis pub/sub. Each process holds one Redis subscription and
// delivers to its local subscribers.
type Broker struct {
	rdb *redis.Client
	log *slog.Logger

	mu   sync.Mutex
	subs map[string]map[chan *scalefield.SecurityEvent]struct{}

	ps   *redis.PubSub
	done chan struct{}
}

// NewBroker returns a Broker on rdb. Call Start before use.
func NewBroker(rdb *redis.Client, log *slog.Logger) *Broker {
	return &Broker{rdb: rdb, log: log.With("component", "broker"), subs: map[string]map[chan *scalefield.SecurityEvent]struct{}{}}
}

// Start subscribes to Redis and returns once the subscription is active.
func (b *Broker) Start(ctx context.Context) error {
	b.ps = b.rdb.PSubscribe(ctx, eventChannelPrefix+"*")
	if _, err := b.ps.Receive(ctx); err != nil {
		_ = b.ps.Close()
		return fmt.Errorf("broker: subscribe: %w", err)
	}
	b.done = make(chan struct{})
	go b.run()
	return nil
}

// Close ends the Redis subscription and closes every subscriber channel.
func (b *Broker) Close() error {
	if b.ps == nil {
		return nil
	}
	err := b.ps.Close()
	<-b.done
	return err
}

func (b *Broker) run() {
	defer close(b.done)
	for msg := range b.ps.Channel() {
		tenantID := strings.TrimPrefix(msg.Channel, eventChannelPrefix)
		var e scalefield.SecurityEvent
		if err := json.Unmarshal([]byte(msg.Payload), &e); err != nil {
			b.log.Warn("undecodable event on broker channel", "channel", msg.Channel, "error", err)
			continue
		}
		if e.TenantID != tenantID {
			continue // never deliver across tenants, whatever was published
		}
		b.mu.Lock()
		for ch := range b.subs[tenantID] {
			ev := e
			select {
			case ch <- &ev:
			default:
				droppedEvents.Inc()
			}
		}
		b.mu.Unlock()
	}
}

// PublishEvents announces events on each event's tenant channel.
func (b *Broker) PublishEvents(ctx context.Context, events []*scalefield.SecurityEvent) error {
	_, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			p.Publish(ctx, eventChannelPrefix+e.TenantID, data)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish events: %w", err)
	}
	return nil
}

// Subscribers returns how many live subscriptions this process holds for
// the tenant.
func (b *Broker) Subscribers(tenantID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[tenantID])
}

// SubscribeEvents returns the tenant's new events until ctx ends.
func (b *Broker) SubscribeEvents(ctx context.Context, tenantID string) (<-chan *scalefield.SecurityEvent, error) {
	if tenantID == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	ch := make(chan *scalefield.SecurityEvent, subscriberBuffer)
	b.mu.Lock()
	if b.subs[tenantID] == nil {
		b.subs[tenantID] = map[chan *scalefield.SecurityEvent]struct{}{}
	}
	b.subs[tenantID][ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs[tenantID], ch)
		if len(b.subs[tenantID]) == 0 {
			delete(b.subs, tenantID)
		}
		b.mu.Unlock()
		close(ch)
	}()
	return ch, nil
}
