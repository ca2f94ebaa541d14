package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
)

// MustAck queries the ack endpoint for ids on channel with token.
func (b *bundle) MustAck(t *testing.T, token, channel string, ids ...int64) map[string]bool {
	t.Helper()
	body, _ := json.Marshal(map[string][]int64{"acks": ids})
	req := request{path: "/services/collector/ack", body: body,
		headers: map[string]string{"Authorization": "Splunk " + token, ingest.HeaderChannel: channel}}
	rec, _ := b.do(t, req)
	var got struct{ Acks map[string]bool }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil || got.Acks == nil {
		t.Fatalf("ack: got %d %s", rec.Code, rec.Body.String())
	}
	return got.Acks
}

func TestHECAcks(t *testing.T) {
	t.Parallel()
	for _, direct := range []bool{false, true} {
		t.Run(fmt.Sprintf("direct=%v", direct), func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *options) { o.direct = direct })
			var ids []int64
			for i := range 3 {
				ids = append(ids, b.MustPost(t, "/services/collector/event", ackSecret, fmt.Sprintf(`{"event":"e%d"}`, i), ingest.HeaderChannel, channelA))
			}
			rawID := b.MustPost(t, "/services/collector/raw?channel="+channelA, ackSecret, "raw line")
			otherID := b.MustPost(t, "/services/collector/event", secret, `{"event":"b"}`, ingest.HeaderChannel, channelB)
			if fmt.Sprint(ids, rawID, otherID) != "[0 1 2] 3 0" {
				t.Errorf("ack ids %v, raw %d, other channel %d; want [0 1 2] 3 0", ids, rawID, otherID)
			}

			t.Run("committed ids are true, unknown ones false", func(t *testing.T) {
				got := b.MustAck(t, ackSecret, channelA, 0, 1, 2, 3, 4, 99)
				want := map[string]bool{"0": true, "1": true, "2": true, "3": true, "4": false, "99": false}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("acks = %v, want %v", got, want)
				}
			})
			t.Run("another channel's ids are false", func(t *testing.T) {
				got := b.MustAck(t, secret, channelB, 0, 1)
				if fmt.Sprint(got) != "map[0:true 1:false]" {
					t.Errorf("acks = %v, want only 0 true", got)
				}
				got = b.MustAck(t, ackSecret, "99999999-2222-3333-4444-555555555555", 0)
				if got["0"] {
					t.Errorf("an unused channel acknowledged id 0")
				}
			})
			t.Run("another tenant's channel is its own", func(t *testing.T) {
				other := &scalefield.Tenant{Slug: "globex", Name: "Globex"}
				if err := store.NewTenantService(b.db).CreateTenant(context.Background(), other); err != nil {
					t.Fatal(err)
				}
				globexSecret := "3f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
				if err := b.tokens.CreateHECToken(context.Background(), &scalefield.HECToken{TenantID: other.ID, Name: "g"}, globexSecret); err != nil {
					t.Fatal(err)
				}
				if got := b.MustAck(t, globexSecret, channelA, 0, 1); got["0"] || got["1"] {
					t.Errorf("tenant globex sees acme's acks on the same channel: %v", got)
				}
				if id := b.MustPost(t, "/services/collector/event", globexSecret, `{"event":"g"}`, ingest.HeaderChannel, channelA); id != 0 {
					t.Errorf("globex's first ack id on the channel = %d, want 0", id)
				}
			})
		})
	}
}

