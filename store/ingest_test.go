package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

func ingestRequest(tenantID, kind, source string, n int, payload string) *store.IngestRequest {
	r := &store.IngestRequest{TenantID: tenantID, Kind: kind, Source: source, Bytes: int64(n * len(payload))}
	for range n {
		r.Records = append(r.Records, scalefield.BronzeRecord{TenantID: tenantID, ReceivedAt: time.Now().UTC(), Kind: kind,
			Source: source, Payload: []byte(payload)})
	}
	return r
}

func key(s string) []byte { k := sha256.Sum256([]byte(s)); return k[:] }

func count(t *testing.T, b *bundle, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommitIngest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const ch = "11111111-2222-3333-4444-555555555555"

	a1 := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 2, `{"event":"a"}`)
	a1.AckChannel, a1.DedupKey = ch, key("r1")
	a2 := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 1, `{"event":"b"}`)
	a2.AckChannel = ch
	a1again := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 2, `{"event":"a"}`)
	a1again.AckChannel, a1again.DedupKey = ch, key("r1")
	bReq := ingestRequest(b.tenantB.ID, store.IngestKindSyslogTCP, "fw", 3, "<13>x\x00")
	bReq.Records[0].Host = "bad\x00host\xff" // not valid text: cleaned, not refused
	if err := b.events.CommitIngest(ctx, []*store.IngestRequest{a1, a2, a1again, bReq}); err != nil {
		t.Fatal(err)
	}
	if a1.AckID != 0 || a2.AckID != 1 || a1again.AckID != 0 || !a1again.Duplicate || a1.Duplicate || bReq.AckID != -1 {
		t.Errorf("acks a1 %d a2 %d a1again %d (duplicate %v) b %d; want 0 1 0 (true) -1", a1.AckID, a2.AckID, a1again.AckID, a1again.Duplicate, bReq.AckID)
	}
	if n := count(t, b, `SELECT count(*) FROM bronze_events`); n != 6 {
		t.Errorf("bronze rows = %d, want 6", n)
	}
	if n := count(t, b, `SELECT count(*) FROM refine_queue`); n != 6 {
		t.Errorf("refine queue = %d, want 6", n)
	}

	t.Run("a retry in a later batch is a duplicate with the original ack id", func(t *testing.T) {
		again := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 2, `{"event":"a"}`)
		again.AckChannel, again.DedupKey, again.DedupAfter = ch, key("r1"), time.Now().Add(-time.Minute)
		next := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 1, `{"event":"c"}`)
		next.AckChannel = ch
		if err := b.events.CommitIngest(ctx, []*store.IngestRequest{again, next}); err != nil {
			t.Fatal(err)
		}
		if !again.Duplicate || again.AckID != 0 || next.AckID < 2 {
			t.Errorf("retry: duplicate %v ack %d; next ack %d", again.Duplicate, again.AckID, next.AckID)
		}
		if n := count(t, b, `SELECT count(*) FROM bronze_events`); n != 7 {
			t.Errorf("bronze rows = %d, want 7", n)
		}
	})
	t.Run("a key older than the window is stored again", func(t *testing.T) {
		late := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 2, `{"event":"a"}`)
		late.AckChannel, late.DedupKey, late.DedupAfter = ch, key("r1"), time.Now().Add(time.Minute)
		if err := b.events.CommitIngest(ctx, []*store.IngestRequest{late}); err != nil {
			t.Fatal(err)
		}
		if late.Duplicate || late.AckID < 3 {
			t.Errorf("late retry: duplicate %v ack %d, want a new request", late.Duplicate, late.AckID)
		}
		// The old request's ack stays answerable.
		acks, err := b.events.IngestAcks(ctx, b.tenantA.ID, ch, []int64{0, late.AckID})
		if err != nil || !acks[0] || !acks[late.AckID] {
			t.Errorf("acks = %v (%v), want both true", acks, err)
		}
	})
	t.Run("the same key in another tenant is another request", func(t *testing.T) {
		other := ingestRequest(b.tenantB.ID, store.IngestKindHEC, "web", 1, `{"event":"a"}`)
		other.AckChannel, other.DedupKey = ch, key("r1")
		if err := b.events.CommitIngest(ctx, []*store.IngestRequest{other}); err != nil {
			t.Fatal(err)
		}
		if other.Duplicate || other.AckID != 0 {
			t.Errorf("tenant B: duplicate %v ack %d, want its own ack 0", other.Duplicate, other.AckID)
		}
	})
	t.Run("a malformed request is refused", func(t *testing.T) {
		bad := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 1, "x")
		bad.Records[0].TenantID = b.tenantB.ID
		if err := b.events.CommitIngest(ctx, []*store.IngestRequest{bad}); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("mixed tenants: %v, want EINVALID", err)
		}
	})
}

