package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

type gatherBundle struct {
	db     *store.DB
	g      *store.GatherService
	a, b   *scalefield.Tenant
	ctxA   context.Context
	ctxB   context.Context
	now    time.Time
	signed int
}

func gatherSetup(t *testing.T) *gatherBundle {
	t.Helper()
	db := storetest.NewDB(t)
	b := &gatherBundle{db: db, g: store.NewGatherService(db), now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return b.now }
	tenants := store.NewTenantService(db)
	b.a, b.b = MustCreateTenant(t, tenants, "acme"), MustCreateTenant(t, tenants, "globex")
	b.ctxA, b.ctxB = idCtx("u-a", b.a.ID), idCtx("u-b", b.b.ID)
	return b
}

func (b *gatherBundle) sign(nodeID, tenantID string) (scalefield.IssuedCert, error) {
	b.signed++
	return scalefield.IssuedCert{Serial: fmt.Sprintf("%x", b.signed), Fingerprint: make([]byte, 32), NotAfter: b.now.AddDate(1, 0, 0)}, nil
}

func (b *gatherBundle) MustEnroll(t *testing.T, ctx context.Context) *scalefield.GatherNode {
	t.Helper()
	_, secret, err := b.g.CreateGatherEnrollmentToken(ctx, "db-0", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.g.EnrollGatherNode(context.Background(), scalefield.GatherEnrollment{Token: secret, Hostname: "db-0", Version: "1.0", Sign: b.sign})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGatherCAIsCreatedOnce(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	ctx := context.Background()
	if _, _, err := b.g.LoadGatherCA(ctx); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Fatalf("empty: %v", err)
	}
	var wg sync.WaitGroup
	certs := make([]string, 4)
	for i := range certs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := b.g.CreateGatherCA(ctx, []byte(fmt.Sprintf("cert-%d", i)), []byte{byte(i)}, b.now)
			if err != nil {
				t.Error(err)
			}
			certs[i] = string(c)
		}()
	}
	wg.Wait()
	for _, c := range certs {
		if c != certs[0] {
			t.Fatalf("replicas got different CAs: %q", certs)
		}
	}
	var n int
	err := b.db.App.QueryRow(ctx, `SELECT count(*) FROM gather_ca`).Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the application role reads the CA table: %v", err)
	}
}

