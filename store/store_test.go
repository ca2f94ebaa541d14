package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

type bundle struct {
	db      *store.DB
	events  *store.EventService
	refine  *store.RefineStore
	tenants *store.TenantService
	tenantA *scalefield.Tenant
	tenantB *scalefield.Tenant
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := storetest.NewDB(t)
	b := &bundle{db: db, events: store.NewEventService(db), refine: store.NewRefineStore(db), tenants: store.NewTenantService(db)}
	b.tenantA = MustCreateTenant(t, b.tenants, "acme")
	b.tenantB = MustCreateTenant(t, b.tenants, "globex")
	return b
}

func MustCreateTenant(t *testing.T, s *store.TenantService, slug string) *scalefield.Tenant {
	t.Helper()
	tn := &scalefield.Tenant{Slug: slug, Name: slug}
	if err := s.CreateTenant(context.Background(), tn); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return tn
}

func sessionCtx(tenantID string) context.Context {
	return scalefield.NewContextWithSession(context.Background(), &scalefield.Session{UserID: "u", TenantID: tenantID, Role: scalefield.RoleAnalyst})
}

func MustAppend(t *testing.T, b *bundle, tenantID string, payloads ...string) []int64 {
	t.Helper()
	recs := make([]scalefield.BronzeRecord, len(payloads))
	for i, p := range payloads {
		recs[i] = scalefield.BronzeRecord{TenantID: tenantID, ReceivedAt: time.Now().UTC(), Kind: "hec", Host: "h1", Payload: []byte(p)}
	}
	ids, err := b.events.AppendBronze(context.Background(), recs)
	if err != nil {
		t.Fatalf("append bronze: %v", err)
	}
	return ids
}

func MustRefineAll(t *testing.T, b *bundle) {
	t.Helper()
	for {
		res, err := b.refine.RefineBatch(context.Background(), 100, hecProcessor())
		if err != nil {
			t.Fatalf("refine: %v", err)
		}
		if res.Claimed == 0 {
			return
		}
	}
}

func TestBronzeIsAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	MustAppend(t, b, b.tenantA.ID, `{"event":"x"}`)
	for _, stmt := range []string{`UPDATE bronze_events SET host = 'changed'`, `DELETE FROM bronze_events`} {
		_, err := b.db.Pool.Exec(context.Background(), stmt)
		if err == nil {
			t.Errorf("%s: succeeded, want refused", stmt)
		}
	}
}

func TestRefineQuarantinesBadRecordsAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	MustAppend(t, b, b.tenantA.ID,
		`{"event":{"message":"first"}}`,
		`{"event":{"message":"bad ip","src_ip":"not-an-ip"}}`,
		`{"event":{"message":"third"}}`)
	MustRefineAll(t, b)

	ctx := sessionCtx(b.tenantA.ID)
	page, err := b.events.FindEvents(ctx, scalefield.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := page.TotalCount, 2; got != want {
		t.Fatalf("silver events = %d, want %d", got, want)
	}
	bronze, err := b.events.FindBronzeEvents(ctx, scalefield.BronzeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[scalefield.BronzeStatus]int{}
	for _, e := range bronze.Events {
		statuses[e.Status]++
		if e.Status == scalefield.BronzeQuarantined && e.Error != `field "src_ip": "not-an-ip" is not an IP address` {
			t.Errorf("quarantine reason = %q", e.Error)
		}
	}
	if statuses[scalefield.BronzeRefined] != 2 || statuses[scalefield.BronzeQuarantined] != 1 {
		t.Errorf("bronze statuses = %v, want 2 refined and 1 quarantined", statuses)
	}
}

func TestConcurrentRefinersDoEachRecordOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 600
	payloads := make([]string, n)
	for i := range payloads {
		payloads[i] = fmt.Sprintf(`{"event":{"message":"event %d"}}`, i)
	}
	MustAppend(t, b, b.tenantA.ID, payloads...)

	var wg sync.WaitGroup
	var mu sync.Mutex
	refined := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				res, err := b.refine.RefineBatch(context.Background(), 25, hecProcessor())
				if err != nil {
					t.Errorf("refine: %v", err)
					return
				}
				if res.Claimed == 0 {
					return
				}
				mu.Lock()
				refined += len(res.Refined)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var silver int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT bronze_id) FROM silver_security_events`).Scan(&silver); err != nil {
		t.Fatal(err)
	}
	if refined != n || silver != n {
		t.Errorf("refined %d, distinct silver rows %d, want %d each", refined, silver, n)
	}
}

func TestFindEventsPagesAndFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var payloads []string
	for i := range 7 {
		sev := "low"
		if i%2 == 0 {
			sev = "high"
		}
		payloads = append(payloads, fmt.Sprintf(`{"time":%d,"event":{"message":"login %d","severity":"%s"}}`, 1700000000+i, i, sev))
	}
	MustAppend(t, b, b.tenantA.ID, payloads...)
	MustAppend(t, b, b.tenantB.ID, `{"time":1700000100,"event":{"message":"login of the other tenant","severity":"high"}}`)
	MustRefineAll(t, b)
	ctx := sessionCtx(b.tenantA.ID)

	t.Run("pages newest first without gaps or repeats", func(t *testing.T) {
		var got []string
		var after *string
		for {
			page, err := b.events.FindEvents(ctx, scalefield.EventFilter{First: 3, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 7 {
				t.Errorf("total = %d, want 7", page.TotalCount)
			}
			for _, e := range page.Events {
				got = append(got, e.Message)
			}
			if !page.HasNextPage {
				break
			}
			after = &page.Cursors[len(page.Cursors)-1]
		}
		want := []string{"login 6", "login 5", "login 4", "login 3", "login 2", "login 1", "login 0"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	t.Run("filters by severity and search and stays in the tenant", func(t *testing.T) {
		search := "LOGIN"
		page, err := b.events.FindEvents(ctx, scalefield.EventFilter{Severity: []scalefield.Severity{scalefield.SeverityHigh}, Search: &search})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 4 {
			t.Errorf("total = %d, want 4 (tenant A's high events only)", page.TotalCount)
		}
		for _, e := range page.Events {
			if e.TenantID != b.tenantA.ID {
				t.Errorf("event of tenant %s leaked into tenant A's query", e.TenantID)
			}
		}
	})

	t.Run("refuses bad input", func(t *testing.T) {
		bad := "garbage"
		for _, f := range []scalefield.EventFilter{{First: 501}, {First: -1}, {After: &bad}, {Severity: []scalefield.Severity{"severe"}}} {
			if _, err := b.events.FindEvents(ctx, f); scalefield.ErrorCode(err) != scalefield.EINVALID {
				t.Errorf("filter %+v: got %v, want EINVALID", f, err)
			}
		}
	})

	t.Run("requires a session", func(t *testing.T) {
		if _, err := b.events.FindEvents(context.Background(), scalefield.EventFilter{}); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
			t.Errorf("got %v, want EUNAUTHORIZED", err)
		}
	})
}

func TestEnsurePartitionsIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for range 2 {
		if err := b.db.EnsurePartitions(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	err := b.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_inherits WHERE inhparent = 'bronze_events'::regclass`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 { // five months and the default partition
		t.Errorf("bronze partitions = %d, want 6", n)
	}
}

// A partition created later keeps the per-column statistics targets of its
// parent: ANALYZE skips the Silver columns no query filters on.
func TestNewPartitionsKeepColumnStatisticsTargets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var created int
	if err := b.db.Pool.QueryRow(ctx, `SELECT scalefield_ensure_monthly_partitions('silver_security_events', '2031-01-15Z', 1)`).Scan(&created); err != nil || created != 1 {
		t.Fatalf("create partition = %d, %v", created, err)
	}
	rows, err := b.db.Pool.Query(ctx, `SELECT attname::text, attstattarget FROM pg_attribute
		WHERE attrelid = 'silver_security_events_203101'::regclass AND attname IN ('enrichment', 'message', 'severity')`)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]int{}
	for rows.Next() {
		var name string
		var target int
		if err := rows.Scan(&name, &target); err != nil {
			t.Fatal(err)
		}
		targets[name] = target
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if targets["enrichment"] != 0 || targets["message"] != 0 || targets["severity"] != -1 {
		t.Errorf("statistics targets of the new partition = %v, want enrichment 0, message 0, severity -1 (default)", targets)
	}
}

