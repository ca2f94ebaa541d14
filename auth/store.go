package auth

import (
	"context"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// CredentialStore is what the Service reads about memberships.
// store.UserService implements it.
type CredentialStore interface {
	// FindMemberships returns the tenants the user belongs to.
	FindMemberships(ctx context.Context, userID string) ([]scalefield.TenantMembership, error)
}

// SessionStore keeps sign-in sessions and their refresh tokens.
type SessionStore interface {
	// CreateSession stores s (filling in s.ID) with its first refresh
	// token, given as its SHA-256.
	CreateSession(ctx context.Context, s *scalefield.AuthSession, refreshHash []byte, refreshExpiresAt time.Time) error
	// FindSession returns a session of the tenant; ENOTFOUND if none.
	FindSession(ctx context.Context, tenantID, id string) (*scalefield.AuthSession, error)
	// RotateRefreshToken marks the refresh token with oldHash used and
	// stores newHash as its successor, expiring idle after now but never
	// after the session. When the old token had been used already it
	// revokes the session instead and reports Reused. ENOTFOUND for an
	// unknown token; EUNAUTHORIZED for an expired token or an ended
	// session.
	RotateRefreshToken(ctx context.Context, oldHash, newHash []byte, now time.Time, idle time.Duration) (*scalefield.RefreshRotation, error)
	// RevokeSession ends a session of the tenant. ENOTFOUND if none.
	RevokeSession(ctx context.Context, tenantID, id, reason string, at time.Time) error
	// RevokeUserSessions ends every active session of the user in every
	// tenant and returns how many it ended.
	RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time) (int, error)
}

// AccountStore keeps what sign-in knows of a user: the password hash and
// the failed attempts.
type AccountStore interface {
	// FindAccountByEmail returns the account with the email; ENOTFOUND if
	// none.
	FindAccountByEmail(ctx context.Context, email string) (*scalefield.Account, error)
	// FindAccountByID returns the account; ENOTFOUND if none.
	FindAccountByID(ctx context.Context, userID string) (*scalefield.Account, error)
	// RecordLoginFailure counts a failed attempt at `at`. From the
	// threshold-th failure in a row on, it locks the account for base,
	// doubled with every further failure, up to max, and returns the end of
	// the lock (nil while under the threshold).
	RecordLoginFailure(ctx context.Context, userID string, at time.Time, threshold int, base, max time.Duration) (*time.Time, error)
	// RecordLoginSuccess clears the failed attempts and any lock.
	RecordLoginSuccess(ctx context.Context, userID string) error
	// ChangePassword stores a new password hash for the user, clears the
	// failed sign-ins and revokes every other active session of the user
	// (keepSessionID stays), in one transaction. Returns the sessions
	// revoked. ENOTFOUND for an unknown user.
	ChangePassword(ctx context.Context, userID, passwordHash, keepSessionID string, at time.Time) (int, error)
}

// MFAStore keeps TOTP secrets and recovery codes.
type MFAStore interface {
	// FindMFA returns the user's authenticator; ENOTFOUND if none.
	FindMFA(ctx context.Context, userID string) (*scalefield.MFASecret, error)
	// SavePendingMFA stores a not yet confirmed secret, replacing an
	// earlier pending one. ECONFLICT when MFA is already enabled.
	SavePendingMFA(ctx context.Context, userID string, secretEnc []byte) error
	// EnableMFA confirms the pending secret with the step of its first
	// code and replaces the recovery codes. ECONFLICT when already enabled,
	// ENOTFOUND when nothing is pending.
	EnableMFA(ctx context.Context, userID string, step int64, recoveryHashes [][]byte, at time.Time) error
	// UseTOTPStep records step as the last one used, and reports false
	// when it is not after the last one (a replay).
	UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	// UseRecoveryCode marks the unused code with the hash used and returns
	// how many unused codes remain. ENOTFOUND when no unused code matches.
	UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) (int, error)
}

// APIKeyStore keeps API keys.
type APIKeyStore interface {
	// CreateAPIKey stores k in the tenant of ctx's session (filling in ID
	// and TenantID) with the SHA-256 of its secret.
	CreateAPIKey(ctx context.Context, k *scalefield.APIKey, secretHash []byte) error
	// ListAPIKeys returns the keys of ctx's tenant, newest first.
	ListAPIKeys(ctx context.Context) ([]*scalefield.APIKey, error)
	// RevokeAPIKey revokes a key of ctx's tenant. ENOTFOUND if none.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) (*scalefield.APIKey, error)
	// FindAPIKeyBySecretHash returns the key, revoked or expired or not,
	// with that hash. ENOTFOUND if none.
	FindAPIKeyBySecretHash(ctx context.Context, hash []byte) (*scalefield.APIKey, error)
	// TouchAPIKey sets last_used_at to at unless it was set less than
	// every ago.
	TouchAPIKey(ctx context.Context, tenantID, id string, at time.Time, every time.Duration) error
}

// SSOStore keeps single sign-on settings and the accounts SSO creates.
type SSOStore interface {
	// FindTenantBySlug returns the tenant; ENOTFOUND if none.
	FindTenantBySlug(ctx context.Context, slug string) (*scalefield.Tenant, error)
	// FindSSOSettings returns the tenant's settings and the encrypted
	// client secret (nil if none). ENOTFOUND if none were saved.
	FindSSOSettings(ctx context.Context, tenantID string) (*scalefield.SSOSettings, []byte, error)
	// SaveSSOSettings stores the settings of ctx's tenant. When
	// keepSecret, the stored client secret stays; otherwise it becomes
	// secretEnc (nil clears it). updatedBy is the user making the change.
	SaveSSOSettings(ctx context.Context, s *scalefield.SSOSettings, secretEnc []byte, keepSecret bool, updatedBy string) error
	// UpsertSSOMember finds the account with the email or creates it
	// without a usable password, and makes it a member of the tenant with
	// role, leaving a platform-admin membership as it is. It returns the
	// user, its role now, and its role before ("" for a new member).
	// EFORBIDDEN when the account is a member of another tenant.
	UpsertSSOMember(ctx context.Context, tenantID, email, displayName string, role scalefield.Role) (user *scalefield.User, now, before scalefield.Role, err error)
}

// Store is everything the Service keeps in the database.
// store.IdentityStore implements it.
type Store interface {
	SessionStore
	AccountStore
	MFAStore
	APIKeyStore
	SSOStore
}

// OneTimeStore keeps short-lived values that can be read once: SSO states
// and SSO login codes. store.OneTimeStore implements it on Redis, so every
// replica sees them.
type OneTimeStore interface {
	// PutOnce stores value under key for ttl.
	PutOnce(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// TakeOnce returns the value and deletes it, atomically. ENOTFOUND
	// when there is none (never stored, expired or already taken).
	TakeOnce(ctx context.Context, key string) ([]byte, error)
}
