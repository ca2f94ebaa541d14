package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	scalefield "github.com/scalefield/scalefield"
)

// SSOError is a failed single sign-on step. Reason is a short code for the
// sign-in page (/login?sso_error=<reason>): unknown_tenant, disabled,
// state, idp_error, exchange, id_token, nonce, email, email_unverified,
// domain, no_role, account_elsewhere (the email's account belongs to
// another tenant: it signs in with its password), rate_limit, internal. Err is the domain error with a message
// safe to show.
type SSOError struct {
	Reason string
	Err    error
}

// Error implements the error interface.
func (e *SSOError) Error() string { return "sso " + e.Reason + ": " + e.Err.Error() }

// Unwrap returns the domain error.
func (e *SSOError) Unwrap() error { return e.Err }

func ssoError(reason, code, format string, args ...any) *SSOError {
	return &SSOError{Reason: reason, Err: scalefield.Errorf(code, format, args...)}
}

// providerCacheTTL bounds how long an identity provider's discovery
// document (and the key set behind it) is reused.
const providerCacheTTL = time.Hour

type cachedProvider struct {
	provider *oidc.Provider
	at       time.Time
}

var defaultHTTPClient = &http.Client{Timeout: 10 * time.Second}

func (s *Service) httpClient() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return defaultHTTPClient
}

// provider returns the discovered provider of issuer, from the cache when
// fresh.
func (s *Service) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	s.providersMu.Lock()
	c, ok := s.providers[issuer]
	s.providersMu.Unlock()
	if ok && time.Since(c.at) < providerCacheTTL {
		return c.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.httpClient()), issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery of %s: %w", issuer, err)
	}
	s.providersMu.Lock()
	if s.providers == nil {
		s.providers = map[string]*cachedProvider{}
	}
	s.providers[issuer] = &cachedProvider{provider: p, at: time.Now()}
	s.providersMu.Unlock()
	return p, nil
}

// clientSecretContext binds an encrypted client secret to its tenant.
func clientSecretContext(tenantID string) string { return "oidc-client-secret:" + tenantID }

// SSOSettings returns the caller's tenant's SSO settings (never the client
// secret). ENOTFOUND when none were saved; EUNAUTHORIZED without a
// session; EFORBIDDEN for a session limited to MFA enrolment.
func (s *Service) SSOSettings(ctx context.Context) (*scalefield.SSOSettings, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := fullSession(ctx); err != nil {
		return nil, err
	}
	st, _, err := s.Store.FindSSOSettings(ctx, scalefield.TenantIDFromContext(ctx))
	return st, err
}

// UpdateSSOSettings changes the caller's tenant's SSO settings, creating
// them on first use, and audits the change (never the secret). When the
// result is enabled, the issuer's discovery document must answer.
// EINVALID for a bad issuer URL (https only, but http://127.0.0.1 and
// http://localhost for tests), role, mapping (platform-admin cannot be
// granted), domain or scope, or an unreachable issuer; EUNAUTHORIZED
// without a session; EFORBIDDEN for a session limited to MFA enrolment.
func (s *Service) UpdateSSOSettings(ctx context.Context, upd scalefield.SSOSettingsUpdate) (*scalefield.SSOSettings, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := fullSession(ctx); err != nil {
		return nil, err
	}
	sess := scalefield.SessionFromContext(ctx)
	st, _, err := s.Store.FindSSOSettings(ctx, sess.TenantID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		st = &scalefield.SSOSettings{TenantID: sess.TenantID, GroupsClaim: "groups", GroupRoles: map[string]scalefield.Role{}}
	} else if err != nil {
		return nil, err
	}
	before := *st
	changed := applySSOUpdate(st, upd)
	if err := validateSSOSettings(st); err != nil {
		return nil, err
	}
	if st.Enabled && (!before.Enabled || st.IssuerURL != before.IssuerURL) {
		if _, err := s.provider(ctx, st.IssuerURL); err != nil {
			return nil, &scalefield.Error{Code: scalefield.EINVALID,
				Message: "the identity provider's discovery document (issuer URL + /.well-known/openid-configuration) could not be read", Err: err}
		}
	}
	var secretEnc []byte
	keep := upd.ClientSecret == nil
	if !keep && *upd.ClientSecret != "" {
		if secretEnc, err = s.Secrets.Encrypt([]byte(*upd.ClientSecret), clientSecretContext(sess.TenantID)); err != nil {
			return nil, err
		}
	}
	if !keep {
		st.ClientSecretSet = secretEnc != nil
		changed = append(changed, "client_secret")
	}
	st.UpdatedAt = s.now()
	if err := s.Store.SaveSSOSettings(ctx, st, secretEnc, keep, sess.UserID); err != nil {
		return nil, err
	}
	actorType, actorID := "user", sess.UserID
	if sess.APIKeyID != "" {
		actorType, actorID = "apikey", sess.APIKeyID
	}
	s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditSSOSettings, TenantID: sess.TenantID,
		ActorType: actorType, ActorID: actorID, TargetType: "sso_settings", TargetID: sess.TenantID,
		Details: map[string]any{"changed": changed, "enabled": st.Enabled, "issuer_url": st.IssuerURL}})
	return st, nil
}

