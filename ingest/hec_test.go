package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

const (
	secret     = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	ackSecret  = "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	channelA   = "11111111-2222-3333-4444-555555555555"
	channelB   = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	otherToken = "00000000-0000-0000-0000-000000000000"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

type bundle struct {
	db        *store.DB
	events    *store.EventService
	tokens    *store.HECTokenService
	hec       *ingest.HEC
	committer *ingest.Committer
	mux       *http.ServeMux
	tenant    *scalefield.Tenant
	// clock is what HEC and the store see as now.
	clock *clock
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type options struct {
	hec       func(*ingest.HECConfig)
	committer func(*ingest.CommitterConfig)
	// store wraps the store the committer commits to.
	store func(ingest.CommitStore) ingest.CommitStore
	// direct commits each request without a committer.
	direct bool
}

// setup returns an HEC receiver with a running committer on a fresh
// database, with tenant acme and two tokens: secret, and ackSecret with
// indexer acknowledgement required.
func setup(t *testing.T, opts ...func(*options)) *bundle {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	db := storetest.NewDB(t)
	clk := &clock{t: time.Now().UTC()}
	db.Now = clk.Now
	tn := &scalefield.Tenant{Slug: "acme", Name: "Acme"}
	if err := store.NewTenantService(db).CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	tokens := store.NewHECTokenService(db)
	for _, tok := range []struct{ name, secret string }{{"web", secret}, {"acked", ackSecret}} {
		if err := tokens.CreateHECToken(ctx, &scalefield.HECToken{TenantID: tn.ID, Name: tok.name, Source: "src-" + tok.name, Sourcetype: "default:st"}, tok.secret); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE hec_tokens SET ack_enabled = true WHERE name = 'acked'`); err != nil {
		t.Fatal(err)
	}
	events := store.NewEventService(db)
	hcfg := ingest.DefaultHECConfig()
	if o.hec != nil {
		o.hec(&hcfg)
	}
	if err := hcfg.Validate(); err != nil {
		t.Fatal(err)
	}
	b := &bundle{db: db, events: events, tokens: tokens, tenant: tn, clock: clk, mux: http.NewServeMux()}
	b.hec = &ingest.HEC{Config: hcfg, Tokens: tokens, Bronze: events, Log: discard, Now: clk.Now}
	if !o.direct {
		ccfg := ingest.DefaultCommitterConfig()
		ccfg.PruneInterval = 0
		if o.committer != nil {
			o.committer(&ccfg)
		}
		var st ingest.CommitStore = events
		if o.store != nil {
			st = o.store(events)
		}
		b.committer = ingest.NewCommitter(ccfg, st, discard)
		if err := b.committer.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.committer.Stop)
		b.hec.Committer = b.committer
	}
	b.hec.Register(b.mux, nil)
	return b
}

type reply struct {
	Text         string `json:"text"`
	Code         int    `json:"code"`
	InvalidEvent *int   `json:"invalid-event-number"`
	AckID        *int64 `json:"ackId"`
}

type request struct {
	method, path string
	headers      map[string]string
	body         []byte
}

// do sends a request through the HEC routes and decodes the HEC reply.
func (b *bundle) do(t *testing.T, r request) (*httptest.ResponseRecorder, reply) {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.path == "" {
		r.path = "/services/collector/event"
	}
	req := httptest.NewRequest(r.method, r.path, bytes.NewReader(r.body))
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	b.mux.ServeHTTP(rec, req)
	var rep reply
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatalf("%s %s: reply %d %q is not HEC JSON: %v", r.method, r.path, rec.Code, rec.Body.String(), err)
	}
	return rec, rep
}

// MustPost sends body to path with the token and headers (name, value
// pairs) and wants 200 Success; it returns the ack id, -1 for none.
func (b *bundle) MustPost(t *testing.T, path, token, body string, headers ...string) int64 {
	t.Helper()
	h := map[string]string{"Authorization": "Splunk " + token}
	for i := 0; i+1 < len(headers); i += 2 {
		h[headers[i]] = headers[i+1]
	}
	rec, rep := b.do(t, request{path: path, headers: h, body: []byte(body)})
	if rec.Code != http.StatusOK || rep.Code != 0 || rep.Text != "Success" {
		t.Fatalf("POST %s: got %d %s, want 200 Success", path, rec.Code, rec.Body.String())
	}
	if rep.AckID == nil {
		return -1
	}
	return *rep.AckID
}

// bronzeRows lists Bronze in the order the records arrived. IDs alone do
// not give it: the committer's writers commit batches side by side, so a
// connection's later batch may take its IDs first.
func bronzeRows(t *testing.T, b *bundle) []string {
	t.Helper()
	rows, err := b.db.Pool.Query(context.Background(), `
		SELECT kind || '|' || host || '|' || source || '|' || sourcetype || '|' || channel || '|' || convert_from(payload, 'UTF8')
		FROM bronze_events ORDER BY received_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	return got
}

func bronzeCount(t *testing.T, b *bundle) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM bronze_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func gz(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return buf.Bytes()
}

func TestHECStoresEventsOnEveryEventEndpoint(t *testing.T) {
	t.Parallel()
	for _, direct := range []bool{false, true} {
		name := "group commit"
		if direct {
			name = "direct commit"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *options) { o.direct = direct })
			body := `{"event":"one","host":"h1"} {"event":{"message":"two"},"sourcetype":"custom","time":1700000000.5}` + "\n" + `{"event":"three","fields":{"k":"v"},"index":"main"}`
			for _, path := range []string{"/services/collector", "/services/collector/event", "/services/collector/event/1.0"} {
				b.MustPost(t, path, secret, body)
			}
			got := bronzeRows(t, b)
			want := []string{
				`hec|h1|src-web|default:st||{"event":"one","host":"h1"}`,
				`hec||src-web|custom||{"event":{"message":"two"},"sourcetype":"custom","time":1700000000.5}`,
				`hec||src-web|default:st||{"event":"three","fields":{"k":"v"},"index":"main"}`,
			}
			if len(got) != 9 {
				t.Fatalf("bronze rows = %d, want 9:\n%s", len(got), strings.Join(got, "\n"))
			}
			for i, g := range got {
				if g != want[i%3] {
					t.Errorf("row %d = %s, want %s", i, g, want[i%3])
				}
			}
		})
	}
}

