package auth

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
)

// API keys read "sk_<prefix>_<secret>": an 8-character random prefix, shown
// in lists so people recognise their keys, and 256 random bits.
const (
	apiKeyPrefix    = "sk_"
	apiKeyPrefixLen = 8
	// prefixAlphabet avoids characters people confuse.
	prefixAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
)

// errInvalidAPIKey is the one answer to a key that is unknown, revoked or
// expired.
var errInvalidAPIKey = scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid, revoked or expired API key")

// newAPIKeySecret returns a new key and its visible prefix ("sk_ab12cd34").
func newAPIKeySecret() (secret, prefix string, err error) {
	b := make([]byte, apiKeyPrefixLen)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	for i := range b {
		b[i] = prefixAlphabet[int(b[i])%len(prefixAlphabet)]
	}
	random, err := randomToken(32)
	if err != nil {
		return "", "", err
	}
	prefix = apiKeyPrefix + string(b)
	return prefix + "_" + random, prefix, nil
}

// CreateAPIKey creates a key in the caller's tenant with the role and
// optional expiry, and returns it with its secret, which is not kept and
// cannot be shown again. A key's role may not exceed its creator's, and no
// key is a platform admin. EINVALID for a bad name, role or expiry;
// EFORBIDDEN when the role is too high or the caller is an API key or a
// session limited to MFA enrolment; EUNAUTHORIZED without a session.
func (s *Service) CreateAPIKey(ctx context.Context, name string, role scalefield.Role, expiresAt *time.Time) (*scalefield.APIKey, string, error) {
	if err := s.ready(); err != nil {
		return nil, "", err
	}
	sess := scalefield.SessionFromContext(ctx)
	if sess != nil && sess.APIKeyID != "" {
		return nil, "", scalefield.Errorf(scalefield.EFORBIDDEN, "API keys cannot create API keys")
	}
	sess, err := fullUserSession(ctx)
	if err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "" || utf8.RuneCountInString(name) > 100:
		return nil, "", scalefield.Errorf(scalefield.EINVALID, "API key name must be 1 to 100 characters")
	case !role.Valid():
		return nil, "", scalefield.Errorf(scalefield.EINVALID, "unknown role %q", role)
	case role == scalefield.RolePlatformAdmin:
		return nil, "", scalefield.Errorf(scalefield.EFORBIDDEN, "API keys cannot be platform admins")
	case roleRank(role) < roleRank(sess.Role):
		return nil, "", scalefield.Errorf(scalefield.EFORBIDDEN, "an API key's role cannot exceed your own (%s)", sess.Role)
	case expiresAt != nil && !expiresAt.After(s.now()):
		return nil, "", scalefield.Errorf(scalefield.EINVALID, "API key expiry must be in the future")
	}
	secret, prefix, err := newAPIKeySecret()
	if err != nil {
		return nil, "", err
	}
	k := &scalefield.APIKey{Name: name, Prefix: prefix, Role: role, CreatedBy: sess.UserID, CreatedAt: s.now()}
	if expiresAt != nil {
		exp := expiresAt.UTC()
		k.ExpiresAt = &exp
	}
	if err := s.Store.CreateAPIKey(ctx, k, hashToken(secret)); err != nil {
		return nil, "", err
	}
	s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditAPIKeyCreated, TenantID: k.TenantID,
		ActorType: "user", ActorID: sess.UserID, TargetType: "apikey", TargetID: k.ID,
		Details: map[string]any{"name": k.Name, "prefix": k.Prefix, "role": string(k.Role), "expires_at": k.ExpiresAt}})
	return k, secret, nil
}

// ListAPIKeys returns the caller's tenant's keys, newest first, without
// secrets. EUNAUTHORIZED without a session; EFORBIDDEN for a session
// limited to MFA enrolment.
func (s *Service) ListAPIKeys(ctx context.Context) ([]*scalefield.APIKey, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := fullSession(ctx); err != nil {
		return nil, err
	}
	return s.Store.ListAPIKeys(ctx)
}

// RevokeAPIKey revokes a key of the caller's tenant at once. ENOTFOUND if
// the tenant has no such key; EUNAUTHORIZED without a session; EFORBIDDEN
// for a session limited to MFA enrolment.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) (*scalefield.APIKey, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := fullSession(ctx); err != nil {
		return nil, err
	}
	k, err := s.Store.RevokeAPIKey(ctx, id, s.now())
	if err != nil {
		return nil, err
	}
	sess := scalefield.SessionFromContext(ctx)
	actorType, actorID := "user", sess.UserID
	if sess.APIKeyID != "" {
		actorType, actorID = "apikey", sess.APIKeyID
	}
	s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditAPIKeyRevoked, TenantID: k.TenantID,
		ActorType: actorType, ActorID: actorID, TargetType: "apikey", TargetID: k.ID,
		Details: map[string]any{"name": k.Name, "prefix": k.Prefix}})
	return k, nil
}

// fullSession checks that ctx has a session (user or API key) that is not
// limited to MFA enrolment.
func fullSession(ctx context.Context) error {
	sess := scalefield.SessionFromContext(ctx)
	if sess == nil || sess.TenantID == "" {
		return scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	if sess.Scope != scalefield.ScopeFull {
		return scalefield.Errorf(scalefield.EFORBIDDEN, "set up multi-factor authentication first")
	}
	return nil
}

// authenticateAPIKey verifies an "sk_…" key and returns its session.
// Refusals are audited as apikey.refused.
func (s *Service) authenticateAPIKey(ctx context.Context, secret string) (*scalefield.Session, error) {
	prefix := secret
	if i := strings.IndexByte(secret[len(apiKeyPrefix):], '_'); i > 0 {
		prefix = secret[:len(apiKeyPrefix)+i]
	}
	prefix = truncate(prefix, len(apiKeyPrefix)+apiKeyPrefixLen)
	k, err := s.Store.FindAPIKeyBySecretHash(ctx, hashToken(secret))
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditAPIKeyRefused,
			Details: map[string]any{"reason": "unknown", "prefix": prefix}})
		return nil, errInvalidAPIKey
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	reason := ""
	switch {
	case k.RevokedAt != nil:
		reason = "revoked"
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		reason = "expired"
	}
	if reason != "" {
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditAPIKeyRefused, TenantID: k.TenantID,
			ActorType: "apikey", ActorID: k.ID, ActorLabel: k.Name, TargetType: "apikey", TargetID: k.ID,
			Details: map[string]any{"reason": reason, "prefix": k.Prefix}})
		return nil, errInvalidAPIKey
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= s.Config.APIKeyTouchEvery {
		if err := s.Store.TouchAPIKey(ctx, k.TenantID, k.ID, now, s.Config.APIKeyTouchEvery); err != nil {
			return nil, err
		}
	}
	sess := &scalefield.Session{APIKeyID: k.ID, TenantID: k.TenantID, Role: k.Role, AMR: []string{"key"}, Scope: scalefield.ScopeFull}
	if k.ExpiresAt != nil {
		sess.ExpiresAt = *k.ExpiresAt
	}
	return sess, nil
}
