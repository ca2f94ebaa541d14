package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// auditBundle is what an audit test works with: two replicas (stores on
// the same database) and two tenants.
type auditBundle struct {
	url              string
	db, db2          *store.DB
	audit, audit2    *store.AuditService
	tenantA, tenantB string
}

func auditSetup(t *testing.T) *auditBundle {
	t.Helper()
	url := storetest.NewDatabase(t)
	b := &auditBundle{url: url}
	for _, db := range []**store.DB{&b.db, &b.db2} {
		d, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(d.Close)
		*db = d
	}
	b.audit, b.audit2 = store.NewAuditService(b.db), store.NewAuditService(b.db2)
	tenants := store.NewTenantService(b.db)
	for i, id := range []*string{&b.tenantA, &b.tenantB} {
		tn := &scalefield.Tenant{Slug: fmt.Sprintf("audit-%d", i), Name: "Audit"}
		if err := tenants.CreateTenant(context.Background(), tn); err != nil {
			t.Fatalf("create tenant: %v", err)
		}
		*id = tn.ID
	}
	return b
}

func auditCtx(tenantID string) context.Context {
	return scalefield.NewContextWithSession(context.Background(),
		&scalefield.Session{UserID: "u", TenantID: tenantID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
}

func MustAudit(t *testing.T, s *store.AuditService, e *scalefield.AuditEntry) *scalefield.AuditEntry {
	t.Helper()
	if err := s.AppendAudit(context.Background(), e); err != nil {
		t.Fatalf("append audit: %v", err)
	}
	return e
}

func entry(tenantID, action string) *scalefield.AuditEntry {
	return &scalefield.AuditEntry{TenantID: tenantID, ActorType: "user", ActorID: "user-1", ActorLabel: "ada@example.com",
		IP: "203.0.113.7", Action: action, TargetType: "user", TargetID: "user-2",
		Details: map[string]any{"zeta": 1.5, "alpha": []any{"x", 2}, "nested": map[string]any{"b": true, "a": nil}, "ünï": "cödé <&>"}}
}

func MustVerify(t *testing.T, s *store.AuditService, tenantID string) *scalefield.AuditVerification {
	t.Helper()
	v, err := s.VerifyAuditLog(auditCtx(tenantID))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return v
}

func TestAuditChainVerifies(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	var entries []*scalefield.AuditEntry
	for i := range 5 {
		entries = append(entries, MustAudit(t, b.audit, entry(b.tenantA, fmt.Sprintf("test.action%d", i))))
		MustAudit(t, b.audit, entry("", "platform.action")) // interleaved platform chain
	}
	for i, e := range entries {
		if e.ID == 0 || e.At.IsZero() || len(e.Hash) != 32 || len(e.PrevHash) != 32 {
			t.Fatalf("entry %d not filled in: %+v", i, e)
		}
		if i == 0 && !bytes.Equal(e.PrevHash, make([]byte, 32)) {
			t.Fatalf("first prev_hash = %x, want zeros", e.PrevHash)
		}
		if i > 0 && !bytes.Equal(e.PrevHash, entries[i-1].Hash) {
			t.Fatalf("entry %d prev_hash does not name entry %d", i, i-1)
		}
	}
	if v := MustVerify(t, b.audit, b.tenantA); !v.OK || v.Checked != 5 {
		t.Fatalf("verification = %+v, want OK with 5 checked", v)
	}
	v, err := b.audit.VerifyPlatformAuditLog(context.Background())
	if err != nil || !v.OK || v.Checked != 5 {
		t.Fatalf("platform verification = %+v, %v; want OK with 5 checked", v, err)
	}
	if v := MustVerify(t, b.audit, b.tenantB); !v.OK || v.Checked != 0 {
		t.Fatalf("empty chain verification = %+v, want OK with 0 checked", v)
	}
}

// tamper changes the audit log as a superuser with the append-only trigger
// disabled, as an attacker with database access would.
func tamper(t *testing.T, b *auditBundle, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	tx, err := b.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, stmt := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`, sql, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`} {
		a := args
		if stmt != sql {
			a = nil
		}
		if _, err := tx.Exec(ctx, stmt, a...); err != nil {
			t.Fatalf("tamper %q: %v", stmt, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditTamperingIsDetected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sql    string
		target int // index of the row the statement changes
		bad    int // index of the row verification must report
		reason string
	}{
		{"changed details", `UPDATE audit_log SET details = '{"zeta": 2}' WHERE id = $1`, 2, 2, "contents"},
		{"changed time by a microsecond", `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = $1`, 3, 3, "contents"},
		{"changed actor", `UPDATE audit_log SET actor_label = 'mallory@example.com' WHERE id = $1`, 0, 0, "contents"},
		{"deleted row", `DELETE FROM audit_log WHERE id = $1`, 1, 2, "previous"},
		{"rewritten row with its hash recomputed", `
			UPDATE audit_log SET action = 'benign', hash = scalefield_audit_hash(prev_hash, tenant_id, at, actor_type,
				actor_id, actor_label, ip, 'benign', target_type, target_id, details) WHERE id = $1`, 2, 3, "previous"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := auditSetup(t)
			var ids []int64
			for i := range 5 {
				ids = append(ids, MustAudit(t, b.audit, entry(b.tenantA, fmt.Sprintf("test.action%d", i))).ID)
			}
			MustAudit(t, b.audit, entry(b.tenantB, "other.tenant"))
			tamper(t, b, tc.sql, ids[tc.target])
			v := MustVerify(t, b.audit, b.tenantA)
			if v.OK || v.FirstBadID != ids[tc.bad] || !strings.Contains(v.Reason, tc.reason) {
				t.Fatalf("verification = %+v, want first bad id %d (%s)", v, ids[tc.bad], tc.reason)
			}
			if v := MustVerify(t, b.audit, b.tenantB); !v.OK {
				t.Fatalf("other tenant's chain = %+v, want OK", v)
			}
		})
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	MustAudit(t, b.audit, entry(b.tenantA, "test.action"))
	ctx := context.Background()
	for _, stmt := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := b.db.Pool.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as owner: err = %v, want refused as append-only", stmt, err)
		}
	}
	// The application role, scoped to the tenant, is refused too.
	tx, err := b.db.App.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, b.tenantA); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
		t.Error("UPDATE as the application role succeeded")
	}
}