func TestHECRawStoresOneRecordPerLine(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustPost(t, "/services/collector/raw?host=fw-01&sourcetype=cisco:asa", secret, "first line\r\n\n  \nsecond line\nthird, no newline")
	b.MustPost(t, "/services/collector/raw/1.0?source=custom", secret, "only line\n")
	got := strings.Join(bronzeRows(t, b), "\n")
	want := strings.Join([]string{
		"hec-raw|fw-01|src-web|cisco:asa||first line",
		"hec-raw|fw-01|src-web|cisco:asa||second line",
		"hec-raw|fw-01|src-web|cisco:asa||third, no newline",
		"hec-raw||custom|default:st||only line",
	}, "\n")
	if got != want {
		t.Errorf("bronze rows:\n%s\nwant:\n%s", got, want)
	}
}

func TestHECAuthenticationMethods(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.hec = func(c *ingest.HECConfig) { c.AllowQueryToken = true } })
	for name, r := range map[string]request{
		"Splunk header":     {headers: map[string]string{"Authorization": "Splunk " + secret}},
		"basic auth":        {headers: map[string]string{"Authorization": "Basic " + basic("x", secret)}},
		"query-string":      {path: "/services/collector/event?token=" + secret},
		"gzip":              {headers: map[string]string{"Authorization": "Splunk " + secret, "Content-Encoding": "gzip"}, body: gz(`{"event":"compressed"}`)},
		"lower-case scheme": {headers: map[string]string{"Authorization": "splunk " + secret}},
	} {
		if r.body == nil {
			r.body = []byte(`{"event":"x"}`)
		}
		if rec, rep := b.do(t, r); rec.Code != 200 || rep.Code != 0 {
			t.Errorf("%s: got %d %+v, want 200 Success", name, rec.Code, rep)
		}
	}
	if n := bronzeCount(t, b); n != 5 {
		t.Errorf("bronze rows = %d, want 5", n)
	}
}

