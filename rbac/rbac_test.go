package rbac_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/rbac"
	"github.com/scalefield/scalefield/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// bundle is what a test works with: a privileged pool on its own migrated
// database, Redis, and a channel no other test uses.
type bundle struct {
	pool *pgxpool.Pool
	rdb  *redis.Client
	cfg  rbac.Config
}

func setup(t testing.TB) *bundle {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), storetest.NewDatabase(t))
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	cfg := rbac.DefaultConfig()
	cfg.Channel = "scalefield:casbin:test:" + randomHex(6)
	cfg.ReloadInterval = time.Hour
	return &bundle{pool: pool, rdb: storetest.NewRedis(t), cfg: cfg}
}

// MustEnforcer returns an enforcer (a replica) on the bundle's database
// and channel, started when start is set, stopped when the test ends.
func (b *bundle) MustEnforcer(t testing.TB, cfg rbac.Config, start bool) *rbac.Enforcer {
	t.Helper()
	e, err := rbac.New(context.Background(), cfg, b.pool, b.rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("new enforcer: %v", err)
	}
	if start {
		if err := e.Start(context.Background()); err != nil {
			t.Fatalf("start enforcer: %v", err)
		}
		t.Cleanup(e.Stop)
	}
	return e
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (b *bundle) MustExec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := b.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

func (b *bundle) MustTenant(t testing.TB) string {
	t.Helper()
	id := newUUID()
	b.MustExec(t, `INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Test')`, id, "t-"+id[:8])
	return id
}

func (b *bundle) MustUser(t testing.TB) string {
	t.Helper()
	id := newUUID()
	b.MustExec(t, `INSERT INTO users (id, email, password_hash) VALUES ($1, $2, 'x')`, id, id+"@example.com")
	return id
}

func (b *bundle) MustMember(t testing.TB, tenantID, userID string, role scalefield.Role) {
	t.Helper()
	b.MustExec(t, `
		INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role`, tenantID, userID, string(role))
}

// MustAPIKey creates an API key; expires may be nil.
func (b *bundle) MustAPIKey(t testing.TB, tenantID string, role scalefield.Role, expires *time.Time) string {
	t.Helper()
	id := newUUID()
	b.MustExec(t, `
		INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, role, created_at, expires_at)
		VALUES ($1, $2, 'test', 'sk_test', $3, $4, now(), $5)`,
		id, tenantID, []byte(randomHex(16)), string(role), expires)
	return id
}

func userCtx(userID, tenantID string) context.Context {
	return scalefield.NewContextWithSession(context.Background(),
		&scalefield.Session{UserID: userID, TenantID: tenantID, Scope: scalefield.ScopeFull})
}

func keyCtx(keyID, tenantID string) context.Context {
	return scalefield.NewContextWithSession(context.Background(),
		&scalefield.Session{APIKeyID: keyID, TenantID: tenantID, Scope: scalefield.ScopeFull})
}

// eventually waits until cond holds, failing the test after 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func allowed(e *rbac.Enforcer, ctx context.Context, perm scalefield.Permission) bool {
	return e.Authorize(ctx, perm) == nil
}