func TestHECIdempotentRetries(t *testing.T) {
	t.Parallel()
	t.Run("same channel and request id is stored once and answered with the original ack id", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := b.MustPost(t, "/services/collector/event", secret, `{"event":"a"}{"event":"b"}`, ingest.HeaderChannel, channelA, ingest.HeaderRequestID, "r-1")
		b.MustPost(t, "/services/collector/event", secret, `{"event":"other"}`, ingest.HeaderChannel, channelA)
		again := b.MustPost(t, "/services/collector/event", secret, `{"event":"a"}{"event":"b"}`, ingest.HeaderChannel, channelA, ingest.HeaderRequestID, "r-1")
		if first != 0 || again != 0 {
			t.Errorf("ack ids %d then %d, want 0 both times", first, again)
		}
		if n := bronzeCount(t, b); n != 3 {
			t.Errorf("bronze rows = %d, want 3", n)
		}
		// Same request id on another channel is another request.
		if id := b.MustPost(t, "/services/collector/event", secret, `{"event":"a"}`, ingest.HeaderChannel, channelB, ingest.HeaderRequestID, "r-1"); id != 0 {
			t.Errorf("ack id on channel B = %d, want 0", id)
		}
		if n := bronzeCount(t, b); n != 4 {
			t.Errorf("bronze rows = %d, want 4", n)
		}
	})
	t.Run("same content on the same channel is stored once within the window", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		body := `{"event":"heartbeat"}`
		first := b.MustPost(t, "/services/collector/event", secret, body, ingest.HeaderChannel, channelA)
		if again := b.MustPost(t, "/services/collector/event", secret, body, ingest.HeaderChannel, channelA); again != first {
			t.Errorf("resent content got ack id %d, want the original %d", again, first)
		}
		// Without a channel, identical content is new content.
		b.MustPost(t, "/services/collector/event", secret, body)
		b.MustPost(t, "/services/collector/event", secret, body)
		if n := bronzeCount(t, b); n != 3 {
			t.Errorf("bronze rows = %d, want 3", n)
		}
		// After the window the same content is stored again, with a new ack id.
		b.clock.Add(11 * time.Minute)
		if later := b.MustPost(t, "/services/collector/event", secret, body, ingest.HeaderChannel, channelA); later == first {
			t.Errorf("content resent after the window got the original ack id %d", later)
		}
		if n := bronzeCount(t, b); n != 4 {
			t.Errorf("bronze rows = %d, want 4", n)
		}
		// ... and that new commit is deduplicated in turn.
		b.MustPost(t, "/services/collector/event", secret, body, ingest.HeaderChannel, channelA)
		if n := bronzeCount(t, b); n != 4 {
			t.Errorf("bronze rows = %d, want 4", n)
		}
	})
	for _, direct := range []bool{false, true} {
		t.Run(fmt.Sprintf("concurrent retries store once (direct=%v)", direct), func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *options) { o.direct = direct })
			const senders = 8
			ids := make([]int64, senders)
			var wg sync.WaitGroup
			for i := range senders {
				wg.Go(func() {
					ids[i] = b.MustPost(t, "/services/collector/event", secret, `{"event":"once"}{"event":"twice"}`,
						ingest.HeaderChannel, channelA, ingest.HeaderRequestID, "same")
				})
			}
			wg.Wait()
			for _, id := range ids {
				if id != ids[0] {
					t.Errorf("ack ids %v, want one id for every retry", ids)
					break
				}
			}
			if n := bronzeCount(t, b); n != 2 {
				t.Errorf("bronze rows = %d, want 2", n)
			}
			if got := b.MustAck(t, secret, channelA, ids[0]); !got[strconv.FormatInt(ids[0], 10)] {
				t.Errorf("ack %d not committed", ids[0])
			}
		})
	}
}

// gatedStore blocks every commit until the gate is opened.
type gatedStore struct {
	ingest.CommitStore
	gate chan struct{}
}

func (g *gatedStore) CommitIngest(ctx context.Context, reqs []*store.IngestRequest) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.CommitStore.CommitIngest(ctx, reqs)
}

func TestHECBackpressure(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.QueueEvents, c.Writers = 2, 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	// Two one-event requests fill the queue while the writer is blocked.
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { b.MustPost(t, "/services/collector/event", secret, fmt.Sprintf(`{"event":"waiting %d"}`, i)) })
	}
	waitFor(t, "two queued events", func() bool { return b.committer.Depth() == 2 })

	rec, rep := b.do(t, request{headers: map[string]string{"Authorization": "Splunk " + secret}, body: []byte(`{"event":"refused"}`)})
	if rec.Code != http.StatusServiceUnavailable || rep.Code != 9 || rep.Text != "Server is busy" || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("full queue: got %d %s Retry-After %q, want 503 code 9 Retry-After 5", rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"))
	}
	rec, rep = b.do(t, request{method: http.MethodGet, path: "/services/collector/health"})
	if rec.Code != http.StatusServiceUnavailable || rep.Code != 18 {
		t.Errorf("health with a full queue: got %d %s, want 503 code 18", rec.Code, rec.Body.String())
	}

	close(gate)
	wg.Wait()
	if n := bronzeCount(t, b); n != 2 {
		t.Errorf("bronze rows = %d, want the 2 queued events", n)
	}
	b.MustPost(t, "/services/collector/event", secret, `{"event":"room again"}`)
}

func TestHECWriteTimeoutAnswersBusy(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.hec = func(c *ingest.HECConfig) { c.WriteTimeout = 50 * time.Millisecond }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	rec, rep := b.do(t, request{headers: map[string]string{"Authorization": "Splunk " + secret, ingest.HeaderChannel: channelA,
		ingest.HeaderRequestID: "slow"}, body: []byte(`{"event":"slow"}`)})
	if rec.Code != http.StatusServiceUnavailable || rep.Code != 9 {
		t.Errorf("got %d %s, want 503 code 9", rec.Code, rec.Body.String())
	}
	// The request still commits; its retry is recognised.
	close(gate)
	waitFor(t, "the slow request committed", func() bool { return bronzeCount(t, b) == 1 })
	if id := b.MustPost(t, "/services/collector/event", secret, `{"event":"slow"}`, ingest.HeaderChannel, channelA, ingest.HeaderRequestID, "slow"); id != 0 {
		t.Errorf("retry ack id = %d, want 0", id)
	}
	if n := bronzeCount(t, b); n != 1 {
		t.Errorf("bronze rows = %d, want 1", n)
	}
}

// waitFor polls cond until it holds, failing the test after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
