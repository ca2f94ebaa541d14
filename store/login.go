package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// Accounts belong to people, not tenants: these statements run on the
// privileged pool. They are pre-authentication lookups and writes (sign-in
// has no tenant yet) keyed by an email or by a user ID taken from a
// verified credential.

const accountColumns = `u.id, u.email, u.display_name, u.created_at, u.password_hash, u.failed_logins, u.locked_until,
	` + userMFAEnabledSQL

func scanAccount(row pgx.Row) (*scalefield.Account, error) {
	a := &scalefield.Account{User: &scalefield.User{}}
	err := row.Scan(&a.User.ID, &a.User.Email, &a.User.DisplayName, &a.User.CreatedAt, &a.PasswordHash,
		&a.FailedLogins, &a.LockedUntil, &a.MFAEnabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	return a, nil
}

// FindAccountByEmail returns the account with the email (case and
// surrounding spaces ignored). ENOTFOUND if none. Pre-authentication
// lookup.
func (st *IdentityStore) FindAccountByEmail(ctx context.Context, email string) (*scalefield.Account, error) {
	return scanAccount(st.db.Pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM users u WHERE u.email = $1`,
		strings.ToLower(strings.TrimSpace(email))))
}

// FindAccountByID returns the account. ENOTFOUND if none. Pre-authentication
// lookup (MFA challenge, refresh, SSO code).
func (st *IdentityStore) FindAccountByID(ctx context.Context, userID string) (*scalefield.Account, error) {
	if !isUUID(userID) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	}
	return scanAccount(st.db.Pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM users u WHERE u.id = $1`, userID))
}

// RecordLoginFailure counts a failed sign-in at `at`. From the
// threshold-th failure in a row on, the account is locked until at +
// base·2^(failures−threshold), at most max. Returns the end of the lock,
// or nil while under the threshold. One statement, so concurrent failures
// all count. ENOTFOUND for an unknown user.
func (st *IdentityStore) RecordLoginFailure(ctx context.Context, userID string, at time.Time, threshold int, base, max time.Duration) (*time.Time, error) {
	var lockedUntil *time.Time
	err := st.db.Pool.QueryRow(ctx, `
		UPDATE users SET
			failed_logins = failed_logins + 1,
			locked_until = CASE WHEN failed_logins + 1 >= $3
				THEN $2::timestamptz + make_interval(secs => least($4::float8 * power(2, least(failed_logins + 1 - $3, 40)), $5::float8))
				ELSE locked_until END
		WHERE id = $1
		RETURNING CASE WHEN failed_logins >= $3 THEN locked_until END`,
		userID, at, threshold, base.Seconds(), max.Seconds()).Scan(&lockedUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, fmt.Errorf("record login failure: %w", err)
	}
	return lockedUntil, nil
}

// ChangePassword implements auth.AccountStore: the new hash, the failed
// sign-ins cleared, and the user's other sessions revoked, in one
// transaction.
func (st *IdentityStore) ChangePassword(ctx context.Context, userID, passwordHash, keepSessionID string, at time.Time) (int, error) {
	if !isUUID(userID) {
		return 0, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	}
	tx, err := st.db.Pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("change password: %w", err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `
		UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1`, userID, passwordHash)
	if err != nil {
		return 0, fmt.Errorf("change password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	}
	tag, err = tx.Exec(ctx, `
		UPDATE auth_sessions SET revoked_at = $2, revoke_reason = 'password_changed'
		WHERE user_id = $1 AND revoked_at IS NULL AND id::text <> $3`, userID, at, keepSessionID)
	if err != nil {
		return 0, fmt.Errorf("change password: revoke sessions: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("change password: commit: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// RecordLoginSuccess clears the failed sign-ins and any lock.
func (st *IdentityStore) RecordLoginSuccess(ctx context.Context, userID string) error {
	_, err := st.db.Pool.Exec(ctx, `
		UPDATE users SET failed_logins = 0, locked_until = NULL
		WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)`, userID)
	if err != nil {
		return fmt.Errorf("record login success: %w", err)
	}
	return nil
}