func basic(user, password string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, password)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

func TestHECRefusesWithSplunkCodesAndStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.hec = func(c *ingest.HECConfig) { c.MaxBodyBytes = 2048 } })
	revoked := "2f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	if err := b.tokens.CreateHECToken(context.Background(), &scalefield.HECToken{TenantID: b.tenant.ID, Name: "old"}, revoked); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE hec_tokens SET revoked_at = now() WHERE name = 'old'`); err != nil {
		t.Fatal(err)
	}
	n := func(i int) *int { return &i }
	auth := map[string]string{"Authorization": "Splunk " + secret}
	with := func(kv ...string) map[string]string {
		h := map[string]string{"Authorization": "Splunk " + secret}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}
	tests := []struct {
		name    string
		req     request
		status  int
		code    int
		text    string
		invalid *int
	}{
		{"missing token", request{body: []byte(`{"event":"x"}`)}, 401, 2, "Token is required", nil},
		{"wrong scheme", request{headers: map[string]string{"Authorization": "Bearer " + secret}, body: []byte(`{"event":"x"}`)}, 401, 3, "Invalid authorization", nil},
		{"basic without password", request{headers: map[string]string{"Authorization": "Basic " + basic(secret, "")}, body: []byte(`{"event":"x"}`)}, 401, 3, "Invalid authorization", nil},
		{"unknown token", request{headers: map[string]string{"Authorization": "Splunk " + otherToken}, body: []byte(`{"event":"x"}`)}, 403, 4, "Invalid token", nil},
		{"revoked token", request{headers: map[string]string{"Authorization": "Splunk " + revoked}, body: []byte(`{"event":"x"}`)}, 403, 1, "Token disabled", nil},
		{"query-string token when off", request{path: "/services/collector/event?token=" + secret, body: []byte(`{"event":"x"}`)}, 400, 16, "Query string authorization is not enabled", nil},
		{"no data", request{headers: auth, body: []byte("  \n")}, 400, 5, "No data", nil},
		{"raw: only blank lines", request{path: "/services/collector/raw", headers: auth, body: []byte("\n \r\n")}, 400, 5, "No data", nil},
		{"malformed second event", request{headers: auth, body: []byte(`{"event":"ok"}{"event": oops}`)}, 400, 6, "Invalid data format", n(1)},
		{"not an object", request{headers: auth, body: []byte(`{"event":"ok"}["event"]`)}, 400, 6, "Invalid data format", n(1)},
		{"null event envelope", request{headers: auth, body: []byte(`null`)}, 400, 6, "Invalid data format", n(0)},
		{"bad time", request{headers: auth, body: []byte(`{"event":"ok","time":"noon"}`)}, 400, 6, "Invalid data format", n(0)},
		{"host not a string", request{headers: auth, body: []byte(`{"event":"ok","host":5}`)}, 400, 6, "Invalid data format", n(0)},
		{"bad gzip", request{headers: with("Content-Encoding", "gzip"), body: []byte(`{"event":"x"}`)}, 400, 6, "Invalid data format", nil},
		{"index not a string", request{headers: auth, body: []byte(`{"event":"x","index":["a"]}`)}, 400, 7, "Incorrect index", n(0)},
		{"channel missing for an acked token", request{headers: map[string]string{"Authorization": "Splunk " + ackSecret}, body: []byte(`{"event":"x"}`)}, 400, 10, "Data channel is missing", nil},
		{"invalid channel", request{headers: with(ingest.HeaderChannel, "not-a-guid"), body: []byte(`{"event":"x"}`)}, 400, 11, "Invalid data channel", nil},
		{"invalid channel in the query", request{path: "/services/collector/raw?channel=1234", headers: auth, body: []byte("x")}, 400, 11, "Invalid data channel", nil},
		{"event missing", request{headers: auth, body: []byte(`{"event":"ok"}{"host":"h"}`)}, 400, 12, "Event field is required", n(1)},
		{"event null", request{headers: auth, body: []byte(`{"event":null}`)}, 400, 12, "Event field is required", n(0)},
		{"keys are case-sensitive", request{headers: auth, body: []byte(`{"event":"ok"}{"Event":"x"}`)}, 400, 12, "Event field is required", n(1)},
		{"host must be a string", request{headers: auth, body: []byte(`{"event":"ok","host":7}`)}, 400, 6, "Invalid data format", n(0)},
		{"event blank", request{headers: auth, body: []byte(`{"event":""}`)}, 400, 13, "Event field cannot be blank", n(0)},
		{"event empty object", request{headers: auth, body: []byte(`{"event":{}}`)}, 400, 13, "Event field cannot be blank", n(0)},
		{"fields not an object", request{headers: auth, body: []byte(`{"event":"x","fields":[1]}`)}, 400, 15, "Error in handling indexed fields", n(0)},
		{"ack without channel", request{path: "/services/collector/ack", headers: auth, body: []byte(`{"acks":[0]}`)}, 400, 10, "Data channel is missing", nil},
		{"ack with a bad channel", request{path: "/services/collector/ack", headers: with(ingest.HeaderChannel, "x"), body: []byte(`{"acks":[0]}`)}, 400, 11, "Invalid data channel", nil},
		{"ack with a bad body", request{path: "/services/collector/ack", headers: with(ingest.HeaderChannel, channelA), body: []byte(`{"acks":"0"}`)}, 400, 6, "Invalid data format", nil},
		{"ack without a token", request{path: "/services/collector/ack", body: []byte(`{"acks":[0]}`)}, 401, 2, "Token is required", nil},
		{"body too large", request{headers: auth, body: []byte(`{"event":"` + strings.Repeat("x", 4096) + `"}`)}, 413, 6, "Content too large (maximum is 2048 bytes)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, got := b.do(t, tt.req)
			if rec.Code != tt.status || got.Code != tt.code || got.Text != tt.text || !sameInt(got.InvalidEvent, tt.invalid) || got.AckID != nil {
				t.Errorf("got %d %s, want %d code %d %q invalid-event %v", rec.Code, rec.Body.String(), tt.status, tt.code, tt.text, deref(tt.invalid))
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	if n := bronzeCount(t, b); n != 0 {
		t.Errorf("bronze rows after refused requests = %d, want 0", n)
	}
}

func TestHECAckDisabled(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.hec = func(c *ingest.HECConfig) { c.Acks = false } })
	// Without acks a channel is neither required nor answered.
	if id := b.MustPost(t, "/services/collector/event", ackSecret, `{"event":"x"}`); id != -1 {
		t.Errorf("ackId %d with acks disabled", id)
	}
	if id := b.MustPost(t, "/services/collector/event", secret, `{"event":"x"}`, ingest.HeaderChannel, channelA); id != -1 {
		t.Errorf("ackId %d with acks disabled", id)
	}
	rec, rep := b.do(t, request{path: "/services/collector/ack", headers: map[string]string{"Authorization": "Splunk " + secret, ingest.HeaderChannel: channelA}, body: []byte(`{"acks":[0]}`)})
	if rec.Code != 400 || rep.Code != 14 || rep.Text != "ACK is disabled" {
		t.Errorf("ack: got %d %s, want 400 code 14", rec.Code, rec.Body.String())
	}
}

func TestHECHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/services/collector/health", "/services/collector/health/1.0"} {
		rec, rep := b.do(t, request{method: http.MethodGet, path: path})
		if rec.Code != 200 || rep.Code != 17 || rep.Text != "HEC is healthy" {
			t.Errorf("%s: got %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

func TestHECConfigValidate(t *testing.T) {
	t.Parallel()
	if err := ingest.DefaultHECConfig().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	bad := ingest.HECConfig{MaxBodyBytes: 10, MaxEvents: 0, WriteTimeout: 0, DedupWindow: -1, RetryAfter: -1}
	err := bad.Validate()
	for _, want := range []string{"max body bytes", "max events", "write timeout", "dedup window", "retry-after"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want an error about %s", err, want)
		}
	}
}

func sameInt(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
