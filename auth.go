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
	// UserAgent is the client's User-Agent, kept with the session.
	UserAgent string
}

// LoginResult is what a successful sign-in returns: either a session
// (Token and RefreshToken set) or, when the account has a second factor, an
// MFA challenge (MFARequired and MFAToken set, no tokens).
type LoginResult struct {
	// Token is the short-lived access token (JWT); empty when MFARequired.
	Token     string
	ExpiresAt time.Time
	// RefreshToken ("rt_…") exchanges for a new session with Refresh; it
	// works once. Empty when MFARequired.
	RefreshToken     string
	RefreshExpiresAt time.Time
	// SessionID names the session (the refresh-token family).
	SessionID string
	Scope     SessionScope
	AMR       []string
	// MFARequired says a second factor is needed: pass MFAToken to
	// VerifyMFA before MFATokenExpiresAt.
	MFARequired       bool
	MFAToken          string
	MFATokenExpiresAt time.Time
	User              *User
	Tenant            *Tenant
	Role              Role
}

// AuthService signs users in and verifies their tokens.
type AuthService interface {
	// Login checks the credentials and issues an access token.
	// EUNAUTHORIZED for a wrong email or password (the message does not say
	// which), EINVALID when the tenant must be chosen or does not exist for
	// the user.
	Login(ctx context.Context, req LoginRequest) (*LoginResult, error)

	// Authenticate verifies an access token (a JWT whose session is still
	// active) or an API key ("sk_…") and returns its session.
	// EUNAUTHORIZED if the token is missing, malformed, expired, revoked or
	// not ours.
	Authenticate(ctx context.Context, token string) (*Session, error)

	// VerifyMFA completes a sign-in that returned MFARequired, with a TOTP
	// code or a recovery code. EUNAUTHORIZED for an expired challenge, a
	// wrong, replayed or used code, or a locked account; ERATELIMIT when the
	// address tried too often.
	VerifyMFA(ctx context.Context, mfaToken, code, remoteAddr string) (*LoginResult, error)

	// Refresh exchanges a refresh token for a new access and refresh token;
	// the old refresh token stops working. A refresh token presented again
	// after it was exchanged revokes its whole session. EUNAUTHORIZED for an
	// unknown, expired, reused or revoked token; ERATELIMIT when the address
	// tried too often.
	Refresh(ctx context.Context, refreshToken, remoteAddr string) (*LoginResult, error)

	// CompleteSSOLogin exchanges the one-time code the SSO callback handed
	// to the browser for a session. EUNAUTHORIZED for an unknown, expired or
	// used code.
	CompleteSSOLogin(ctx context.Context, code string) (*LoginResult, error)

	// Logout revokes the session of ctx. EUNAUTHORIZED without a session,
	// EINVALID for an API key.
	Logout(ctx context.Context) error

	// LogoutEverywhere revokes every session of the user of ctx, in every
	// tenant. EUNAUTHORIZED without a session, EINVALID for an API key.
	LogoutEverywhere(ctx context.Context) error

	// ChangePassword replaces the password of the user of ctx after
	// checking the current one (a wrong one counts as a failed sign-in),
	// and signs out every other session of the user. EINVALID when the new
	// password breaks the policy, for an SSO account, or for an API key;
	// EUNAUTHORIZED for a wrong current password or a locked account.
	ChangePassword(ctx context.Context, current, next string) error
}

// MFAEnrollment is a TOTP authenticator being enrolled.
type MFAEnrollment struct {
	// Secret is the base32 secret, for manual entry.
	Secret string
	// URI is the otpauth:// URI that QRCodePNG encodes.
	URI string
	// QRCodePNG is a PNG image of the QR code.
	QRCodePNG []byte
}

// MFAConfirmation is the result of a confirmed enrolment.
type MFAConfirmation struct {
	// RecoveryCodes are ten one-time codes, shown only this once.
	RecoveryCodes []string
	// Login is the new full-scope session that replaces the caller's.
	Login *LoginResult
}

// MFAService enrols TOTP authenticators.
type MFAService interface {
	// BeginMFAEnrollment creates a new pending TOTP secret for the user of
	// ctx (replacing an earlier pending one). EUNAUTHORIZED without a user
	// session, ECONFLICT when MFA is already enabled.
	BeginMFAEnrollment(ctx context.Context) (*MFAEnrollment, error)
	// ConfirmMFAEnrollment enables MFA when code is valid for the pending
	// secret, and returns recovery codes and a new full session (the
	// caller's session is revoked). EUNAUTHORIZED without a user session or
	// for a wrong code, ENOTFOUND when no enrolment was begun, ECONFLICT
	// when MFA is already enabled.
	ConfirmMFAEnrollment(ctx context.Context, code string) (*MFAConfirmation, error)
}

