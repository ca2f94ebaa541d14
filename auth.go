package scalefield

import (
	"context"
	"time"
)

// Session is the verified identity behind a request: who is calling and in
// which tenant. It comes only from a verified credential, never from
// request arguments.
type Session struct {
	// UserID is set for people; APIKeyID for integrators. Exactly one is.
	UserID   string
	APIKeyID string
	TenantID string
	Role     Role
	// SessionID names the sign-in (the refresh-token family) an access
	// token belongs to, so that signing out revokes it; empty for API keys.
	SessionID string
	// AMR lists how the caller proved who they are (RFC 8176 values: "pwd",
	// "otp", "mfa", "fed" for SSO, and "key" for API keys).
	AMR []string
	// Scope limits what the session may do.
	Scope SessionScope
	// ExpiresAt is when the credential stops being valid.
	ExpiresAt time.Time
}

// SessionScope limits a session.
type SessionScope string

// Session scopes.
const (
	// ScopeFull may do whatever the role permits.
	ScopeFull SessionScope = "full"
	// ScopeMFAEnrollment may only enrol an authenticator: an administrator
	// without MFA gets nothing else.
	ScopeMFAEnrollment SessionScope = "mfa-enrollment"
)

// Subject is the Casbin subject of the session: "user:<id>" or
// "apikey:<id>".
func (s *Session) Subject() string {
	if s.APIKeyID != "" {
		return "apikey:" + s.APIKeyID
	}
	return "user:" + s.UserID
}

// LoginRequest is a password sign-in.
type LoginRequest struct {
	Email    string
	Password string
	// TenantSlug picks the tenant; optional when the user has one membership.
	TenantSlug string
	// RemoteAddr is the client address, for the audit trail and rate limits.
	RemoteAddr string
}

// LoginResult is what a successful sign-in returns.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	User      *User
	Tenant    *Tenant
	Role      Role
}

// AuthService signs users in and verifies their tokens.
type AuthService interface {
	// Login checks the credentials and issues an access token.
	// EUNAUTHORIZED for a wrong email or password (the message does not say
	// which), EINVALID when the tenant must be chosen or does not exist for
	// the user.
	Login(ctx context.Context, req LoginRequest) (*LoginResult, error)

	// Authenticate verifies an access token and returns its session.
	// EUNAUTHORIZED if the token is missing, malformed, expired or not ours.
	Authenticate(ctx context.Context, token string) (*Session, error)
}

type sessionKey struct{}

// NewContextWithSession returns a copy of ctx carrying s.
func NewContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFromContext returns the session of the request, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// TenantIDFromContext returns the tenant of the request's session, or "".
func TenantIDFromContext(ctx context.Context) string {
	if s := SessionFromContext(ctx); s != nil {
		return s.TenantID
	}
	return ""
}