func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant, other := b.MustTenant(t), b.MustTenant(t)
	users := map[scalefield.Role]string{}
	for _, role := range scalefield.Roles {
		users[role] = b.MustUser(t)
		if role == scalefield.RolePlatformAdmin {
			// A platform admin's membership may be in any tenant.
			b.MustMember(t, other, users[role], role)
		} else {
			b.MustMember(t, tenant, users[role], role)
		}
	}
	e := b.MustEnforcer(t, b.cfg, false)

	// The matrix of docs/rbac.md, written out independently of rbac.Grants.
	const (
		V = 1 << iota // viewer
		A             // analyst
		O             // operator
		M             // manager
		T             // tenant-admin
		P             // platform-admin
	)
	bit := map[scalefield.Role]int{
		scalefield.RoleViewer: V, scalefield.RoleAnalyst: A, scalefield.RoleOperator: O,
		scalefield.RoleManager: M, scalefield.RoleTenantAdmin: T, scalefield.RolePlatformAdmin: P,
	}
	want := map[scalefield.Permission]int{
		scalefield.PermEventsRead:      V | A | O | M | T | P,
		scalefield.PermTenantRead:      V | A | O | M | T | P,
		scalefield.PermHECTokensManage: O | M | T | P,
		scalefield.PermUsersRead:       M | T | P,
		scalefield.PermAuditRead:       M | T | P,
		scalefield.PermAuditExport:     M | T | P,
		scalefield.PermUsersManage:     T | P,
		scalefield.PermAPIKeysManage:   T | P,
		scalefield.PermSSOManage:       T | P,
		scalefield.PermTenantsManage:   P,
	}
	for perm, holders := range want {
		for _, role := range scalefield.Roles {
			t.Run(fmt.Sprintf("%s/%s", role, perm), func(t *testing.T) {
				err := e.Authorize(userCtx(users[role], tenant), perm)
				if got, want := err == nil, holders&bit[role] != 0; got != want {
					t.Fatalf("allowed = %v, want %v (err %v)", got, want, err)
				}
				if err != nil && scalefield.ErrorCode(err) != scalefield.EFORBIDDEN {
					t.Fatalf("code = %s, want %s", scalefield.ErrorCode(err), scalefield.EFORBIDDEN)
				}
				if got, want := rbac.Allowed(role, perm), holders&bit[role] != 0; got != want {
					t.Fatalf("rbac.Allowed = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenantA, tenantB := b.MustTenant(t), b.MustTenant(t)
	admin, platform := b.MustUser(t), b.MustUser(t)
	b.MustMember(t, tenantA, admin, scalefield.RoleTenantAdmin)
	b.MustMember(t, tenantA, platform, scalefield.RolePlatformAdmin)
	e := b.MustEnforcer(t, b.cfg, false)

	t.Run("without a session", func(t *testing.T) {
		err := e.Authorize(context.Background(), scalefield.PermEventsRead)
		if got := scalefield.ErrorCode(err); got != scalefield.EUNAUTHORIZED {
			t.Fatalf("code = %q, want %q", got, scalefield.EUNAUTHORIZED)
		}
	})
	t.Run("MFA enrolment scope is denied everything", func(t *testing.T) {
		for _, s := range []*scalefield.Session{
			{UserID: admin, TenantID: tenantA, Scope: scalefield.ScopeMFAEnrollment},
			{UserID: platform, TenantID: tenantA, Scope: scalefield.ScopeMFAEnrollment},
		} {
			ctx := scalefield.NewContextWithSession(context.Background(), s)
			err := e.Authorize(ctx, scalefield.PermTenantRead)
			if got := scalefield.ErrorCode(err); got != scalefield.EFORBIDDEN {
				t.Fatalf("code = %q, want %q", got, scalefield.EFORBIDDEN)
			}
		}
	})
	t.Run("a tenant's admin is denied in another tenant", func(t *testing.T) {
		if !allowed(e, userCtx(admin, tenantA), scalefield.PermUsersManage) {
			t.Fatal("denied in own tenant")
		}
		for _, perm := range []scalefield.Permission{scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermUsersManage} {
			err := e.Authorize(userCtx(admin, tenantB), perm)
			if got := scalefield.ErrorCode(err); got != scalefield.EFORBIDDEN {
				t.Fatalf("%s in tenant B: code = %q, want %q", perm, got, scalefield.EFORBIDDEN)
			}
		}
	})
	t.Run("tenant admins cannot manage tenants", func(t *testing.T) {
		if allowed(e, userCtx(admin, tenantA), scalefield.PermTenantsManage) {
			t.Fatal("tenant admin holds tenants:manage")
		}
	})
	t.Run("platform admin is allowed in every tenant", func(t *testing.T) {
		for _, tenant := range []string{tenantA, tenantB, newUUID()} {
			for _, p := range rbac.Grants[scalefield.RolePlatformAdmin] {
				if err := e.Authorize(userCtx(platform, tenant), p); err != nil {
					t.Fatalf("%s in %s: %v", p, tenant, err)
				}
			}
		}
	})
	t.Run("unknown subject and missing tenant are denied", func(t *testing.T) {
		for _, ctx := range []context.Context{userCtx(newUUID(), tenantA), userCtx(admin, "")} {
			if got := scalefield.ErrorCode(e.Authorize(ctx, scalefield.PermEventsRead)); got != scalefield.EFORBIDDEN {
				t.Fatalf("code = %q, want %q", got, scalefield.EFORBIDDEN)
			}
		}
	})
}

func TestInvalidateReachesOtherReplicas(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant, user := b.MustTenant(t), b.MustUser(t)
	replicaA := b.MustEnforcer(t, b.cfg, true)
	replicaB := b.MustEnforcer(t, b.cfg, true)
	eventually(t, "both replicas subscribed", func() bool {
		n, err := b.rdb.PubSubNumSub(context.Background(), b.cfg.Channel).Result()
		return err == nil && n[b.cfg.Channel] == 2
	})
	ctx := userCtx(user, tenant)
	if allowed(replicaB, ctx, scalefield.PermEventsRead) {
		t.Fatal("allowed before any membership")
	}

	b.MustMember(t, tenant, user, scalefield.RoleViewer)
	if err := replicaA.Invalidate(context.Background()); err != nil {
		t.Fatalf("invalidate: %v", err)
	}
	if !allowed(replicaA, ctx, scalefield.PermEventsRead) {
		t.Fatal("replica A: not allowed right after its own Invalidate")
	}
	eventually(t, "replica B sees the new membership", func() bool { return allowed(replicaB, ctx, scalefield.PermEventsRead) })

	b.MustMember(t, tenant, user, scalefield.RoleTenantAdmin)
	if err := replicaA.Invalidate(context.Background()); err != nil {
		t.Fatalf("invalidate: %v", err)
	}
	eventually(t, "replica B sees the role change", func() bool { return allowed(replicaB, ctx, scalefield.PermUsersManage) })

	b.MustExec(t, `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tenant, user)
	if err := replicaA.Invalidate(context.Background()); err != nil {
		t.Fatalf("invalidate: %v", err)
	}
	eventually(t, "replica B sees the removal", func() bool { return !allowed(replicaB, ctx, scalefield.PermEventsRead) })
}

func TestPeriodicReload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant, user := b.MustTenant(t), b.MustUser(t)
	cfg := b.cfg
	cfg.ReloadInterval = 50 * time.Millisecond
	e := b.MustEnforcer(t, cfg, true)
	ctx := userCtx(user, tenant)

	// No Invalidate, no message: only the periodic reload can bring it.
	b.MustMember(t, tenant, user, scalefield.RoleOperator)
	eventually(t, "the periodic reload sees the membership", func() bool { return allowed(e, ctx, scalefield.PermHECTokensManage) })
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant, other := b.MustTenant(t), b.MustTenant(t)
	past := time.Now().Add(-time.Minute)
	future := time.Now().Add(time.Hour)
	live := b.MustAPIKey(t, tenant, scalefield.RoleOperator, &future)
	forever := b.MustAPIKey(t, tenant, scalefield.RoleViewer, nil)
	expired := b.MustAPIKey(t, tenant, scalefield.RoleTenantAdmin, &past)
	e := b.MustEnforcer(t, b.cfg, false)

	if !allowed(e, keyCtx(live, tenant), scalefield.PermHECTokensManage) {
		t.Fatal("live operator key denied hectokens:manage")
	}
	if allowed(e, keyCtx(live, tenant), scalefield.PermUsersManage) {
		t.Fatal("operator key allowed users:manage")
	}
	if !allowed(e, keyCtx(forever, tenant), scalefield.PermEventsRead) {
		t.Fatal("key without expiry denied events:read")
	}
	if allowed(e, keyCtx(live, other), scalefield.PermEventsRead) {
		t.Fatal("key allowed in another tenant")
	}
	if allowed(e, keyCtx(expired, tenant), scalefield.PermEventsRead) {
		t.Fatal("expired key allowed")
	}

	b.MustExec(t, `UPDATE api_keys SET revoked_at = now() WHERE id = $1`, live)
	b.MustExec(t, `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, forever)
	if err := e.Reload(context.Background()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if allowed(e, keyCtx(live, tenant), scalefield.PermHECTokensManage) {
		t.Fatal("revoked key still allowed after reload")
	}
	if allowed(e, keyCtx(forever, tenant), scalefield.PermEventsRead) {
		t.Fatal("expired key still allowed after reload")
	}
}

func TestAdapter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := rbac.NewAdapter(b.pool)

	t.Run("role assignments are read-only", func(t *testing.T) {
		if err := a.AddPolicy("g", "g", []string{"user:x", "role:viewer", "t"}); err != rbac.ErrRoleAssignmentReadOnly {
			t.Fatalf("AddPolicy(g) = %v, want ErrRoleAssignmentReadOnly", err)
		}
		if err := a.RemovePolicy("g", "g", []string{"user:x", "role:viewer", "t"}); err != rbac.ErrRoleAssignmentReadOnly {
			t.Fatalf("RemovePolicy(g) = %v, want ErrRoleAssignmentReadOnly", err)
		}
		if err := a.RemoveFilteredPolicy("g", "g", 0, "user:x"); err != rbac.ErrRoleAssignmentReadOnly {
			t.Fatalf("RemoveFilteredPolicy(g) = %v, want ErrRoleAssignmentReadOnly", err)
		}
	})

	t.Run("grants are written and synced back", func(t *testing.T) {
		ctx := context.Background()
		if _, err := rbac.SyncPolicy(ctx, b.pool); err != nil {
			t.Fatalf("sync: %v", err)
		}
		changed, err := rbac.SyncPolicy(ctx, b.pool)
		if err != nil || changed {
			t.Fatalf("second sync: changed %v, err %v; want no change", changed, err)
		}
		stray := []string{"role:viewer", "*", "users", "manage"}
		if err := a.AddPolicy("p", "p", stray); err != nil {
			t.Fatalf("AddPolicy(p): %v", err)
		}
		if err := a.RemovePolicy("p", "p", []string{"role:viewer", "*", "events", "read"}); err != nil {
			t.Fatalf("RemovePolicy(p): %v", err)
		}
		var n int
		if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM casbin_rules`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got, want := n, len(rbac.PolicyRules()); got != want {
			t.Fatalf("rules = %d, want %d (one added, one removed)", got, want)
		}
		changed, err = rbac.SyncPolicy(ctx, b.pool)
		if err != nil || !changed {
			t.Fatalf("sync after edits: changed %v, err %v; want a change", changed, err)
		}
		e := b.MustEnforcer(t, b.cfg, false)
		viewer, tenant := b.MustUser(t), b.MustTenant(t)
		b.MustMember(t, tenant, viewer, scalefield.RoleViewer)
		if err := e.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if allowed(e, userCtx(viewer, tenant), scalefield.PermUsersManage) || !allowed(e, userCtx(viewer, tenant), scalefield.PermEventsRead) {
			t.Fatal("the synced grants are not the table's")
		}
	})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if err := rbac.DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for name, mutate := range map[string]func(*rbac.Config){
		"no channel":       func(c *rbac.Config) { c.Channel = "" },
		"no interval":      func(c *rbac.Config) { c.ReloadInterval = 0 },
		"negative timeout": func(c *rbac.Config) { c.LoadTimeout = -time.Second },
	} {
		c := rbac.DefaultConfig()
		mutate(&c)
		if c.Validate() == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
}

// TestDocsMatrix checks that the table of docs/rbac.md is rbac.Grants.
func TestDocsMatrix(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/rbac.md")
	if err != nil {
		t.Fatal(err)
	}
	roles := slices.Clone(scalefield.Roles)
	slices.Reverse(roles) // least privileged first
	var b strings.Builder
	b.WriteString("| permission |")
	for _, r := range roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n| --- |" + strings.Repeat(" :-: |", len(roles)) + "\n")
	seen := map[scalefield.Permission]bool{}
	for _, r := range roles {
		for _, p := range rbac.Grants[r] {
			if seen[p] {
				continue
			}
			seen[p] = true
			fmt.Fprintf(&b, "| `%s` |", p)
			for _, r := range roles {
				if rbac.Allowed(r, p) {
					b.WriteString(" ✓ |")
				} else {
					b.WriteString("   |")
				}
			}
			b.WriteString("\n")
		}
	}
	if !strings.Contains(string(doc), b.String()) {
		t.Fatalf("docs/rbac.md does not hold the matrix of rbac.Grants; want:\n%s", b.String())
	}
}
