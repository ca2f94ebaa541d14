package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time checks that the Service implements the domain interfaces.
var (
	_ scalefield.AuthService   = (*Service)(nil)
	_ scalefield.MFAService    = (*Service)(nil)
	_ scalefield.APIKeyService = (*Service)(nil)
	_ scalefield.SSOService    = (*Service)(nil)
)

// Config tunes the Service. DefaultConfig gives the documented defaults.
type Config struct {
	// SessionTTL is the absolute lifetime of a sign-in: refreshing rotates
	// the refresh token but never extends the session past it. Default 7
	// days.
	SessionTTL time.Duration
	// RefreshIdleTTL is how long a refresh token stays usable: a session
	// not refreshed for this long ends. Default 24 hours.
	RefreshIdleTTL time.Duration
	// MFAChallengeTTL is how long the second factor may take. Default 5m.
	MFAChallengeTTL time.Duration
	// LockoutThreshold failed sign-ins in a row lock the account for
	// LockoutBase; each further failure doubles the lock up to LockoutMax.
	// Defaults 5, 1 minute, 1 hour.
	LockoutThreshold int
	LockoutBase      time.Duration
	LockoutMax       time.Duration
	// Limits per client IP address.
	LoginLimit   scalefield.Limit // password sign-in: 10/min, burst 5
	MFALimit     scalefield.Limit // second factor: 10/min, burst 5
	RefreshLimit scalefield.Limit // refresh: 60/min, burst 20
	SSOLimit     scalefield.Limit // SSO start and callback: 30/min, burst 10
	// TOTPIssuer names the service in authenticator apps.
	TOTPIssuer string
	// APIKeyTouchEvery bounds how often an API key's last use is written.
	APIKeyTouchEvery time.Duration
	// PublicURL is the server's external base URL (scheme and host, e.g.
	// https://scalefield.example.com); OIDC redirect URIs are
	// PublicURL/auth/oidc/<tenant>/callback.
	PublicURL string
	// SSOStateTTL bounds the time spent at the identity provider; SSOCodeTTL
	// the time between the callback and CompleteSSOLogin.
	SSOStateTTL time.Duration
	SSOCodeTTL  time.Duration
}

// DefaultConfig returns the defaults described on Config, with PublicURL
// http://127.0.0.1:8080.
func DefaultConfig() Config {
	return Config{
		SessionTTL:       7 * 24 * time.Hour,
		RefreshIdleTTL:   24 * time.Hour,
		MFAChallengeTTL:  5 * time.Minute,
		LockoutThreshold: 5,
		LockoutBase:      time.Minute,
		LockoutMax:       time.Hour,
		LoginLimit:       scalefield.Limit{Events: 10, Window: time.Minute, Burst: 5},
		MFALimit:         scalefield.Limit{Events: 10, Window: time.Minute, Burst: 5},
		RefreshLimit:     scalefield.Limit{Events: 60, Window: time.Minute, Burst: 20},
		SSOLimit:         scalefield.Limit{Events: 30, Window: time.Minute, Burst: 10},
		TOTPIssuer:       "Scalefield",
		APIKeyTouchEvery: time.Minute,
		PublicURL:        "http://127.0.0.1:8080",
		SSOStateTTL:      10 * time.Minute,
		SSOCodeTTL:       time.Minute,
	}
}

// Validate reports every bad value at once.
func (c Config) Validate() error {
	var errs []error
	positive := map[string]time.Duration{
		"session TTL": c.SessionTTL, "refresh idle TTL": c.RefreshIdleTTL, "MFA challenge TTL": c.MFAChallengeTTL,
		"lockout base": c.LockoutBase, "lockout max": c.LockoutMax, "API key touch interval": c.APIKeyTouchEvery,
		"SSO state TTL": c.SSOStateTTL, "SSO code TTL": c.SSOCodeTTL,
	}
	for name, d := range positive {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s %s: must be positive", name, d))
		}
	}
	if c.RefreshIdleTTL > c.SessionTTL {
		errs = append(errs, fmt.Errorf("refresh idle TTL %s: must not exceed the session TTL %s", c.RefreshIdleTTL, c.SessionTTL))
	}
	if c.LockoutThreshold < 1 {
		errs = append(errs, fmt.Errorf("lockout threshold %d: must be at least 1", c.LockoutThreshold))
	}
	if c.LockoutMax < c.LockoutBase {
		errs = append(errs, fmt.Errorf("lockout max %s: must be at least the base %s", c.LockoutMax, c.LockoutBase))
	}
	for name, l := range map[string]scalefield.Limit{"login": c.LoginLimit, "MFA": c.MFALimit, "refresh": c.RefreshLimit, "SSO": c.SSOLimit} {
		if l.Events < 1 || l.Window <= 0 || l.Burst < 1 {
			errs = append(errs, fmt.Errorf("%s limit %+v: events, window and burst must be positive", name, l))
		}
	}
	if c.TOTPIssuer == "" || strings.Contains(c.TOTPIssuer, ":") {
		errs = append(errs, fmt.Errorf("TOTP issuer %q: must be set and contain no colon", c.TOTPIssuer))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("public URL %q: must be an absolute http(s) URL", c.PublicURL))
	}
	return errors.Join(errs...)
}

