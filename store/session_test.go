package store_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// idBundle is the fixture of the identity store tests: two tenants and a
// user who is a member of the first.
type idBundle struct {
	db      *store.DB
	ids     *store.IdentityStore
	users   *store.UserService
	tenantA *scalefield.Tenant
	tenantB *scalefield.Tenant
	user    *scalefield.User
	now     time.Time
}

func idSetup(t *testing.T) *idBundle {
	t.Helper()
	db := storetest.NewDB(t)
	b := &idBundle{db: db, ids: store.NewIdentityStore(db), users: store.NewUserService(db),
		now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	tenants := store.NewTenantService(db)
	b.tenantA = MustCreateTenant(t, tenants, "acme")
	b.tenantB = MustCreateTenant(t, tenants, "globex")
	b.user = b.idMustUser(t, "ivy@acme.example", b.tenantA, scalefield.RoleTenantAdmin)
	return b
}

func (b *idBundle) idMustUser(t *testing.T, email string, tenant *scalefield.Tenant, role scalefield.Role) *scalefield.User {
	t.Helper()
	u := &scalefield.User{Email: email}
	if err := b.users.CreateUser(context.Background(), u, "!test"); err != nil {
		t.Fatal(err)
	}
	if err := b.users.AddMembership(context.Background(), scalefield.Membership{TenantID: tenant.ID, UserID: u.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	return u
}

// idCtx is a full session of the user in the tenant.
func idCtx(userID, tenantID string) context.Context {
	return scalefield.NewContextWithSession(context.Background(), &scalefield.Session{UserID: userID, TenantID: tenantID,
		Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
}

func randomHash(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

func (b *idBundle) MustCreateSession(t *testing.T, refreshHash []byte) *scalefield.AuthSession {
	t.Helper()
	s := &scalefield.AuthSession{TenantID: b.tenantA.ID, UserID: b.user.ID, AMR: []string{"pwd"}, Scope: scalefield.ScopeFull,
		CreatedAt: b.now, ExpiresAt: b.now.Add(7 * 24 * time.Hour), IP: "203.0.113.7", UserAgent: "test"}
	if err := b.ids.CreateSession(context.Background(), s, refreshHash, b.now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSessionStore(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	first := randomHash(t)
	s := b.MustCreateSession(t, first)

	got, err := b.ids.FindSession(ctx, b.tenantA.ID, s.ID)
	if err != nil || got.UserID != b.user.ID || got.AMR[0] != "pwd" || got.RevokedAt != nil || !got.LastUsedAt.Equal(b.now) {
		t.Fatalf("FindSession = %+v, %v", got, err)
	}
	for name, args := range map[string][2]string{
		"another tenant": {b.tenantB.ID, s.ID}, "a malformed id": {b.tenantA.ID, "x"}, "an unknown id": {b.tenantA.ID, b.tenantB.ID},
	} {
		if _, err := b.ids.FindSession(ctx, args[0], args[1]); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("FindSession in %s: %v, want ENOTFOUND", name, err)
		}
	}

	second := randomHash(t)
	later := b.now.Add(time.Hour)
	rot, err := b.ids.RotateRefreshToken(ctx, first, second, later, 24*time.Hour)
	if err != nil || rot.Reused || !rot.ExpiresAt.Equal(later.Add(24*time.Hour)) || !rot.Session.LastUsedAt.Equal(later) {
		t.Fatalf("rotation = %+v, %v", rot, err)
	}
	if _, err := b.ids.RotateRefreshToken(ctx, randomHash(t), randomHash(t), later, time.Hour); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := b.ids.RotateRefreshToken(ctx, second, randomHash(t), later.Add(25*time.Hour), time.Hour); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("expired token: %v", err)
	}
	rot, err = b.ids.RotateRefreshToken(ctx, first, randomHash(t), later, time.Hour)
	if err != nil || !rot.Reused || rot.Session.RevokeReason != "refresh_reuse" {
		t.Fatalf("reuse = %+v, %v", rot, err)
	}
	got, _ = b.ids.FindSession(ctx, b.tenantA.ID, s.ID)
	if got.RevokedAt == nil || got.RevokeReason != "refresh_reuse" {
		t.Errorf("session after reuse = %+v", got)
	}
	if _, err := b.ids.RotateRefreshToken(ctx, second, randomHash(t), later, time.Hour); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("successor of a reused token: %v, want EUNAUTHORIZED", err)
	}
}

func TestConcurrentRefreshRotatesOnce(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	token := randomHash(t)
	b.MustCreateSession(t, token)
	const n = 8
	var wg sync.WaitGroup
	results := make(chan *scalefield.RefreshRotation, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rot, err := b.ids.RotateRefreshToken(context.Background(), token, randomHash(t), b.now, time.Hour)
			if err != nil {
				t.Error(err)
				return
			}
			results <- rot
		}()
	}
	wg.Wait()
	close(results)
	fresh, reused := 0, 0
	for r := range results {
		if r.Reused {
			reused++
		} else {
			fresh++
		}
	}
	if fresh != 1 || reused != n-1 {
		t.Errorf("%d fresh, %d reused; want 1 and %d", fresh, reused, n-1)
	}
}

func TestRevokeSessions(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	a, c := b.MustCreateSession(t, randomHash(t)), b.MustCreateSession(t, randomHash(t))
	if err := b.ids.RevokeSession(ctx, b.tenantB.ID, a.ID, "logout", b.now); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("revoke from another tenant: %v", err)
	}
	if err := b.ids.RevokeSession(ctx, b.tenantA.ID, a.ID, "logout", b.now); err != nil {
		t.Fatal(err)
	}
	n, err := b.ids.RevokeUserSessions(ctx, b.user.ID, "logout_everywhere", b.now.Add(time.Minute))
	if err != nil || n != 1 {
		t.Errorf("RevokeUserSessions = %d, %v; want 1 (the other was already revoked)", n, err)
	}
	for id, reason := range map[string]string{a.ID: "logout", c.ID: "logout_everywhere"} {
		s, _ := b.ids.FindSession(ctx, b.tenantA.ID, id)
		if s.RevokedAt == nil || s.RevokeReason != reason {
			t.Errorf("session %s = %+v, want revoked for %s", id, s, reason)
		}
	}
}

// TestIdentityTablesAreTenantIsolated checks the row-level security of the
// tenant-owned identity tables through the application role.
func TestIdentityTablesAreTenantIsolated(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	b.MustCreateSession(t, randomHash(t))
	k := &scalefield.APIKey{Name: "k", Prefix: "sk_x", Role: scalefield.RoleViewer, CreatedAt: b.now}
	if err := b.ids.CreateAPIKey(idCtx(b.user.ID, b.tenantA.ID), k, randomHash(t)); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"auth_sessions", "refresh_tokens", "api_keys"} {
		for tenant, want := range map[string]int{b.tenantA.ID: 1, b.tenantB.ID: 0, "": 0} {
			tx, err := b.db.App.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenant); err != nil {
				t.Fatal(err)
			}
			var got int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&got); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			_ = tx.Rollback(ctx)
			if got != want {
				t.Errorf("%s as tenant %q: %d rows, want %d", table, tenant, got, want)
			}
		}
	}
}
