package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/store"
)

// The demo tenant made by --demo.
const (
	demoTenantSlug = "demo"
	demoAdminEmail = "admin@demo.scalefield.local"
	// demoAnalystEmail is made only when SCALEFIELD_DEMO_ANALYST_PASSWORD is
	// set (the browser tests use it).
	demoAnalystEmail = "analyst@demo.scalefield.local"
)

// seedDemo creates the demo tenant, its admin and an HEC token when the
// tenant does not exist yet, all in one transaction, and prints the
// credentials once. Later starts find the tenant and print nothing.
func seedDemo(ctx context.Context, cfg Config, tenants *store.TenantService, users *store.UserService, out io.Writer, log *slog.Logger) error {
	if _, err := tenants.FindTenantBySlug(ctx, demoTenantSlug); err == nil {
		log.Info("demo tenant exists", "slug", demoTenantSlug)
		return nil
	} else if scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		return err
	}

	password := cfg.DemoPassword
	if password == "" {
		password = rand.Text()
	}
	secret := cfg.DemoHECToken
	if secret == "" {
		secret = store.NewHECSecret()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	t := &scalefield.Tenant{Slug: demoTenantSlug, Name: "Demo Organisation"}
	admin := scalefield.AddMemberRequest{Email: demoAdminEmail, DisplayName: "Demo Admin", PasswordHash: hash}
	if err := tenants.CreateTenantWithAdmin(ctx, t, admin, &scalefield.HECToken{Name: "demo", Sourcetype: "_json"}, secret, nil); err != nil {
		return err
	}
	if cfg.DemoAnalystPassword != "" {
		hash, err := auth.HashPassword(cfg.DemoAnalystPassword)
		if err != nil {
			return err
		}
		analyst := scalefield.AddMemberRequest{Email: demoAnalystEmail, DisplayName: "Demo Analyst", PasswordHash: hash, Role: scalefield.RoleAnalyst}
		ctx := scalefield.NewContextWithSession(ctx, &scalefield.Session{TenantID: t.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
		if _, err := users.AddMember(ctx, analyst, nil); err != nil {
			return fmt.Errorf("demo analyst: %w", err)
		}
	}
	log.Info("demo tenant created", "slug", t.Slug, "tenant_id", t.ID)
	fmt.Fprintf(out, `
  Scalefield demo tenant created. These credentials are shown once.

    tenant     %s
    email      %s
    password   %s
    HEC token  %s

`, t.Slug, demoAdminEmail, password, secret)
	return nil
}