// APIKey is a credential for integrators: it acts in one tenant with one
// role. Its secret is shown once, when created.
type APIKey struct {
	ID       string
	TenantID string
	Name     string
	// Prefix is the visible start of the key ("sk_ab12cd34"), for lists.
	Prefix string
	Role   Role
	// CreatedBy is the user who created the key ("" once deleted).
	CreatedBy  string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// APIKeyService manages the API keys of the caller's tenant.
type APIKeyService interface {
	// CreateAPIKey creates a key in the caller's tenant and returns it with
	// its secret, which is not kept. EINVALID for a bad name, role or
	// expiry; EFORBIDDEN when role exceeds the caller's, is platform-admin,
	// or the caller is not a full user session; EUNAUTHORIZED without one.
	CreateAPIKey(ctx context.Context, name string, role Role, expiresAt *time.Time) (*APIKey, string, error)
	// ListAPIKeys returns the caller's tenant's keys, newest first.
	// EUNAUTHORIZED without a session.
	ListAPIKeys(ctx context.Context) ([]*APIKey, error)
	// RevokeAPIKey revokes a key of the caller's tenant. ENOTFOUND if none;
	// EUNAUTHORIZED without a session.
	RevokeAPIKey(ctx context.Context, id string) (*APIKey, error)
}

// SSOSettings configure a tenant's OpenID Connect identity provider.
type SSOSettings struct {
	TenantID  string
	Enabled   bool
	IssuerURL string
	ClientID  string
	// ClientSecretSet reports whether a client secret is stored; the secret
	// itself is never returned.
	ClientSecretSet bool
	// AllowedDomains are the email domains that may sign in (lower case).
	AllowedDomains []string
	// GroupsClaim names the ID token claim that lists the user's groups.
	GroupsClaim string
	// GroupRoles maps a group to the role its members get; the most
	// privileged match wins.
	GroupRoles map[string]Role
	// DefaultRole is given to users in no mapped group; "" refuses them.
	DefaultRole Role
	// ExtraScopes are asked for besides openid, email and profile.
	ExtraScopes []string
	UpdatedAt   time.Time
}

// SSOSettingsUpdate changes SSO settings; nil fields stay as they are.
type SSOSettingsUpdate struct {
	Enabled   *bool
	IssuerURL *string
	ClientID  *string
	// ClientSecret replaces the stored secret; "" clears it.
	ClientSecret   *string
	AllowedDomains *[]string
	GroupsClaim    *string
	GroupRoles     *map[string]Role
	// DefaultRole "" means none.
	DefaultRole *Role
	ExtraScopes *[]string
}

// SSOLoginInfo tells a sign-in page whether a tenant has single sign-on.
type SSOLoginInfo struct {
	Enabled bool
	// LoginURL starts the sign-in at the identity provider, when Enabled.
	LoginURL string
}

// SSOService manages a tenant's single sign-on settings.
type SSOService interface {
	// SSOSettings returns the caller's tenant's settings. ENOTFOUND when
	// none were saved; EUNAUTHORIZED without a session.
	SSOSettings(ctx context.Context) (*SSOSettings, error)
	// UpdateSSOSettings changes the caller's tenant's settings, creating
	// them on first use. EINVALID for a bad issuer URL, role or mapping
	// (platform-admin cannot be granted); EFORBIDDEN for a session that is
	// not a full user session; EUNAUTHORIZED without a session.
	UpdateSSOSettings(ctx context.Context, upd SSOSettingsUpdate) (*SSOSettings, error)
	// SSOLogin tells whether the tenant with the slug has SSO enabled and
	// where to start it. Unknown tenants read as not enabled.
	SSOLogin(ctx context.Context, tenantSlug string) (*SSOLoginInfo, error)
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

type remoteAddrKey struct{}

// NewContextWithRemoteAddr returns a copy of ctx carrying the client's IP
// address, which the HTTP layer sets for the audit trail and rate limits.
func NewContextWithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteAddrKey{}, addr)
}

// RemoteAddrFromContext returns the client's IP address, or "".
func RemoteAddrFromContext(ctx context.Context) string {
	s, _ := ctx.Value(remoteAddrKey{}).(string)
	return s
}

// TenantIDFromContext returns the tenant of the request's session, or "".
func TenantIDFromContext(ctx context.Context) string {
	if s := SessionFromContext(ctx); s != nil {
		return s.TenantID
	}
	return ""
}

// AuthSession is a stored sign-in: the refresh-token family that access
// tokens name in their sid claim. Revoking it ends every token of it.
type AuthSession struct {
	ID           string
	TenantID     string
	UserID       string
	AMR          []string
	Scope        SessionScope
	CreatedAt    time.Time
	LastUsedAt   time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	RevokeReason string
	IP           string
	UserAgent    string
}

// RefreshRotation is the outcome of exchanging a refresh token.
type RefreshRotation struct {
	Session *AuthSession
	// Reused says the token had been exchanged before: it leaked, and the
	// session is now revoked.
	Reused bool
	// ExpiresAt is when the new refresh token expires.
	ExpiresAt time.Time
}

// Account is a user as sign-in sees it: credentials, lockout and MFA state.
type Account struct {
	User *User
	// PasswordHash is a PHC argon2id hash, or a marker starting with "!"
	// for accounts that cannot sign in with a password (SSO).
	PasswordHash string
	FailedLogins int
	LockedUntil  *time.Time
	MFAEnabled   bool
}

// MFASecret is a user's stored TOTP authenticator.
type MFASecret struct {
	UserID string
	// SecretEnc is the encrypted base32 secret.
	SecretEnc []byte
	// EnabledAt is nil while the enrolment is pending.
	EnabledAt *time.Time
	// LastStep is the last TOTP time step accepted; earlier or equal steps
	// are refused.
	LastStep int64
}