func TestAuditConcurrentAppendsFormOneChain(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	const writers, each = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := b.audit
			if w%2 == 1 {
				s = b.audit2 // another replica
			}
			for i := range each {
				e := entry(b.tenantA, fmt.Sprintf("concurrent.%d.%d", w, i))
				if i%5 == 0 {
					e.TenantID = "" // the platform chain, concurrently
				}
				if err := s.AppendAudit(context.Background(), e); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("append: %v", err)
	}
	if v := MustVerify(t, b.audit, b.tenantA); !v.OK || v.Checked != writers*each*4/5 {
		t.Fatalf("verification = %+v, want OK with %d checked", v, writers*each*4/5)
	}
	if v, err := b.audit.VerifyPlatformAuditLog(context.Background()); err != nil || !v.OK || v.Checked != writers*each/5 {
		t.Fatalf("platform verification = %+v, %v; want OK with %d checked", v, err, writers*each/5)
	}
}

func TestAuditAppendTx(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	ctx := context.Background()
	appendIn := func(scope string, e *scalefield.AuditEntry, commit bool) error {
		tx, err := b.db.App.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, scope); err != nil {
			t.Fatal(err)
		}
		if err := store.AppendAuditTx(ctx, tx, e); err != nil {
			return err
		}
		if commit {
			return tx.Commit(ctx)
		}
		return nil
	}
	count := func(tenantID string) int {
		page, err := b.audit.FindAuditEntries(auditCtx(tenantID), scalefield.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return page.TotalCount
	}

	if err := appendIn(b.tenantA, entry(b.tenantA, "rolled.back"), false); err != nil {
		t.Fatalf("append: %v", err)
	}
	if got := count(b.tenantA); got != 0 {
		t.Fatalf("entries after rollback = %d, want 0", got)
	}
	if err := appendIn(b.tenantA, entry(b.tenantA, "committed"), true); err != nil {
		t.Fatalf("append: %v", err)
	}
	if got := count(b.tenantA); got != 1 {
		t.Fatalf("entries after commit = %d, want 1", got)
	}
	if err := appendIn(b.tenantA, entry("", "platform.from.tenant.tx"), true); err != nil {
		t.Fatalf("platform entry in a tenant's transaction: %v", err)
	}
	if err := appendIn(b.tenantA, entry(b.tenantB, "cross.tenant"), true); err == nil {
		t.Fatal("appending to tenant B in a transaction scoped to tenant A succeeded")
	}
	if v := MustVerify(t, b.audit, b.tenantA); !v.OK || v.Checked != 1 {
		t.Fatalf("verification = %+v, want OK with 1 checked", v)
	}
}