// Service signs users in and keeps their sessions: passwords with lockout,
// TOTP second factors, refresh-token rotation, API keys and per-tenant
// OIDC single sign-on. Every field but Log, Now and HTTPClient is
// required; Validate says which is missing.
type Service struct {
	Users   CredentialStore
	Store   Store
	OneTime OneTimeStore
	Signer  *Signer
	// Secrets seals TOTP secrets and OIDC client secrets at rest.
	Secrets *Cipher
	Audit   scalefield.AuditService
	Limiter scalefield.RateLimiter
	Config  Config
	// Now defaults to time.Now.
	Now scalefield.Clock
	// Log receives what cannot be returned (a failed audit append).
	// Defaults to slog.Default().
	Log *slog.Logger
	// HTTPClient talks to identity providers. Defaults to a client with a
	// 10-second timeout.
	HTTPClient *http.Client

	providersMu sync.Mutex
	providers   map[string]*cachedProvider
}

// Validate reports a missing dependency or a bad Config. Every method
// returns the same error, as EINTERNAL, while it is not nil.
func (s *Service) Validate() error {
	var errs []error
	for name, missing := range map[string]bool{
		"Users": s.Users == nil, "Store": s.Store == nil, "OneTime": s.OneTime == nil, "Signer": s.Signer == nil,
		"Secrets": s.Secrets == nil, "Audit": s.Audit == nil, "Limiter": s.Limiter == nil,
	} {
		if missing {
			errs = append(errs, fmt.Errorf("auth service: %s is required", name))
		}
	}
	if err := s.Config.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("auth service config: %w", err))
	}
	return errors.Join(errs...)
}

func (s *Service) ready() error {
	if err := s.Validate(); err != nil {
		return &scalefield.Error{Code: scalefield.EINTERNAL, Message: "authentication is not configured", Err: err}
	}
	return nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// audit appends an entry, filling in the client address from ctx when
// missing. A failed append is logged, not returned: the sign-in it
// describes has already happened.
func (s *Service) audit(ctx context.Context, e scalefield.AuditEntry) {
	if e.IP == "" {
		e.IP = scalefield.RemoteAddrFromContext(ctx)
	}
	e.IP = clientIP(e.IP)
	if e.ActorType == "" {
		e.ActorType = "anonymous"
	}
	// A user is shown by email, as every entry of a sign-in is: entries
	// made from a session alone (sign-out, API keys) know only the ID.
	if e.ActorType == "user" && e.ActorLabel == "" && e.ActorID != "" {
		if acct, err := s.Store.FindAccountByID(ctx, e.ActorID); err == nil {
			e.ActorLabel = acct.User.Email
		}
	}
	if err := s.Audit.AppendAudit(ctx, &e); err != nil {
		s.log().ErrorContext(ctx, "audit append failed", "action", e.Action, "tenant", e.TenantID, "error", err)
	}
}

// limit counts one attempt of kind from ip ("login:ip:203.0.113.7").
// ERATELIMIT when over the limit.
func (s *Service) limit(ctx context.Context, kind, ip string, l scalefield.Limit) error {
	if ip == "" {
		ip = "unknown"
	}
	return s.Limiter.Allow(ctx, kind+":ip:"+ip, l, 1)
}

// clientIP returns the IP address of addr ("ip" or "ip:port"), or "" when
// it is not one.
func clientIP(addr string) string {
	addr = strings.TrimSpace(addr)
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	if ip := net.ParseIP(addr); ip != nil {
		return ip.String()
	}
	return ""
}

// userActor fills the actor of an audit entry with a user.
func userActor(e scalefield.AuditEntry, u *scalefield.User) scalefield.AuditEntry {
	e.ActorType, e.ActorID, e.ActorLabel = "user", u.ID, u.Email
	return e
}

// errSessionEnded answers an access token whose session is over.
var errSessionEnded = scalefield.Errorf(scalefield.EUNAUTHORIZED, "your session has ended: sign in again")

// Authenticate verifies an access token and checks that its session is
// still active (not revoked, not expired), or verifies an API key
// ("sk_…"). EUNAUTHORIZED if the credential is missing, malformed,
// expired, revoked or not ours.
func (s *Service) Authenticate(ctx context.Context, token string) (*scalefield.Session, error) {
	if token == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	if err := s.ready(); err != nil {
		return nil, err
	}
	if strings.HasPrefix(token, apiKeyPrefix) {
		return s.authenticateAPIKey(ctx, token)
	}
	sess, err := s.Signer.Verify(token)
	if err != nil {
		return nil, err
	}
	// One primary-key lookup per request: correctness first, so a revoked
	// session is refused at once on every replica.
	stored, err := s.Store.FindSession(ctx, sess.TenantID, sess.SessionID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, errSessionEnded
	} else if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if stored.RevokedAt != nil || !s.now().Before(stored.ExpiresAt) || stored.UserID != sess.UserID {
		return nil, errSessionEnded
	}
	return sess, nil
}

// userSession returns the session of ctx when it is a user's.
// EUNAUTHORIZED without a session; EINVALID for an API key.
func userSession(ctx context.Context) (*scalefield.Session, error) {
	sess := scalefield.SessionFromContext(ctx)
	if sess == nil || (sess.UserID == "" && sess.APIKeyID == "") {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	if sess.UserID == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "this needs a signed-in user, not an API key")
	}
	return sess, nil
}

