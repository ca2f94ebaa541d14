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
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

const secret = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

type bundle struct {
	db     *store.DB
	hec    *ingest.HEC
	tenant *scalefield.Tenant
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := storetest.NewDB(t)
	tn := &scalefield.Tenant{Slug: "acme", Name: "Acme"}
	if err := store.NewTenantService(db).CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	tokens := store.NewHECTokenService(db)
	if err := tokens.CreateHECToken(context.Background(), &scalefield.HECToken{TenantID: tn.ID, Name: "t", Sourcetype: "default:st"}, secret); err != nil {
		t.Fatal(err)
	}
	hec := &ingest.HEC{Config: ingest.DefaultHECConfig(), Tokens: tokens, Bronze: store.NewEventService(db),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
	return &bundle{db: db, hec: hec, tenant: tn}
}

type reply struct {
	Text         string `json:"text"`
	Code         int    `json:"code"`
	InvalidEvent *int   `json:"invalid-event-number"`
}

func post(t *testing.T, b *bundle, auth string, body []byte, headers ...string) (int, reply) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/services/collector/event", bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	b.hec.ServeEvents(rec, req)
	var r reply
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("reply %q is not HEC JSON: %v", rec.Body.String(), err)
	}
	return rec.Code, r
}

func bronzeCount(t *testing.T, b *bundle) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM bronze_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHECAcceptsConcatenatedEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := []byte(`{"event":"one","host":"h1"} {"event":{"message":"two"},"sourcetype":"custom","time":1700000000.5}` + "\n" + `{"event":"three","fields":{"k":"v"}}`)
	status, r := post(t, b, "Splunk "+secret, body)
	if status != http.StatusOK || r.Code != 0 || r.Text != "Success" {
		t.Fatalf("got %d %+v, want 200 Success", status, r)
	}
	rows, err := b.db.Pool.Query(context.Background(), `SELECT tenant_id::text, host, sourcetype, convert_from(payload, 'UTF8') FROM bronze_events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var tenant, host, st, payload string
		if err := rows.Scan(&tenant, &host, &st, &payload); err != nil {
			t.Fatal(err)
		}
		if tenant != b.tenant.ID {
			t.Errorf("tenant = %s, want the token's %s", tenant, b.tenant.ID)
		}
		got = append(got, host+"|"+st+"|"+payload)
	}
	want := []string{
		`h1|default:st|{"event":"one","host":"h1"}`,
		`|custom|{"event":{"message":"two"},"sourcetype":"custom","time":1700000000.5}`,
		`|default:st|{"event":"three","fields":{"k":"v"}}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bronze rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHECAcceptsGzip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"event":"compressed"}`))
	_ = zw.Close()
	if status, r := post(t, b, "Splunk "+secret, buf.Bytes(), "Content-Encoding", "gzip"); status != 200 || r.Code != 0 {
		t.Fatalf("got %d %+v", status, r)
	}
	if n := bronzeCount(t, b); n != 1 {
		t.Errorf("bronze rows = %d, want 1", n)
	}
}

func TestHECRefusesWithSplunkCodesAndStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	one := func(n int) *int { return &n }
	tests := []struct {
		name       string
		auth, body string
		status     int
		want       reply
	}{
		{"missing token", "", `{"event":"x"}`, 401, reply{Text: "Token is required", Code: 2}},
		{"wrong scheme", "Bearer " + secret, `{"event":"x"}`, 401, reply{Text: "Invalid authorization", Code: 3}},
		{"wrong token", "Splunk 00000000-0000-0000-0000-000000000000", `{"event":"x"}`, 403, reply{Text: "Invalid token", Code: 4}},
		{"no data", "Splunk " + secret, "  \n", 400, reply{Text: "No data", Code: 5}},
		{"malformed second event", "Splunk " + secret, `{"event":"ok"}{"event": oops}`, 400, reply{Text: "Invalid data format", Code: 6, InvalidEvent: one(1)}},
		{"not an object", "Splunk " + secret, `{"event":"ok"}["event"]`, 400, reply{Text: "Invalid data format", Code: 6, InvalidEvent: one(1)}},
		{"bad time", "Splunk " + secret, `{"event":"ok","time":"noon"}`, 400, reply{Text: "Invalid data format", Code: 6, InvalidEvent: one(0)}},
		{"host not a string", "Splunk " + secret, `{"event":"ok","host":5}`, 400, reply{Text: "Invalid data format", Code: 6, InvalidEvent: one(0)}},
		{"event missing", "Splunk " + secret, `{"event":"ok"}{"host":"h"}`, 400, reply{Text: "Event field is required", Code: 12, InvalidEvent: one(1)}},
		{"event blank", "Splunk " + secret, `{"event":""}`, 400, reply{Text: "Event field cannot be blank", Code: 13, InvalidEvent: one(0)}},
		{"fields not an object", "Splunk " + secret, `{"event":"x","fields":[1]}`, 400, reply{Text: "Error in handling indexed fields", Code: 15, InvalidEvent: one(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := post(t, b, tt.auth, []byte(tt.body))
			if status != tt.status || got.Text != tt.want.Text || got.Code != tt.want.Code ||
				(got.InvalidEvent == nil) != (tt.want.InvalidEvent == nil) ||
				(got.InvalidEvent != nil && *got.InvalidEvent != *tt.want.InvalidEvent) {
				t.Errorf("got %d %+v (invalid-event %v), want %d %+v (invalid-event %v)",
					status, got, deref(got.InvalidEvent), tt.status, tt.want, deref(tt.want.InvalidEvent))
			}
		})
	}
	if n := bronzeCount(t, b); n != 0 {
		t.Errorf("bronze rows after refused requests = %d, want 0", n)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestHECHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := httptest.NewRecorder()
	b.hec.Health(rec, httptest.NewRequest(http.MethodGet, "/services/collector/health", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"code":17`) {
		t.Errorf("got %d %s", rec.Code, rec.Body.String())
	}
}