func TestAuditAppendValidates(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	for name, mutate := range map[string]func(*scalefield.AuditEntry){
		"unknown actor type": func(e *scalefield.AuditEntry) { e.ActorType = "robot" },
		"no action":          func(e *scalefield.AuditEntry) { e.Action = " " },
		"bad tenant id":      func(e *scalefield.AuditEntry) { e.TenantID = "not-a-uuid" },
		"details not JSON":   func(e *scalefield.AuditEntry) { e.Details = map[string]any{"f": func() {}} },
	} {
		e := entry(b.tenantA, "test.action")
		mutate(e)
		if err := b.audit.AppendAudit(context.Background(), e); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%s: err = %v, want %s", name, err, scalefield.EINVALID)
		}
	}

	t.Run("addresses", func(t *testing.T) {
		for _, tc := range []struct{ in, ip, raw string }{
			{"203.0.113.7:5555", "203.0.113.7", ""},
			{"[2001:db8::1]:443", "2001:db8::1", ""},
			{"::ffff:198.51.100.2", "198.51.100.2", ""},
			{"", "", ""},
			{"not an address", "", "not an address"},
		} {
			e := entry(b.tenantA, "ip.test")
			e.IP = tc.in
			MustAudit(t, b.audit, e)
			page, err := b.audit.FindAuditEntries(auditCtx(b.tenantA), scalefield.AuditFilter{First: 1})
			if err != nil {
				t.Fatal(err)
			}
			got := page.Entries[0]
			if got.IP != tc.ip || (tc.raw != "" && got.Details["remote_addr"] != tc.raw) {
				t.Errorf("IP %q: stored %q with details %v, want %q", tc.in, got.IP, got.Details, tc.ip)
			}
		}
		if v := MustVerify(t, b.audit, b.tenantA); !v.OK {
			t.Fatalf("verification = %+v", v)
		}
	})
}

func TestAuditTenantIsolation(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	MustAudit(t, b.audit, entry(b.tenantA, "a.secret"))
	MustAudit(t, b.audit, entry(b.tenantB, "b.visible"))
	MustAudit(t, b.audit, entry("", "platform.event"))

	page, err := b.audit.FindAuditEntries(auditCtx(b.tenantB), scalefield.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 1 || len(page.Entries) != 1 || page.Entries[0].Action != "b.visible" || page.Entries[0].TenantID != b.tenantB {
		t.Fatalf("tenant B sees %+v, want only its own entry", page.Entries)
	}
	var out bytes.Buffer
	if n, err := b.audit.ExportAudit(auditCtx(b.tenantB), scalefield.AuditFilter{}, &out, "jsonl"); err != nil || n != 1 || strings.Contains(out.String(), "a.secret") {
		t.Fatalf("tenant B's export: %d rows, %v:\n%s", n, err, out.String())
	}
	// Row-level security alone, without the WHERE clause the store adds.
	var n int
	if err := b.db.App.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("unscoped application role sees %d rows (%v), want 0", n, err)
	}
	if _, err := b.audit.FindAuditEntries(context.Background(), scalefield.AuditFilter{}); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Fatalf("without a session: err = %v, want %s", err, scalefield.EUNAUTHORIZED)
	}
	if _, err := b.audit.VerifyAuditLog(context.Background()); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Fatalf("verify without a session: err = %v, want %s", err, scalefield.EUNAUTHORIZED)
	}
}