func TestRefineQuarantinesWhatPostgreSQLRefusesAndKeepsTheBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	MustAppend(t, b, b.tenantA.ID, `{"event":"fine"}`, `{"event":"refused by the database"}`, `{"event":"also fine"}`)
	// A normalizer that lets through a value PostgreSQL cannot store.
	normalize := func(be *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error) {
		e, err := pipeline.NormalizeHEC(be)
		if err == nil && e.Message == "refused by the database" {
			e.Message = "nul\x00byte"
		}
		return e, err
	}
	res, err := b.refine.RefineBatch(context.Background(), 10, &pipeline.Processor{Config: pipeline.DefaultProcessConfig(), Normalize: normalize})
	if err != nil {
		t.Fatalf("refine: %v", err)
	}
	if len(res.Refined) != 2 || res.Quarantined != 1 {
		t.Fatalf("refined %d, quarantined %d; want 2 and 1", len(res.Refined), res.Quarantined)
	}
	var reason string
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT reason FROM quarantine`).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reason, "storing the Silver event: ") {
		t.Errorf("reason = %q", reason)
	}
}

func TestQuarantineListAndReprocess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	MustAppend(t, b, b.tenantA.ID, `{"event":{"message":"bad","src_ip":"999.1.1.1"}}`, `{"event":"good"}`)
	MustAppend(t, b, b.tenantB.ID, `{"event":{"message":"other tenant","src_ip":"nope"}}`)
	MustRefineAll(t, b)
	ctx := sessionCtx(b.tenantA.ID)

	page, err := b.events.ListQuarantine(ctx, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 1 || len(page.Records) != 1 {
		t.Fatalf("tenant A quarantine: %d records (total %d), want 1", len(page.Records), page.TotalCount)
	}
	q := page.Records[0]
	if !strings.Contains(q.Reason, "is not an IP address") || !strings.Contains(string(q.Bronze.Payload), `"bad"`) {
		t.Errorf("record = %+v", q)
	}

	n, err := b.events.ReprocessQuarantine(ctx, nil, nil)
	if err != nil || n != 1 {
		t.Fatalf("reprocess: %d, %v; want 1", n, err)
	}
	health, err := b.events.TenantPipelineHealth(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || health.Backlog != 1 || health.Quarantined != 0 {
		t.Fatalf("after reprocess: %+v, %v; want backlog 1, nothing quarantined", health, err)
	}
	// Still failing: it comes back with its reason; tenant B's stays put.
	MustRefineAll(t, b)
	page, err = b.events.ListQuarantine(ctx, 10, nil)
	if err != nil || page.TotalCount != 1 || page.Records[0].BronzeID != q.BronzeID {
		t.Fatalf("after refining again: %+v, %v", page, err)
	}
	other, err := b.events.ListQuarantine(sessionCtx(b.tenantB.ID), 10, nil)
	if err != nil || other.TotalCount != 1 {
		t.Fatalf("tenant B quarantine: %+v, %v", other, err)
	}
	if _, err := b.events.ReprocessQuarantine(ctx, []string{"x"}, nil); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("malformed id: %v, want EINVALID", err)
	}
}

// hecProcessor refines HEC records the way the refine stage does, without
// enrichment.
func hecProcessor() *pipeline.Processor {
	return &pipeline.Processor{Config: pipeline.DefaultProcessConfig(), Normalize: pipeline.NormalizeHEC}
}
