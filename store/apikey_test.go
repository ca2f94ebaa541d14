package store_test

import (
	"context"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func TestAPIKeyStore(t *testing.T) {
	t.Parallel()
	b := idSetup(t)
	ctx := context.Background()
	ctxA, ctxB := idCtx(b.user.ID, b.tenantA.ID), idCtx(b.user.ID, b.tenantB.ID)
	hash := randomHash(t)
	exp := b.now.Add(time.Hour)
	k := &scalefield.APIKey{Name: "export", Prefix: "sk_abcdefgh", Role: scalefield.RoleAnalyst, CreatedBy: b.user.ID, CreatedAt: b.now, ExpiresAt: &exp}
	if err := b.ids.CreateAPIKey(ctxA, k, hash); err != nil {
		t.Fatal(err)
	}
	if k.ID == "" || k.TenantID != b.tenantA.ID {
		t.Fatalf("key = %+v", k)
	}
	if err := b.ids.CreateAPIKey(ctxA, &scalefield.APIKey{Name: "dup", Prefix: "sk_x", Role: scalefield.RoleViewer, CreatedAt: b.now}, hash); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
		t.Errorf("same secret twice: %v", err)
	}
	if err := b.ids.CreateAPIKey(ctxA, &scalefield.APIKey{Name: "root", Prefix: "sk_y", Role: scalefield.RolePlatformAdmin, CreatedAt: b.now}, randomHash(t)); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("platform-admin key: %v", err)
	}
	if err := b.ids.CreateAPIKey(ctx, k, randomHash(t)); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("without a session: %v", err)
	}

	found, err := b.ids.FindAPIKeyBySecretHash(ctx, hash)
	if err != nil || found.ID != k.ID || found.CreatedBy != b.user.ID || !found.ExpiresAt.Equal(exp) || found.LastUsedAt != nil {
		t.Fatalf("by hash = %+v, %v", found, err)
	}
	if keys, err := b.ids.ListAPIKeys(ctxB); err != nil || len(keys) != 0 {
		t.Errorf("tenant B lists %v, %v", keys, err)
	}
	if _, err := b.ids.RevokeAPIKey(ctxB, k.ID, b.now); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B revokes: %v", err)
	}

	for i, tc := range []struct {
		at   time.Time
		want time.Time
	}{
		{b.now, b.now},
		{b.now.Add(59 * time.Second), b.now},
		{b.now.Add(60 * time.Second), b.now.Add(60 * time.Second)},
	} {
		if err := b.ids.TouchAPIKey(ctx, b.tenantA.ID, k.ID, tc.at, time.Minute); err != nil {
			t.Fatal(err)
		}
		keys, _ := b.ids.ListAPIKeys(ctxA)
		if got := keys[0].LastUsedAt; got == nil || !got.Equal(tc.want) {
			t.Errorf("touch %d: last used %v, want %v", i, got, tc.want)
		}
	}
	r, err := b.ids.RevokeAPIKey(ctxA, k.ID, b.now.Add(time.Hour))
	if err != nil || r.RevokedAt == nil {
		t.Fatalf("revoke = %+v, %v", r, err)
	}
	r, _ = b.ids.RevokeAPIKey(ctxA, k.ID, b.now.Add(2*time.Hour))
	if !r.RevokedAt.Equal(b.now.Add(time.Hour)) {
		t.Errorf("revoking again moved the time to %v", r.RevokedAt)
	}
}
