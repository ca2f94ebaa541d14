package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	scalefield "github.com/scalefield/scalefield"
)

func TestSSOSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	admin := b.MustCreateUser(t, "it@acme.example", b.tenant, scalefield.RoleTenantAdmin)
	ctx := scalefield.NewContextWithSession(context.Background(), &scalefield.Session{UserID: admin.ID, TenantID: b.tenant.ID,
		Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})

	_, err = b.svc.SSOSettings(ctx)
	wantCode(t, err, scalefield.ENOTFOUND)

	on, off := true, false
	issuer, clientID, secret := idp.Issuer(), "scalefield", "s3cret-client"
	domains := []string{" Example.com ", "example.com", "corp.example"}
	roles := map[string]scalefield.Role{"soc": scalefield.RoleAnalyst, "admins": scalefield.RoleTenantAdmin}
	st, err := b.svc.UpdateSSOSettings(ctx, scalefield.SSOSettingsUpdate{Enabled: &on, IssuerURL: &issuer, ClientID: &clientID,
		ClientSecret: &secret, AllowedDomains: &domains, GroupRoles: &roles})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Enabled || !st.ClientSecretSet || st.GroupsClaim != "groups" || fmt.Sprint(st.AllowedDomains) != "[example.com corp.example]" {
		t.Errorf("settings = %+v", st)
	}
	got, err := b.svc.SSOSettings(ctx)
	if err != nil || got.IssuerURL != issuer || got.GroupRoles["admins"] != scalefield.RoleTenantAdmin || !got.ClientSecretSet {
		t.Errorf("read back = %+v, %v", got, err)
	}
	var enc []byte
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT client_secret_enc FROM oidc_settings WHERE tenant_id = $1`, b.tenant.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(enc, []byte(secret)) {
		t.Error("client secret stored in the clear")
	}
	if plain, err := b.svc.Secrets.Decrypt(enc, "oidc-client-secret:"+b.tenant.ID); err != nil || string(plain) != secret {
		t.Errorf("stored secret decrypts to %q, %v", plain, err)
	}
	e := b.audit.last(scalefield.AuditSSOSettings)
	if e == nil || e.ActorID != admin.ID || fmt.Sprint(e.Details) == "" || bytes.Contains([]byte(fmt.Sprint(e.Details)), []byte(secret)) {
		t.Errorf("settings audit = %+v", e)
	}

	t.Run("a partial update keeps the secret; an empty one clears it", func(t *testing.T) {
		st, err := b.svc.UpdateSSOSettings(ctx, scalefield.SSOSettingsUpdate{Enabled: &off})
		if err != nil || !st.ClientSecretSet || st.Enabled {
			t.Fatalf("partial update = %+v, %v", st, err)
		}
		empty := ""
		st, err = b.svc.UpdateSSOSettings(ctx, scalefield.SSOSettingsUpdate{ClientSecret: &empty})
		if err != nil || st.ClientSecretSet {
			t.Fatalf("clearing the secret = %+v, %v", st, err)
		}
	})

	str := func(s string) *string { return &s }
	role := func(r scalefield.Role) *scalefield.Role { return &r }
	for _, tc := range []struct {
		name string
		upd  scalefield.SSOSettingsUpdate
	}{
		{"a plain-http issuer", scalefield.SSOSettingsUpdate{IssuerURL: str("http://idp.example.com")}},
		{"an issuer with a query", scalefield.SSOSettingsUpdate{IssuerURL: str("https://idp.example.com/?x=1")}},
		{"a mapping to platform-admin", scalefield.SSOSettingsUpdate{GroupRoles: &map[string]scalefield.Role{"ops": scalefield.RolePlatformAdmin}}},
		{"a mapping to an unknown role", scalefield.SSOSettingsUpdate{GroupRoles: &map[string]scalefield.Role{"ops": "root"}}},
		{"a platform-admin default role", scalefield.SSOSettingsUpdate{DefaultRole: role(scalefield.RolePlatformAdmin)}},
		{"a bad domain", scalefield.SSOSettingsUpdate{AllowedDomains: &[]string{"user@example.com"}}},
		{"enabling without domains", scalefield.SSOSettingsUpdate{Enabled: &on, AllowedDomains: &[]string{}}},
		{"enabling without a client ID", scalefield.SSOSettingsUpdate{Enabled: &on, ClientID: str("")}},
		{"enabling an unreachable issuer", scalefield.SSOSettingsUpdate{Enabled: &on, IssuerURL: str("http://127.0.0.1:1/nowhere")}},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := b.svc.UpdateSSOSettings(ctx, tc.upd)
			wantCode(t, err, scalefield.EINVALID)
		})
	}

	t.Run("only a full session may change them", func(t *testing.T) {
		enrol := scalefield.NewContextWithSession(context.Background(), &scalefield.Session{UserID: admin.ID, TenantID: b.tenant.ID,
			Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeMFAEnrollment})
		_, err := b.svc.UpdateSSOSettings(enrol, scalefield.SSOSettingsUpdate{Enabled: &off})
		wantCode(t, err, scalefield.EFORBIDDEN)
		_, err = b.svc.UpdateSSOSettings(context.Background(), scalefield.SSOSettingsUpdate{Enabled: &off})
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})
}
