package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

func TestSSOSettingsStore(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	ctxA := idCtx(b.user.ID, b.tenantA.ID)
	if _, _, err := b.ids.FindSSOSettings(ctx, b.tenantA.ID); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Fatalf("before saving: %v", err)
	}
	s := &scalefield.SSOSettings{Enabled: true, IssuerURL: "https://idp.example.com", ClientID: "c", AllowedDomains: []string{"acme.example"},
		GroupsClaim: "groups", GroupRoles: map[string]scalefield.Role{"soc": scalefield.RoleAnalyst}, DefaultRole: scalefield.RoleViewer,
		ExtraScopes: []string{"groups"}, UpdatedAt: b.now}
	if err := b.ids.SaveSSOSettings(ctxA, s, []byte("sealed"), false, b.user.ID); err != nil {
		t.Fatal(err)
	}
	got, enc, err := b.ids.FindSSOSettings(ctx, b.tenantA.ID)
	if err != nil || string(enc) != "sealed" || !got.ClientSecretSet || got.GroupRoles["soc"] != scalefield.RoleAnalyst ||
		got.DefaultRole != scalefield.RoleViewer || got.TenantID != b.tenantA.ID || got.ExtraScopes[0] != "groups" {
		t.Fatalf("read back = %+v %q, %v", got, enc, err)
	}
	s.DefaultRole, s.Enabled = "", false
	if err := b.ids.SaveSSOSettings(ctxA, s, nil, true, ""); err != nil {
		t.Fatal(err)
	}
	got, enc, _ = b.ids.FindSSOSettings(ctx, b.tenantA.ID)
	if string(enc) != "sealed" || got.DefaultRole != "" || got.Enabled {
		t.Errorf("keepSecret lost the secret or kept old values: %+v %q", got, enc)
	}
	if err := b.ids.SaveSSOSettings(ctxA, s, nil, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, enc, _ := b.ids.FindSSOSettings(ctx, b.tenantA.ID); enc != nil {
		t.Errorf("secret not cleared: %q", enc)
	}
	if _, _, err := b.ids.FindSSOSettings(ctx, b.tenantB.ID); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B sees settings: %v", err)
	}
}

func TestUpsertSSOMember(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	u, now, before, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, "New.Person@Example.com", "New Person", scalefield.RoleAnalyst)
	if err != nil || u.Email != "new.person@example.com" || now != scalefield.RoleAnalyst || before != "" {
		t.Fatalf("new member = %+v %s %s, %v", u, now, before, err)
	}
	acct, _ := b.ids.FindAccountByID(ctx, u.ID)
	if acct.PasswordHash[0] != '!' {
		t.Errorf("SSO account has a usable password hash %q", acct.PasswordHash)
	}
	again, now, before, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, "new.person@example.com", "Renamed", scalefield.RoleManager)
	if err != nil || again.ID != u.ID || again.DisplayName != "New Person" || now != scalefield.RoleManager || before != scalefield.RoleAnalyst {
		t.Errorf("returning member = %+v %s %s, %v", again, now, before, err)
	}
	// A member of tenant A cannot be signed in by tenant B's provider.
	if _, _, _, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, b.user.Email, "", scalefield.RoleViewer); scalefield.ErrorCode(err) != scalefield.EFORBIDDEN {
		t.Errorf("account of another tenant: %v, want EFORBIDDEN", err)
	}
	if ms, _ := b.users.FindMemberships(ctx, b.user.ID); len(ms) != 1 {
		t.Errorf("account of another tenant got a membership: %v", ms)
	}
	// An account without memberships is linked.
	loose := &scalefield.User{Email: "loose@example.com"}
	if err := b.users.CreateUser(ctx, loose, "!test"); err != nil {
		t.Fatal(err)
	}
	if got, now, _, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, loose.Email, "", scalefield.RoleViewer); err != nil || got.ID != loose.ID || now != scalefield.RoleViewer {
		t.Errorf("account without memberships = %+v %s, %v", got, now, err)
	}
	admin := b.idMustUser(t, "plat@example.com", b.tenantB, scalefield.RolePlatformAdmin)
	if _, now, _, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, admin.Email, "", scalefield.RoleViewer); err != nil || now != scalefield.RolePlatformAdmin {
		t.Errorf("platform admin downgraded to %s, %v", now, err)
	}
	if _, _, _, err := b.ids.UpsertSSOMember(ctx, b.tenantB.ID, "x@example.com", "", scalefield.RolePlatformAdmin); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("granting platform-admin: %v", err)
	}
}

func TestOneTimeStoreHandsOutOnce(t *testing.T) {
	t.Parallel()
	o := store.NewOneTimeStore(storetest.NewRedis(t))
	ctx := context.Background()
	key := "test:" + time.Now().Format(time.RFC3339Nano)
	if err := o.PutOnce(ctx, key, []byte("value"), time.Minute); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := o.TakeOnce(ctx, key); err == nil && string(v) == "value" {
				mu.Lock()
				got++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if got != 1 {
		t.Errorf("value handed out %d times", got)
	}
	if _, err := o.TakeOnce(ctx, key); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("after taking: %v", err)
	}
}