func TestIngestSourcesAndStats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	now := time.Now().UTC()
	b.db.Now = func() time.Time { return now }
	for range 3 {
		reqs := []*store.IngestRequest{
			ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 10, "0123456789"),
			ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 5, "0123456789"),
			ingestRequest(b.tenantA.ID, store.IngestKindSyslogUDP, "routers", 1, "0123456789"),
			ingestRequest(b.tenantB.ID, store.IngestKindHEC, "web", 7, "0123456789"),
		}
		if err := b.events.CommitIngest(ctx, reqs); err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Minute)
	}
	sources, err := b.events.ListIngestSources(sessionCtx(b.tenantA.ID))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sources {
		got = append(got, fmt.Sprintf("%s/%s %d events %d bytes %s", s.Kind, s.Name, s.EventsTotal, s.BytesTotal, s.LastSeen.Sub(s.FirstSeen)))
	}
	want := []string{"hec/web 45 events 450 bytes 20m0s", "syslog-udp/routers 3 events 30 bytes 20m0s"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tenant A sources = %v, want %v", got, want)
	}
	if _, err := b.events.ListIngestSources(ctx); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("without a session: %v, want EUNAUTHORIZED", err)
	}

	start := now.Add(-30 * time.Minute).Truncate(time.Minute)
	st, err := b.events.IngestStats(sessionCtx(b.tenantA.ID), start, start.Add(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != 32 || st.Bytes != 320 || st.Step != time.Minute || len(st.Series) != 2 || len(st.Sources) != 2 ||
		st.Sources[0].Name != "web" || st.Sources[0].Events != 30 || !st.Series[0].Time.Equal(start) {
		t.Errorf("stats = %+v", st)
	}
	st, err = b.events.IngestStats(sessionCtx(b.tenantB.ID), start.Add(-24*time.Hour), start.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != 21 || st.Step != 2*time.Minute || len(st.Series) != 3 {
		t.Errorf("tenant B stats over two days = %+v", st)
	}
	if _, err := b.events.IngestStats(sessionCtx(b.tenantA.ID), start, start); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("empty range: %v, want EINVALID", err)
	}

	t.Run("the new tables admit one tenant's rows to the application role", func(t *testing.T) {
		for _, table := range []string{"ingest_sources", "ingest_source_minutes", "ingest_requests", "ingest_channels"} {
			tx, err := b.db.App.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var none int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&none); err != nil {
				t.Fatal(err)
			}
			_ = tx.Rollback(ctx)
			if none != 0 {
				t.Errorf("%s: %d rows visible without a tenant", table, none)
			}
		}
	})

	t.Run("prune removes what is older than the cut-offs", func(t *testing.T) {
		req := ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 1, "x")
		req.AckChannel = "11111111-2222-3333-4444-555555555555"
		if err := b.events.CommitIngest(ctx, []*store.IngestRequest{req}); err != nil {
			t.Fatal(err)
		}
		res, err := b.events.PruneIngest(ctx, now.Add(time.Second), now.Add(-time.Hour), start.Add(15*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests != 1 || res.Channels != 0 || res.Minutes != 6 {
			t.Errorf("pruned %+v, want 1 request, 0 channels, 6 minutes", res)
		}
	})
}

func TestIngestTokensAndTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tokens := store.NewHECTokenService(b.db)
	tok := &scalefield.HECToken{TenantID: b.tenantA.ID, Name: "edr", Source: "edr", Sourcetype: "crowdstrike"}
	secret := store.NewHECSecret()
	if err := tokens.CreateHECToken(ctx, tok, secret); err != nil {
		t.Fatal(err)
	}
	got, err := tokens.AuthenticateIngestToken(ctx, secret)
	if err != nil || got.AckEnabled || got.Name != "edr" || got.TenantID != b.tenantA.ID {
		t.Fatalf("AuthenticateIngestToken = %+v, %v", got, err)
	}
	admin := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "u", TenantID: b.tenantA.ID, Role: scalefield.RoleTenantAdmin})
	if err := tokens.SetHECTokenAck(admin, tok.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	if got, err = tokens.AuthenticateIngestToken(ctx, secret); err != nil || !got.AckEnabled {
		t.Errorf("after SetHECTokenAck: %+v, %v", got, err)
	}
	otherAdmin := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "u", TenantID: b.tenantB.ID, Role: scalefield.RoleTenantAdmin})
	if err := tokens.SetHECTokenAck(otherAdmin, tok.ID, false, nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("another tenant's token: %v, want ENOTFOUND", err)
	}
	if _, err := b.db.Pool.Exec(ctx, `UPDATE hec_tokens SET revoked_at = now() WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateIngestToken(ctx, secret); scalefield.ErrorCode(err) != scalefield.EFORBIDDEN {
		t.Errorf("revoked: %v, want EFORBIDDEN", err)
	}
	if _, err := tokens.AuthenticateHECToken(ctx, secret); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("AuthenticateHECToken of a revoked token: %v, want ENOTFOUND", err)
	}

	for _, tt := range []struct{ slug, id, want string }{
		{"acme", "", b.tenantA.ID}, {"", b.tenantB.ID, b.tenantB.ID}, {"nope", "", ""}, {"", "not-a-uuid", ""},
	} {
		tn, err := b.tenants.ResolveIngestTenant(ctx, tt.slug, tt.id)
		switch {
		case tt.want == "" && scalefield.ErrorCode(err) != scalefield.ENOTFOUND:
			t.Errorf("ResolveIngestTenant(%q, %q) = %v, want ENOTFOUND", tt.slug, tt.id, err)
		case tt.want != "" && (err != nil || tn.ID != tt.want):
			t.Errorf("ResolveIngestTenant(%q, %q) = %v, %v", tt.slug, tt.id, tn, err)
		}
	}
}

func TestIngestSourceOutcomes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	reqs := []*store.IngestRequest{
		ingestRequest(b.tenantA.ID, store.IngestKindHEC, "web", 4, `{"event": "fine"}`),
		ingestRequest(b.tenantA.ID, store.IngestKindSyslogUDP, "routers", 3, "not an HEC envelope"),
	}
	if err := b.events.CommitIngest(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(time.Minute)
	b.db.Now = func() time.Time { return now }
	list := func() map[string]string {
		t.Helper()
		sources, err := b.events.ListIngestSources(sessionCtx(b.tenantA.ID))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, s := range sources {
			out[s.Kind+"/"+s.Name] = fmt.Sprintf("quarantined %d pending %d lag>=1m %v", s.Quarantined, s.Pending, s.Lag >= time.Minute)
		}
		return out
	}
	got := list()
	if got["hec/web"] != "quarantined 0 pending 4 lag>=1m true" || got["syslog-udp/routers"] != "quarantined 0 pending 3 lag>=1m true" {
		t.Errorf("before refinement: %v", got)
	}
	res, err := b.refine.RefineBatch(ctx, 100, hecProcessor())
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Sources[store.SourceKey{Kind: store.IngestKindSyslogUDP, Name: "routers"}]; o == nil || o.Quarantined != 3 || o.Refined != 0 {
		t.Errorf("batch outcome for routers: %+v", o)
	}
	if o := res.Sources[store.SourceKey{Kind: store.IngestKindHEC, Name: "web"}]; o == nil || o.Refined != 4 || o.MaxLag < time.Minute {
		t.Errorf("batch outcome for web: %+v", o)
	}
	got = list()
	if got["hec/web"] != "quarantined 0 pending 0 lag>=1m false" || got["syslog-udp/routers"] != "quarantined 3 pending 0 lag>=1m false" {
		t.Errorf("after refinement: %v", got)
	}
}
