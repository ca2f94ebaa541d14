// Package graph is the GraphQL API of Scalefield: one schema file per domain
// (*.graphqls) with its resolvers beside it. Resolvers convert arguments,
// call a domain service and convert the result; they hold no business logic.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import (
	"context"
	"net/url"
	"strings"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph/model"
)

// Resolver holds the services the resolvers call. It is built once by
// cmd/scalefield and shared by every request.
type Resolver struct {
	AuthService   scalefield.AuthService
	TenantService scalefield.TenantService
	UserService   scalefield.UserService
	EventService  scalefield.EventService
	GoldService   scalefield.GoldService
	EventBroker   scalefield.EventBroker
	HECTokens     scalefield.HECTokenService
	Ingest        scalefield.IngestService
	MFAService    scalefield.MFAService
	APIKeyService scalefield.APIKeyService
	SSO           scalefield.SSOService
	// PublicURL is the server's external base URL, for SSO redirect URLs.
	PublicURL    string
	Authorizer   scalefield.Authorizer
	AuditService scalefield.AuditService
	// TenantAdmin creates tenants (platform administration).
	TenantAdmin TenantCreator
	// HashPassword checks a new password against the policy and hashes it.
	HashPassword func(password, email string) (string, error)
	// Invalidate tells the authorizer of every replica that memberships or
	// keys changed; nil when authorization reads them live.
	Invalidate func(ctx context.Context) error
	// Gather serves the gather zone's nodes, imports and enrollment; nil
	// when the engine runs without it.
	Gather GatherService
}

// TenantCreator creates a tenant with its first administrator.
type TenantCreator interface {
	// CreateTenantWithAdmin: see store.TenantService. EINVALID, ECONFLICT.
	CreateTenantWithAdmin(ctx context.Context, t *scalefield.Tenant, admin scalefield.AddMemberRequest,
		hec *scalefield.HECToken, hecSecret string, audit *scalefield.AuditEntry) error
}

// invalidateAuthorization propagates a change of roles; a failure is
// logged by the authorizer and covered by its periodic reload.
func (r *Resolver) invalidateAuthorization(ctx context.Context) {
	if r.Invalidate != nil {
		_ = r.Invalidate(ctx)
	}
}

// ssoSettings converts settings, with the callback URL of the caller's
// tenant that the identity provider must be given.
func (r *Resolver) ssoSettings(ctx context.Context, s *scalefield.SSOSettings) (*model.SsoSettings, error) {
	t, err := r.TenantService.FindTenantByID(ctx, scalefield.TenantIDFromContext(ctx))
	if err != nil {
		return nil, err
	}
	redirect := strings.TrimRight(r.PublicURL, "/") + "/auth/oidc/" + url.PathEscape(t.Slug) + "/callback"
	return toModelSSOSettings(s, redirect), nil
}