// applySSOUpdate applies the set fields of upd to st, normalized, and
// returns the names of the fields it set.
func applySSOUpdate(st *scalefield.SSOSettings, upd scalefield.SSOSettingsUpdate) []string {
	changed := []string{}
	if upd.Enabled != nil {
		st.Enabled, changed = *upd.Enabled, append(changed, "enabled")
	}
	if upd.IssuerURL != nil {
		st.IssuerURL, changed = strings.TrimSpace(*upd.IssuerURL), append(changed, "issuer_url")
	}
	if upd.ClientID != nil {
		st.ClientID, changed = strings.TrimSpace(*upd.ClientID), append(changed, "client_id")
	}
	if upd.AllowedDomains != nil {
		st.AllowedDomains = nil
		for _, d := range *upd.AllowedDomains {
			if d = strings.ToLower(strings.TrimSpace(d)); d != "" && !slices.Contains(st.AllowedDomains, d) {
				st.AllowedDomains = append(st.AllowedDomains, d)
			}
		}
		changed = append(changed, "allowed_domains")
	}
	if upd.GroupsClaim != nil {
		st.GroupsClaim, changed = strings.TrimSpace(*upd.GroupsClaim), append(changed, "groups_claim")
	}
	if upd.GroupRoles != nil {
		st.GroupRoles = map[string]scalefield.Role{}
		for g, r := range *upd.GroupRoles {
			st.GroupRoles[strings.TrimSpace(g)] = r
		}
		changed = append(changed, "group_roles")
	}
	if upd.DefaultRole != nil {
		st.DefaultRole, changed = *upd.DefaultRole, append(changed, "default_role")
	}
	if upd.ExtraScopes != nil {
		st.ExtraScopes = nil
		for _, sc := range *upd.ExtraScopes {
			if sc = strings.TrimSpace(sc); sc != "" && !slices.Contains(st.ExtraScopes, sc) {
				st.ExtraScopes = append(st.ExtraScopes, sc)
			}
		}
		changed = append(changed, "extra_scopes")
	}
	return changed
}

// validateSSOSettings checks settings about to be saved.
func validateSSOSettings(st *scalefield.SSOSettings) error {
	invalid := func(format string, args ...any) error { return scalefield.Errorf(scalefield.EINVALID, format, args...) }
	if st.IssuerURL != "" || st.Enabled {
		if err := validateIssuerURL(st.IssuerURL); err != nil {
			return err
		}
	}
	if st.GroupsClaim == "" || len(st.GroupsClaim) > 100 {
		return invalid("groups claim must be 1 to 100 characters")
	}
	for g, r := range st.GroupRoles {
		switch {
		case g == "" || len(g) > 200:
			return invalid("group names must be 1 to 200 characters")
		case !r.Valid():
			return invalid("group %q: unknown role %q", g, r)
		case r == scalefield.RolePlatformAdmin:
			return invalid("group %q: single sign-on cannot grant platform-admin", g)
		}
	}
	if st.DefaultRole != "" && (!st.DefaultRole.Valid() || st.DefaultRole == scalefield.RolePlatformAdmin) {
		return invalid("default role %q: must be a tenant role other than platform-admin, or none", st.DefaultRole)
	}
	for _, d := range st.AllowedDomains {
		if strings.ContainsAny(d, "@/ ") || !strings.Contains(d, ".") && d != "localhost" {
			return invalid("allowed domain %q: must be a domain such as example.com", d)
		}
	}
	for _, sc := range st.ExtraScopes {
		if strings.ContainsAny(sc, " \t\"") {
			return invalid("scope %q: must be one word", sc)
		}
	}
	if st.Enabled {
		switch {
		case st.ClientID == "":
			return invalid("a client ID is required to enable single sign-on")
		case len(st.AllowedDomains) == 0:
			return invalid("at least one allowed email domain is required to enable single sign-on")
		case len(st.GroupRoles) == 0 && st.DefaultRole == "":
			return invalid("a group mapping or a default role is required to enable single sign-on")
		}
	}
	return nil
}

// validateIssuerURL accepts https URLs, and http only on the loopback
// host (for tests and local identity providers).
func validateIssuerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return scalefield.Errorf(scalefield.EINVALID, "issuer URL %q: must be an absolute URL without query or fragment", raw)
	}
	switch host := u.Hostname(); {
	case u.Scheme == "https":
	case u.Scheme == "http" && (host == "127.0.0.1" || host == "localhost" || host == "::1"):
	default:
		return scalefield.Errorf(scalefield.EINVALID, "issuer URL %q: must use https", raw)
	}
	return nil
}