func TestAuditFindPagesAndFilters(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 30 {
		e := entry(b.tenantA, []string{scalefield.AuditLoginSucceeded, scalefield.AuditLoginFailed, scalefield.AuditRoleChanged}[i%3])
		e.ActorID = fmt.Sprintf("user-%d", i%2)
		e.At = base.Add(time.Duration(i) * time.Minute)
		MustAudit(t, b.audit, e)
	}
	ctx := auditCtx(b.tenantA)
	str := func(s string) *string { return &s }
	at := func(m int) *time.Time { t := base.Add(time.Duration(m) * time.Minute); return &t }

	t.Run("pages newest first", func(t *testing.T) {
		var seen []time.Time
		f := scalefield.AuditFilter{First: 12}
		for {
			page, err := b.audit.FindAuditEntries(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 30 {
				t.Fatalf("total = %d, want 30", page.TotalCount)
			}
			for _, e := range page.Entries {
				seen = append(seen, e.At)
			}
			if !page.HasNextPage {
				break
			}
			f.After = &page.Cursors[len(page.Cursors)-1]
		}
		if len(seen) != 30 {
			t.Fatalf("paged through %d entries, want 30", len(seen))
		}
		for i, got := range seen {
			if want := *at(29 - i); !got.Equal(want) {
				t.Fatalf("entry %d at %s, want %s", i, got, want)
			}
		}
	})

	for _, tc := range []struct {
		name string
		f    scalefield.AuditFilter
		want int
	}{
		{"action", scalefield.AuditFilter{Action: str(scalefield.AuditLoginFailed)}, 10},
		{"actor", scalefield.AuditFilter{ActorID: str("user-1")}, 15},
		{"action and actor", scalefield.AuditFilter{Action: str(scalefield.AuditLoginFailed), ActorID: str("user-1")}, 5},
		{"time range", scalefield.AuditFilter{From: at(10), To: at(20)}, 10},
		{"from", scalefield.AuditFilter{From: at(25)}, 5},
		{"nothing", scalefield.AuditFilter{Action: str("no.such.action")}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := b.audit.FindAuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != tc.want || len(page.Entries) != tc.want {
				t.Fatalf("got %d entries of %d, want %d", len(page.Entries), page.TotalCount, tc.want)
			}
		})
	}

	t.Run("bad filters", func(t *testing.T) {
		for name, f := range map[string]scalefield.AuditFilter{
			"bad cursor":     {After: str("nope")},
			"negative first": {First: -1},
			"from after to":  {From: at(5), To: at(1)},
		} {
			if _, err := b.audit.FindAuditEntries(ctx, f); scalefield.ErrorCode(err) != scalefield.EINVALID {
				t.Errorf("%s: err = %v, want %s", name, err, scalefield.EINVALID)
			}
		}
	})
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	b := auditSetup(t)
	first := entry(b.tenantA, scalefield.AuditLoginFailed)
	first.ActorLabel = "=HYPERLINK(\"http://evil\")"
	MustAudit(t, b.audit, first)
	MustAudit(t, b.audit, entry(b.tenantA, scalefield.AuditLoginSucceeded))
	MustAudit(t, b.audit, entry(b.tenantA, scalefield.AuditLoginSucceeded))
	ctx := auditCtx(b.tenantA)

	t.Run("csv", func(t *testing.T) {
		var out bytes.Buffer
		n, err := b.audit.ExportAudit(ctx, scalefield.AuditFilter{}, &out, "csv")
		if err != nil || n != 3 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		records, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 4 || records[0][0] != "id" || records[0][12] != "hash" {
			t.Fatalf("records = %q", records)
		}
		if got := records[1][5]; !strings.HasPrefix(got, "'=") {
			t.Errorf("formula cell exported as %q, want it defused", got)
		}
		if records[1][7] != scalefield.AuditLoginFailed || records[2][11] != records[1][12] {
			t.Errorf("rows not oldest first with linked hashes: %q", records[1:])
		}
		if !strings.Contains(records[1][10], `"zeta": 1.5`) {
			t.Errorf("details = %q, want PostgreSQL's rendering", records[1][10])
		}
	})
	t.Run("jsonl with a filter", func(t *testing.T) {
		var out bytes.Buffer
		action := scalefield.AuditLoginSucceeded
		n, err := b.audit.ExportAudit(ctx, scalefield.AuditFilter{Action: &action}, &out, "jsonl")
		if err != nil || n != 2 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("lines = %q", lines)
		}
		var row struct {
			Action  string         `json:"action"`
			Details map[string]any `json:"details"`
			Hash    string         `json:"hash"`
		}
		if err := json.Unmarshal([]byte(lines[0]), &row); err != nil {
			t.Fatal(err)
		}
		if row.Action != action || row.Details["ünï"] != "cödé <&>" || len(row.Hash) != 64 {
			t.Fatalf("row = %+v", row)
		}
	})
	t.Run("empty csv has a header", func(t *testing.T) {
		var out bytes.Buffer
		action := "none"
		if n, err := b.audit.ExportAudit(ctx, scalefield.AuditFilter{Action: &action}, &out, "csv"); err != nil || n != 0 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		if !strings.HasPrefix(out.String(), "id,tenant_id,at,") {
			t.Fatalf("output = %q", out.String())
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if _, err := b.audit.ExportAudit(ctx, scalefield.AuditFilter{}, &bytes.Buffer{}, "xml"); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Fatalf("err = %v, want %s", err, scalefield.EINVALID)
		}
	})
}