func TestGatherEnrollment(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	ctx := context.Background()
	audit := scalefield.NewAuditEntry(b.ctxA, scalefield.AuditGatherTokenCreated, "203.0.113.9")
	tok, secret, err := b.g.CreateGatherEnrollmentToken(b.ctxA, "db-0 orders", 2*time.Hour, audit)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "sfg_") || len(secret) < 40 || !tok.ExpiresAt.Equal(b.now.Add(2*time.Hour)) || tok.CreatedBy != "user:u-a" {
		t.Fatalf("token = %+v, secret %q", tok, secret)
	}
	var stored int
	if err := b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM gather_enrollment_tokens WHERE token_hash::text LIKE '%' || $1 || '%'`, secret).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("secret stored in clear: %d %v", stored, err)
	}
	for _, bad := range []struct {
		name string
		ttl  time.Duration
	}{{"", time.Hour}, {"x", 31 * 24 * time.Hour}, {"x", -time.Hour}} {
		if _, _, err := b.g.CreateGatherEnrollmentToken(b.ctxA, bad.name, bad.ttl, nil); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("token %q %s: %v", bad.name, bad.ttl, err)
		}
	}

	n, err := b.g.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: secret, Hostname: "db-0.prod", Version: "0.9.0", IP: "198.51.100.7", Sign: b.sign})
	if err != nil {
		t.Fatal(err)
	}
	if n.TenantID != b.a.ID || n.Name != "db-0 orders" || n.Hostname != "db-0.prod" || n.CertSerial != "1" {
		t.Errorf("node = %+v", n)
	}
	if _, err := b.g.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: secret, Sign: b.sign}); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
		t.Errorf("reused token: %v", err)
	}
	if _, err := b.g.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: "sfg_unknown", Sign: b.sign}); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("unknown token: %v", err)
	}
	_, expiring, _ := b.g.CreateGatherEnrollmentToken(b.ctxA, "late", time.Hour, nil)
	b.now = b.now.Add(time.Hour)
	if _, err := b.g.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: expiring, Sign: b.sign}); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("expired token: %v", err)
	}
	if _, err := b.g.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: expiring, Sign: func(string, string) (scalefield.IssuedCert, error) {
		t.Error("signed for an expired token")
		return scalefield.IssuedCert{}, nil
	}}); err == nil {
		t.Error("expired token enrolled")
	}

	var actions []string
	rows, _ := b.db.Pool.Query(ctx, `SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY id`, b.a.ID)
	actions, _ = pgx.CollectRows(rows, pgx.RowTo[string])
	if strings.Join(actions, ",") != scalefield.AuditGatherTokenCreated+","+scalefield.AuditGatherNodeEnrolled {
		t.Errorf("audit = %v", actions)
	}

	found, err := b.g.FindGatherNodeForCert(ctx, b.a.ID, n.ID)
	if err != nil || found.ID != n.ID {
		t.Fatalf("find = %+v, %v", found, err)
	}
	for _, ids := range [][2]string{{b.b.ID, n.ID}, {b.a.ID, "not-a-uuid"}} {
		if _, err := b.g.FindGatherNodeForCert(ctx, ids[0], ids[1]); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("find %v: %v", ids, err)
		}
	}
	if _, err := b.g.RevokeGatherNode(b.ctxB, n.ID, nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B revokes: %v", err)
	}
	revoked, err := b.g.RevokeGatherNode(b.ctxA, n.ID, scalefield.NewAuditEntry(b.ctxA, scalefield.AuditGatherNodeRevoked, ""))
	if err != nil || revoked.RevokedAt == nil {
		t.Fatalf("revoke = %+v, %v", revoked, err)
	}
	if refs, _ := b.g.ListActiveGatherNodes(ctx); len(refs) != 0 {
		t.Errorf("revoked node still scanned: %v", refs)
	}
}

func TestGatherHeartbeatAndNodeList(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	ctx := context.Background()
	n1 := b.MustEnroll(t, b.ctxA)
	b.now = b.now.Add(time.Second)
	n2 := b.MustEnroll(t, b.ctxA)
	hb := scalefield.GatherHeartbeat{Version: "1.1", Hostname: "db-0.prod", OS: "linux/amd64", IPs: []string{"10.0.0.4"},
		Location: &scalefield.GatherLocation{Lat: 50.1, Lon: 8.7, Label: "FRA"}, Inventory: json.RawMessage(`{"spool":{"files":2}}`),
		Databases: []scalefield.GatherDatabase{{Engine: "PostgreSQL", Version: "15.8", Name: "orders", Host: "127.0.0.1", Port: 5432},
			{Engine: "postgresql", Version: "15.8", Name: "orders", Host: "127.0.0.1", Port: 5432}}}
	if err := b.g.RecordGatherHeartbeat(ctx, b.a.ID, n1.ID, hb); err != nil {
		t.Fatal(err)
	}
	if err := b.g.RecordGatherHeartbeat(ctx, b.b.ID, n1.ID, hb); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("heartbeat under another tenant: %v", err)
	}
	nodes, cursors, hasNext, total, err := b.g.ListGatherNodes(b.ctxA, 1, nil)
	if err != nil || len(nodes) != 1 || !hasNext || total != 2 {
		t.Fatalf("page 1: %d nodes, next %v, total %d, %v", len(nodes), hasNext, total, err)
	}
	got := nodes[0]
	if got.ID != n1.ID || got.Version != "1.1" || got.Location == nil || got.Location.Label != "FRA" || len(got.Databases) != 1 ||
		got.Databases[0].Engine != "postgresql" || got.LastHeartbeatAt == nil || string(got.Inventory) != `{"spool": {"files": 2}}` {
		t.Errorf("node = %+v", got)
	}
	page2, _, hasNext, _, err := b.g.ListGatherNodes(b.ctxA, 1, &cursors[0])
	if err != nil || len(page2) != 1 || page2[0].ID != n2.ID || hasNext {
		t.Errorf("page 2 = %v, %v", page2, err)
	}
	if nodes, _, _, total, _ := b.g.ListGatherNodes(b.ctxB, 10, nil); len(nodes) != 0 || total != 0 {
		t.Errorf("tenant B sees %d nodes", total)
	}
	bad := "nonsense"
	if _, _, _, _, err := b.g.ListGatherNodes(b.ctxA, 10, &bad); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
	// A database not reported for a week is pruned.
	b.now = b.now.Add(8 * 24 * time.Hour)
	hb.Databases = nil
	if err := b.g.RecordGatherHeartbeat(ctx, b.a.ID, n1.ID, hb); err != nil {
		t.Fatal(err)
	}
	if nodes, _, _, _, _ := b.g.ListGatherNodes(b.ctxA, 1, nil); len(nodes[0].Databases) != 0 {
		t.Errorf("databases = %v, want pruned", nodes[0].Databases)
	}
}

func activities(n int, host string) []scalefield.DBActivity {
	out := make([]scalefield.DBActivity, n)
	for i := range out {
		out[i] = scalefield.DBActivity{Time: time.Date(2026, 11, 22, 8, 0, i, 1000, time.UTC), Engine: "postgresql", Host: host,
			Database: "orders", User: "app", ClientAddr: "10.0.0.9", ClientPort: 50000 + i, ActionClass: scalefield.DBActionRead,
			Action: "SELECT", Statement: fmt.Sprintf("SELECT %d", i), Status: "success", Source: "pgaudit", Position: fmt.Sprint(i)}
	}
	return out
}

func TestGatherImportQueue(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	ctx := context.Background()
	n := b.MustEnroll(t, b.ctxA)
	prefix := scalefield.GatherKeyPrefix(b.a.ID, n.ID)
	m := &scalefield.GatherManifest{File: "f1.parquet", SHA256: "ab", Rows: 3, Bytes: 100, Source: "pgaudit", Engine: "postgresql",
		MinTime: b.now.Add(-time.Hour), MaxTime: b.now}
	notice := []scalefield.GatherFileNotice{{ManifestKey: prefix + "f1.parquet.manifest.json", Manifest: m}}
	if q, err := b.g.EnqueueGatherFiles(ctx, b.a.ID, n.ID, "notice", notice); err != nil || q != 1 {
		t.Fatalf("enqueue = %d, %v", q, err)
	}
	scan := []scalefield.GatherFileNotice{{ManifestKey: prefix + "f1.parquet.manifest.json"}, {ManifestKey: prefix + "f2.parquet.manifest.json"}}
	if q, err := b.g.EnqueueGatherFiles(ctx, b.a.ID, n.ID, "scan", scan); err != nil || q != 1 {
		t.Fatalf("scan enqueue = %d, %v (want only the unknown file)", q, err)
	}
	for _, key := range []string{b.b.ID + "/" + n.ID + "/x.parquet.manifest.json", prefix + "x.parquet", prefix + "../x.manifest.json"} {
		if _, err := b.g.EnqueueGatherFiles(ctx, b.a.ID, n.ID, "notice", []scalefield.GatherFileNotice{{ManifestKey: key}}); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("key %q: %v", key, err)
		}
	}
	wrongFile := &scalefield.GatherManifest{File: "other.parquet"}
	if _, err := b.g.EnqueueGatherFiles(ctx, b.a.ID, n.ID, "notice", []scalefield.GatherFileNotice{{ManifestKey: prefix + "f3.parquet.manifest.json", Manifest: wrongFile}}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("manifest of another file: %v", err)
	}

	f1, ok, err := b.g.ClaimGatherFile(ctx, time.Minute)
	if err != nil || !ok || f1.ManifestKey != notice[0].ManifestKey || f1.Attempts != 1 || f1.Manifest == nil || f1.Manifest.Rows != 3 {
		t.Fatalf("claim 1 = %+v, %v, %v", f1, ok, err)
	}
	f2, ok, err := b.g.ClaimGatherFile(ctx, time.Minute)
	if err != nil || !ok || f2.Manifest != nil {
		t.Fatalf("claim 2 = %+v, %v, %v", f2, ok, err)
	}
	if _, ok, _ := b.g.ClaimGatherFile(ctx, time.Minute); ok {
		t.Fatal("a third claim with two files")
	}

	// f1 imports; f2 fails once, then is quarantined.
	rows := activities(3, "db-0")
	err = b.g.ImportGatherFile(ctx, f1, *m, func(ctx context.Context, tx pgx.Tx) (int64, error) {
		return 3, store.CopyGatherBronze(ctx, tx, b.a.ID, rows, b.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.g.ImportGatherFile(ctx, f1, *m, nil); err != store.ErrGatherClaimLost {
		t.Errorf("import of a done file: %v", err)
	}
	if err := b.g.FinishGatherFile(ctx, f2, scalefield.GatherFileQueued, "store unavailable", b.now.Add(time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.g.ClaimGatherFile(ctx, time.Minute); ok {
		t.Error("claimed before its retry time")
	}
	b.now = b.now.Add(time.Minute)
	f2, ok, _ = b.g.ClaimGatherFile(ctx, time.Minute)
	if !ok || f2.Attempts != 2 {
		t.Fatalf("retry claim = %+v", f2)
	}
	if err := b.g.FinishGatherFile(ctx, f2, scalefield.GatherFileQuarantined, "checksum_mismatch: sha256 differs", time.Time{}, nil); err != nil {
		t.Fatal(err)
	}

	var bronze, queued int
	var payload []byte
	_ = b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM bronze_events WHERE tenant_id = $1 AND kind = 'gather' AND sourcetype = 'db:postgresql' AND host = 'db-0' AND source = 'pgaudit'`, b.a.ID).Scan(&bronze)
	_ = b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM refine_queue WHERE tenant_id = $1`, b.a.ID).Scan(&queued)
	_ = b.db.Pool.QueryRow(ctx, `SELECT payload FROM bronze_events WHERE tenant_id = $1 ORDER BY id LIMIT 1`, b.a.ID).Scan(&payload)
	want, _ := json.Marshal(rows[0])
	if bronze != 3 || queued != 3 || string(payload) != string(want) {
		t.Errorf("bronze %d, queued %d, payload %s", bronze, queued, payload)
	}

	page, err := b.g.ListGatherFiles(b.ctxA, scalefield.GatherFileFilter{})
	if err != nil || page.TotalCount != 2 || page.Files[0].Status != scalefield.GatherFileQuarantined || page.Files[1].Status != scalefield.GatherFileDone ||
		page.Files[1].ImportedRows != 3 || page.Files[0].Error != "checksum_mismatch: sha256 differs" {
		t.Fatalf("list = %+v, %v", page, err)
	}
	done := scalefield.GatherFileDone
	if page, _ := b.g.ListGatherFiles(b.ctxA, scalefield.GatherFileFilter{Status: &done, First: 1}); page.TotalCount != 1 || len(page.Files) != 1 || page.Files[0].ID != f1.ID {
		t.Errorf("done = %+v", page)
	}
	if page, _ := b.g.ListGatherFiles(b.ctxB, scalefield.GatherFileFilter{}); page.TotalCount != 0 {
		t.Errorf("tenant B sees %d files", page.TotalCount)
	}
	if _, err := b.g.RetryGatherFile(b.ctxA, f1.ID, nil); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
		t.Errorf("retry of a done file: %v", err)
	}
	if _, err := b.g.RetryGatherFile(b.ctxB, f2.ID, nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B retries: %v", err)
	}
	retried, err := b.g.RetryGatherFile(b.ctxA, f2.ID, scalefield.NewAuditEntry(b.ctxA, scalefield.AuditGatherImportRetried, ""))
	if err != nil || retried.Status != scalefield.GatherFileQueued || retried.Attempts != 0 {
		t.Fatalf("retry = %+v, %v", retried, err)
	}
	// A claim whose replica died is taken over once its lease ends, and the
	// old claim can no longer finish.
	stale, ok, _ := b.g.ClaimGatherFile(ctx, time.Minute)
	if !ok {
		t.Fatal("no claim")
	}
	b.now = b.now.Add(2 * time.Minute)
	fresh, ok, _ := b.g.ClaimGatherFile(ctx, time.Minute)
	if !ok || fresh.ID != stale.ID || fresh.Attempts != stale.Attempts+1 {
		t.Fatalf("takeover = %+v", fresh)
	}
	if err := b.g.FinishGatherFile(ctx, stale, scalefield.GatherFileQueued, "late", time.Time{}, nil); err != store.ErrGatherClaimLost {
		t.Errorf("stale claim finished: %v", err)
	}
}

// A file's rows reach Bronze in one COPY sent in chunks: rows that span
// many chunks arrive whole and in order, a stream with more rows than
// announced is refused, and an error reading the file ends the copy with
// that error.
func TestCopyGatherBronzeStream(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	ctx := context.Background()
	batches := make([][]scalefield.DBActivity, 3)
	for i := range batches {
		batches[i] = activities(1000, fmt.Sprintf("db-%d", i))
		for j := range batches[i] {
			batches[i][j].Statement = fmt.Sprintf("SELECT %d, %d, '%s'", i, j, strings.Repeat("x", 300))
		}
	}
	stream := func(batches [][]scalefield.DBActivity, fail error) func() ([]scalefield.DBActivity, error) {
		i := 0
		return func() ([]scalefield.DBActivity, error) {
			if i == len(batches) {
				if fail != nil {
					return nil, fail
				}
				return nil, io.EOF
			}
			i++
			return batches[i-1], nil
		}
	}
	inTx := func(fn func(tx pgx.Tx)) {
		tx, err := b.db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		fn(tx)
	}

	inTx(func(tx pgx.Tx) {
		n, err := store.CopyGatherBronzeStream(ctx, tx, b.a.ID, 3000, b.now, stream(batches, nil))
		if err != nil || n != 3000 {
			t.Fatalf("copy = %d, %v", n, err)
		}
		var rows, queued, badHash int
		_ = tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE content_hash <> sha256(payload)) FROM bronze_events WHERE tenant_id = $1`, b.a.ID).Scan(&rows, &badHash)
		_ = tx.QueryRow(ctx, `SELECT count(*) FROM refine_queue WHERE tenant_id = $1`, b.a.ID).Scan(&queued)
		if rows != 3000 || queued != 3000 || badHash != 0 {
			t.Errorf("bronze %d (%d with a wrong hash), queued %d", rows, badHash, queued)
		}
		got, err := tx.Query(ctx, `SELECT payload, host FROM bronze_events WHERE tenant_id = $1 ORDER BY id`, b.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		var payload []byte
		var host string
		_, err = pgx.ForEachRow(got, []any{&payload, &host}, func() error {
			a := batches[i/1000][i%1000]
			want, _ := json.Marshal(a)
			if string(payload) != string(want) || host != a.Host {
				t.Errorf("row %d: %s on %s, want %s on %s", i, payload, host, want, a.Host)
			}
			i++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	inTx(func(tx pgx.Tx) {
		if _, err := store.CopyGatherBronzeStream(ctx, tx, b.a.ID, 2999, b.now, stream(batches, nil)); !errors.Is(err, store.ErrGatherTooManyRows) {
			t.Errorf("one row more than announced: %v", err)
		}
	})
	broken := errors.New("page 7: unexpected end of data")
	inTx(func(tx pgx.Tx) {
		if _, err := store.CopyGatherBronzeStream(ctx, tx, b.a.ID, 3000, b.now, stream(batches[:1], broken)); !errors.Is(err, broken) {
			t.Errorf("a read error: %v", err)
		}
	})
	if _, err := store.CopyGatherBronzeStream(ctx, nil, "not-a-uuid", 1, b.now, stream(nil, nil)); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("a bad tenant ID: %v", err)
	}
}

func TestActivityJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := []scalefield.DBActivity{
		{},
		activities(1, "db")[0],
		{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)), Statement: `SELECT '<b>' && "x" \ y`, User: "jörg",
			Raw: "line1\nline2\t\x00\x7f", Error: "bad \xff utf8", Object: "\u2028\u2029", Rows: -1, ClientPort: 65535},
	}
	for i := range cases {
		want, _ := json.Marshal(cases[i])
		got := store.AppendActivityJSONForTest(nil, &cases[i])
		if string(got) != string(want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