// SSOLogin tells whether the tenant with the slug has single sign-on
// enabled and where the browser starts it. An unknown tenant reads as not
// enabled, so the answer does not reveal which tenants exist.
func (s *Service) SSOLogin(ctx context.Context, tenantSlug string) (*scalefield.SSOLoginInfo, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	slug := strings.ToLower(strings.TrimSpace(tenantSlug))
	t, err := s.Store.FindTenantBySlug(ctx, slug)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return &scalefield.SSOLoginInfo{}, nil
	} else if err != nil {
		return nil, err
	}
	st, _, err := s.Store.FindSSOSettings(ctx, t.ID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND || (err == nil && !st.Enabled) {
		return &scalefield.SSOLoginInfo{}, nil
	} else if err != nil {
		return nil, err
	}
	return &scalefield.SSOLoginInfo{Enabled: true, LoginURL: s.ssoURL(t.Slug, "login")}, nil
}

// ssoURL is PublicURL/auth/oidc/<slug>/<step>.
func (s *Service) ssoURL(slug, step string) string {
	return strings.TrimRight(s.Config.PublicURL, "/") + "/auth/oidc/" + url.PathEscape(slug) + "/" + step
}

// ssoState is what the SSO start remembers for the callback.
type ssoState struct {
	TenantID string    `json:"tenant_id"`
	Slug     string    `json:"slug"`
	Verifier string    `json:"verifier"`
	Nonce    string    `json:"nonce"`
	Created  time.Time `json:"created"`
}

// ssoCode is what the callback hands to CompleteSSOLogin.
type ssoCode struct {
	UserID   string `json:"user_id"`
	TenantID string `json:"tenant_id"`
}

// ssoTenant loads an enabled tenant's settings and its OAuth2 client.
func (s *Service) ssoTenant(ctx context.Context, slug string) (*scalefield.Tenant, *scalefield.SSOSettings, *oauth2.Config, *oidc.Provider, error) {
	t, err := s.Store.FindTenantBySlug(ctx, strings.ToLower(strings.TrimSpace(slug)))
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, nil, nil, nil, ssoError("unknown_tenant", scalefield.ENOTFOUND, "unknown tenant")
	} else if err != nil {
		return nil, nil, nil, nil, err
	}
	st, secretEnc, err := s.Store.FindSSOSettings(ctx, t.ID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND || (err == nil && !st.Enabled) {
		return nil, nil, nil, nil, ssoError("disabled", scalefield.ENOTFOUND, "single sign-on is not enabled for this tenant")
	} else if err != nil {
		return nil, nil, nil, nil, err
	}
	var secret []byte
	if secretEnc != nil {
		if secret, err = s.Secrets.Decrypt(secretEnc, clientSecretContext(t.ID)); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("sso client secret: %w", err)
		}
	}
	p, err := s.provider(ctx, st.IssuerURL)
	if err != nil {
		return nil, nil, nil, nil, &SSOError{Reason: "idp_error", Err: &scalefield.Error{Code: scalefield.EUNAVAILABLE,
			Message: "the identity provider cannot be reached", Err: err}}
	}
	cfg := &oauth2.Config{
		ClientID: st.ClientID, ClientSecret: string(secret), Endpoint: p.Endpoint(),
		RedirectURL: s.ssoURL(t.Slug, "callback"),
		Scopes:      append([]string{oidc.ScopeOpenID, "email", "profile"}, st.ExtraScopes...),
	}
	return t, st, cfg, p, nil
}

// BeginSSOLogin starts a sign-in at the tenant's identity provider: it
// remembers a random state with the PKCE verifier and the nonce (single
// use, SSOStateTTL) and returns the provider's authorization URL to send
// the browser to. *SSOError (ENOTFOUND) for an unknown tenant or one
// without SSO; ERATELIMIT when the address tried too often.
func (s *Service) BeginSSOLogin(ctx context.Context, tenantSlug, remoteAddr string) (string, error) {
	if err := s.ready(); err != nil {
		return "", err
	}
	if err := s.limit(ctx, "sso", clientIP(remoteAddr), s.Config.SSOLimit); err != nil {
		return "", err
	}
	t, _, cfg, _, err := s.ssoTenant(ctx, tenantSlug)
	if err != nil {
		return "", err
	}
	state, err := randomToken(32)
	if err != nil {
		return "", err
	}
	nonce, err := randomToken(32)
	if err != nil {
		return "", err
	}
	verifier := oauth2.GenerateVerifier()
	data, err := json.Marshal(ssoState{TenantID: t.ID, Slug: t.Slug, Verifier: verifier, Nonce: nonce, Created: s.now()})
	if err != nil {
		return "", fmt.Errorf("sso state: %w", err)
	}
	if err := s.OneTime.PutOnce(ctx, "sso:state:"+state, data, s.Config.SSOStateTTL); err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), nil
}
