package auth_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.MustCreateUser(t, "root@acme.example", b.tenant, scalefield.RoleTenantAdmin)
	ctx := context.Background()
	adminCtx := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: admin.ID, TenantID: b.tenant.ID,
		Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull, AMR: []string{"pwd", "otp", "mfa"}})

	exp := b.clock.Now().Add(48 * time.Hour)
	key, secret, err := b.svc.CreateAPIKey(adminCtx, " siem export ", scalefield.RoleAnalyst, &exp)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^sk_[a-z2-9]{8}_[A-Za-z0-9_-]{43}$`).MatchString(secret) || secret[:11] != key.Prefix {
		t.Fatalf("secret %q, prefix %q", secret, key.Prefix)
	}
	if key.Name != "siem export" || key.TenantID != b.tenant.ID || key.CreatedBy != admin.ID || key.Role != scalefield.RoleAnalyst {
		t.Errorf("key = %+v", key)
	}
	if e := b.audit.last(scalefield.AuditAPIKeyCreated); e == nil || e.TargetID != key.ID || e.ActorID != admin.ID || e.ActorLabel != "root@acme.example" {
		t.Errorf("create audit = %+v", e)
	}

	sess, err := b.svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if sess.APIKeyID != key.ID || sess.UserID != "" || sess.TenantID != b.tenant.ID || sess.Role != scalefield.RoleAnalyst ||
		sess.Scope != scalefield.ScopeFull || len(sess.AMR) != 1 || sess.AMR[0] != "key" || !sess.ExpiresAt.Equal(exp) {
		t.Errorf("session = %+v", sess)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		keys, err := b.svc.ListAPIKeys(adminCtx)
		if err != nil || len(keys) != 1 {
			t.Fatalf("list = %v, %v", keys, err)
		}
		return keys[0].LastUsedAt
	}
	first := lastUsed()
	if first == nil || !first.Equal(b.clock.Now()) {
		t.Fatalf("last used = %v, want %v", first, b.clock.Now())
	}
	b.clock.Advance(30 * time.Second)
	if _, err := b.svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(*first) {
		t.Errorf("last used written again within a minute: %v", got)
	}
	b.clock.Advance(31 * time.Second)
	if _, err := b.svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(b.clock.Now()) {
		t.Errorf("last used = %v after a minute, want %v", got, b.clock.Now())
	}

	t.Run("an expired key is refused", func(t *testing.T) {
		soon := b.clock.Now().Add(time.Minute)
		_, short, err := b.svc.CreateAPIKey(adminCtx, "short-lived", scalefield.RoleViewer, &soon)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Authenticate(ctx, short); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
		b.clock.Advance(time.Minute)
		_, err = b.svc.Authenticate(ctx, short)
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if e := b.audit.last(scalefield.AuditAPIKeyRefused); e == nil || e.Details["reason"] != "expired" {
			t.Errorf("refusal audit = %+v", e)
		}
	})

	t.Run("a revoked key is refused", func(t *testing.T) {
		revoked, err := b.svc.RevokeAPIKey(adminCtx, key.ID)
		if err != nil || revoked.RevokedAt == nil {
			t.Fatalf("revoke = %+v, %v", revoked, err)
		}
		if e := b.audit.last(scalefield.AuditAPIKeyRevoked); e == nil || e.TargetID != key.ID {
			t.Errorf("revoke audit = %+v", e)
		}
		_, err = b.svc.Authenticate(ctx, secret)
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if e := b.audit.last(scalefield.AuditAPIKeyRefused); e == nil || e.Details["reason"] != "revoked" || e.TenantID != b.tenant.ID {
			t.Errorf("refusal audit = %+v", e)
		}
		_, err = b.svc.RevokeAPIKey(adminCtx, "00000000-0000-0000-0000-000000000000")
		wantCode(t, err, scalefield.ENOTFOUND)
	})

	t.Run("an unknown key is refused", func(t *testing.T) {
		_, err := b.svc.Authenticate(ctx, "sk_abcdefgh_"+secret[12:])
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if e := b.audit.last(scalefield.AuditAPIKeyRefused); e.Details["reason"] != "unknown" || e.Details["prefix"] != "sk_abcdefgh" {
			t.Errorf("refusal audit = %+v", e)
		}
	})

	t.Run("another tenant does not see or revoke the keys", func(t *testing.T) {
		other := MustCreateTenant(t, b.tenants, "globex")
		otherCtx := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: admin.ID, TenantID: other.ID,
			Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
		keys, err := b.svc.ListAPIKeys(otherCtx)
		if err != nil || len(keys) != 0 {
			t.Errorf("other tenant lists %v, %v", keys, err)
		}
		_, err = b.svc.RevokeAPIKey(otherCtx, key.ID)
		wantCode(t, err, scalefield.ENOTFOUND)
	})
}

func TestAPIKeyCreationRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	past := b.clock.Now().Add(-time.Minute)
	as := func(role scalefield.Role, scope scalefield.SessionScope) context.Context {
		return scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "00000000-0000-0000-0000-000000000001",
			TenantID: b.tenant.ID, Role: role, Scope: scope})
	}
	keyCtx := scalefield.NewContextWithSession(ctx, &scalefield.Session{APIKeyID: "k", TenantID: b.tenant.ID,
		Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		keyName string
		role    scalefield.Role
		expires *time.Time
		code    string
	}{
		{"a manager cannot make a tenant-admin key", as(scalefield.RoleManager, scalefield.ScopeFull), "k", scalefield.RoleTenantAdmin, nil, scalefield.EFORBIDDEN},
		{"nobody makes a platform-admin key", as(scalefield.RolePlatformAdmin, scalefield.ScopeFull), "k", scalefield.RolePlatformAdmin, nil, scalefield.EFORBIDDEN},
		{"an enrolment-only session cannot", as(scalefield.RoleTenantAdmin, scalefield.ScopeMFAEnrollment), "k", scalefield.RoleViewer, nil, scalefield.EFORBIDDEN},
		{"an API key cannot", keyCtx, "k", scalefield.RoleViewer, nil, scalefield.EFORBIDDEN},
		{"without a session", ctx, "k", scalefield.RoleViewer, nil, scalefield.EUNAUTHORIZED},
		{"an empty name", as(scalefield.RoleTenantAdmin, scalefield.ScopeFull), "  ", scalefield.RoleViewer, nil, scalefield.EINVALID},
		{"an unknown role", as(scalefield.RoleTenantAdmin, scalefield.ScopeFull), "k", "root", nil, scalefield.EINVALID},
		{"an expiry in the past", as(scalefield.RoleTenantAdmin, scalefield.ScopeFull), "k", scalefield.RoleViewer, &past, scalefield.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := b.svc.CreateAPIKey(tc.ctx, tc.keyName, tc.role, tc.expires)
			wantCode(t, err, tc.code)
		})
	}
}
