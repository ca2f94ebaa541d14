package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// IdentityStore keeps sign-in state on PostgreSQL: sessions and their
// refresh tokens (this file), accounts and lockout (login.go), TOTP
// secrets and recovery codes (mfa.go), API keys (apikey.go) and SSO
// settings (oidc.go). It implements auth.Store.
//
// Tenant-scoped statements run in db.beginTenant / db.beginForTenant and
// name tenant_id in their WHERE clause. The few that must run before a
// tenant is known, or on rows that have none, use the privileged pool and
// say so: they are the pre-authentication lookups.
type IdentityStore struct{ db *DB }

// NewIdentityStore returns an IdentityStore on db.
func NewIdentityStore(db *DB) *IdentityStore { return &IdentityStore{db: db} }

// isUUID reports whether s has the textual form of a UUID, so a malformed
// identifier reads as not found instead of failing the query.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
		default:
			return false
		}
	}
	return true
}

const sessionColumns = `s.id, s.tenant_id, s.user_id, s.amr, s.scope, s.created_at, s.last_used_at, s.expires_at,
	s.revoked_at, coalesce(s.revoke_reason, ''), s.ip, s.user_agent`

func scanSession(row pgx.Row, extra ...any) (*scalefield.AuthSession, error) {
	var s scalefield.AuthSession
	dest := append([]any{&s.ID, &s.TenantID, &s.UserID, &s.AMR, &s.Scope, &s.CreatedAt, &s.LastUsedAt, &s.ExpiresAt,
		&s.RevokedAt, &s.RevokeReason, &s.IP, &s.UserAgent}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSession stores s (filling in s.ID) and its first refresh token,
// given as its SHA-256, in s.TenantID.
func (st *IdentityStore) CreateSession(ctx context.Context, s *scalefield.AuthSession, refreshHash []byte, refreshExpiresAt time.Time) error {
	tx, err := st.db.beginForTenant(ctx, s.TenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	err = tx.QueryRow(ctx, `
		INSERT INTO auth_sessions (tenant_id, user_id, amr, scope, created_at, last_used_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8) RETURNING id`,
		s.TenantID, s.UserID, s.AMR, string(s.Scope), s.CreatedAt, s.ExpiresAt, s.IP, s.UserAgent).Scan(&s.ID)
	if err != nil {
		return constraintError(err, "create session")
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO refresh_tokens (session_id, tenant_id, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, s.ID, s.TenantID, refreshHash, s.CreatedAt, refreshExpiresAt); err != nil {
		return constraintError(err, "create refresh token")
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("create session: commit: %w", err)
	}
	return nil
}

// FindSession returns a session of the tenant. ENOTFOUND if none.
func (st *IdentityStore) FindSession(ctx context.Context, tenantID, id string) (*scalefield.AuthSession, error) {
	if !isUUID(id) || !isUUID(tenantID) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "session not found")
	}
	tx, err := st.db.beginForTenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	s, err := scanSession(tx.QueryRow(ctx, `SELECT `+sessionColumns+` FROM auth_sessions s
		WHERE s.tenant_id = $1 AND s.id = $2`, tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return s, nil
}

// RotateRefreshToken exchanges the refresh token with oldHash for newHash
// in one transaction, holding both rows locked so that two concurrent
// exchanges of one token cannot both succeed. The new token expires idle
// after now, but never after its session. A token already exchanged is a
// replay: the session is revoked (reason refresh_reuse) and Reused is set.
// ENOTFOUND for an unknown token; EUNAUTHORIZED for an expired token or an
// ended session.
//
// Pre-authentication lookup: the token is all the caller has, so it runs on
// the privileged pool; the statements still name the session's tenant.
func (st *IdentityStore) RotateRefreshToken(ctx context.Context, oldHash, newHash []byte, now time.Time, idle time.Duration) (*scalefield.RefreshRotation, error) {
	tx, err := st.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("rotate refresh token: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var tokenID int64
	var rotatedAt *time.Time
	var tokenExpires time.Time
	s, err := scanSession(tx.QueryRow(ctx, `
		SELECT `+sessionColumns+`, r.id, r.rotated_at, r.expires_at
		FROM refresh_tokens r JOIN auth_sessions s ON s.id = r.session_id AND s.tenant_id = r.tenant_id
		WHERE r.token_hash = $1
		FOR UPDATE OF r, s`, oldHash), &tokenID, &rotatedAt, &tokenExpires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "refresh token not found")
	} else if err != nil {
		return nil, fmt.Errorf("rotate refresh token: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, s.TenantID); err != nil {
		return nil, fmt.Errorf("rotate refresh token: set tenant: %w", err)
	}
	if rotatedAt != nil {
		if s.RevokedAt == nil {
			if _, err := tx.Exec(ctx, `
				UPDATE auth_sessions SET revoked_at = $3, revoke_reason = 'refresh_reuse'
				WHERE tenant_id = $1 AND id = $2`, s.TenantID, s.ID, now); err != nil {
				return nil, fmt.Errorf("revoke reused session: %w", err)
			}
			s.RevokedAt, s.RevokeReason = &now, "refresh_reuse"
		}
		if err := tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("revoke reused session: commit: %w", err)
		}
		return &scalefield.RefreshRotation{Session: s, Reused: true}, nil
	}
	switch {
	case s.RevokedAt != nil:
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "your session has ended: sign in again")
	case !now.Before(tokenExpires) || !now.Before(s.ExpiresAt):
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "your session expired: sign in again")
	}
	expires := now.Add(idle)
	if expires.After(s.ExpiresAt) {
		expires = s.ExpiresAt
	}
	if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET rotated_at = $3 WHERE tenant_id = $1 AND id = $2`,
		s.TenantID, tokenID, now); err != nil {
		return nil, fmt.Errorf("rotate refresh token: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO refresh_tokens (session_id, tenant_id, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, s.ID, s.TenantID, newHash, now, expires); err != nil {
		return nil, constraintError(err, "rotate refresh token")
	}
	if _, err := tx.Exec(ctx, `UPDATE auth_sessions SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2`,
		s.TenantID, s.ID, now); err != nil {
		return nil, fmt.Errorf("rotate refresh token: touch session: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("rotate refresh token: commit: %w", err)
	}
	s.LastUsedAt = now
	return &scalefield.RefreshRotation{Session: s, ExpiresAt: expires}, nil
}

// RevokeSession ends a session of the tenant with the reason. Revoking an
// ended session again keeps its first reason. ENOTFOUND if the tenant has
// no such session.
func (st *IdentityStore) RevokeSession(ctx context.Context, tenantID, id, reason string, at time.Time) error {
	if !isUUID(id) || !isUUID(tenantID) {
		return scalefield.Errorf(scalefield.ENOTFOUND, "session not found")
	}
	tx, err := st.db.beginForTenant(ctx, tenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `
		UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, $3), revoke_reason = coalesce(revoke_reason, $4)
		WHERE tenant_id = $1 AND id = $2`, tenantID, id, at, reason)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return scalefield.Errorf(scalefield.ENOTFOUND, "session not found")
	}
	return tx.Commit(ctx)
}

// RevokeUserSessions ends every active session of the user and returns how
// many it ended.
//
// Cross-tenant by design ("sign out everywhere" covers every tenant of the
// person), so it runs on the privileged pool, keyed by the user ID taken
// from the caller's verified session.
func (st *IdentityStore) RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time) (int, error) {
	if !isUUID(userID) {
		return 0, nil
	}
	tag, err := st.db.Pool.Exec(ctx, `
		UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3
		WHERE user_id = $1 AND revoked_at IS NULL`, userID, at, reason)
	if err != nil {
		return 0, fmt.Errorf("revoke user sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