// fullUserSession is userSession for actions a session of scope
// mfa-enrollment may not take. EFORBIDDEN for such a session.
func fullUserSession(ctx context.Context) (*scalefield.Session, error) {
	sess, err := userSession(ctx)
	if err != nil {
		return nil, err
	}
	if sess.Scope != scalefield.ScopeFull {
		return nil, scalefield.Errorf(scalefield.EFORBIDDEN, "set up multi-factor authentication first")
	}
	return sess, nil
}

// chooseTenant picks the membership for a sign-in.
func chooseTenant(ms []scalefield.TenantMembership, slug string) (*scalefield.TenantMembership, error) {
	switch {
	case len(ms) == 0:
		return nil, scalefield.Errorf(scalefield.EFORBIDDEN, "this account is not a member of any tenant")
	case slug == "" && len(ms) == 1:
		return &ms[0], nil
	case slug == "":
		return nil, scalefield.Errorf(scalefield.EINVALID, "this account belongs to several tenants: choose one")
	}
	for i := range ms {
		if ms[i].Tenant.Slug == slug {
			return &ms[i], nil
		}
	}
	return nil, scalefield.Errorf(scalefield.EINVALID, "this account is not a member of tenant %q", slug)
}

// membershipIn returns the membership in the tenant; ENOTFOUND if none.
func (s *Service) membershipIn(ctx context.Context, userID, tenantID string) (*scalefield.TenantMembership, error) {
	ms, err := s.Users.FindMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].Tenant.ID == tenantID {
			return &ms[i], nil
		}
	}
	return nil, scalefield.Errorf(scalefield.ENOTFOUND, "membership not found")
}

// roleRank orders roles, 0 the most privileged.
func roleRank(r scalefield.Role) int {
	for i, v := range scalefield.Roles {
		if v == r {
			return i
		}
	}
	return len(scalefield.Roles)
}

// isAdmin reports the roles that must use MFA.
func isAdmin(r scalefield.Role) bool {
	return r == scalefield.RolePlatformAdmin || r == scalefield.RoleTenantAdmin
}

// hasAny reports whether amr holds any of the methods.
func hasAny(amr []string, methods ...string) bool {
	for _, a := range amr {
		for _, m := range methods {
			if a == m {
				return true
			}
		}
	}
	return false
}

// scopeFor is the scope of a session: an administrator who has not proved
// a second factor (or signed in through the tenant's identity provider)
// may only enrol one.
func scopeFor(role scalefield.Role, amr []string) scalefield.SessionScope {
	if isAdmin(role) && !hasAny(amr, "mfa", "otp", "fed") {
		return scalefield.ScopeMFAEnrollment
	}
	return scalefield.ScopeFull
}
