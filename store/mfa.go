package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// userMFAEnabledSQL is an SQL expression, over a users row aliased u, that
// is true when the user has a confirmed TOTP authenticator. Member lists
// select it.
const userMFAEnabledSQL = `EXISTS (SELECT 1 FROM user_mfa f WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL)`

// A second factor belongs to the person, whatever tenant they sign in to:
// user_mfa and mfa_recovery_codes have no tenant, and these statements run
// on the privileged pool, keyed by a user ID taken from a verified
// credential (a session or an MFA challenge).

// FindMFA returns the user's authenticator, pending or enabled. ENOTFOUND
// if none.
func (st *IdentityStore) FindMFA(ctx context.Context, userID string) (*scalefield.MFASecret, error) {
	if !isUUID(userID) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "no authenticator")
	}
	m := &scalefield.MFASecret{UserID: userID}
	err := st.db.Pool.QueryRow(ctx, `SELECT secret_enc, enabled_at, last_step FROM user_mfa WHERE user_id = $1`, userID).
		Scan(&m.SecretEnc, &m.EnabledAt, &m.LastStep)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "no authenticator")
	} else if err != nil {
		return nil, fmt.Errorf("find mfa: %w", err)
	}
	return m, nil
}

// SavePendingMFA stores a secret awaiting its first code, replacing an
// earlier pending one. ECONFLICT when MFA is already enabled.
func (st *IdentityStore) SavePendingMFA(ctx context.Context, userID string, secretEnc []byte) error {
	tag, err := st.db.Pool.Exec(ctx, `
		INSERT INTO user_mfa (user_id, secret_enc) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, last_step = 0, created_at = now()
		WHERE user_mfa.enabled_at IS NULL`, userID, secretEnc)
	if err != nil {
		return constraintError(err, "save pending mfa")
	}
	if tag.RowsAffected() == 0 {
		return scalefield.Errorf(scalefield.ECONFLICT, "multi-factor authentication is already enabled")
	}
	return nil
}

// EnableMFA confirms the pending secret, records step as the last one
// used, and replaces the recovery codes with the given hashes, in one
// transaction. ECONFLICT when already enabled; ENOTFOUND when nothing is
// pending.
func (st *IdentityStore) EnableMFA(ctx context.Context, userID string, step int64, recoveryHashes [][]byte, at time.Time) error {
	tx, err := st.db.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("enable mfa: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var enabledAt *time.Time
	err = tx.QueryRow(ctx, `SELECT enabled_at FROM user_mfa WHERE user_id = $1 FOR UPDATE`, userID).Scan(&enabledAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return scalefield.Errorf(scalefield.ENOTFOUND, "no enrolment in progress")
	} else if err != nil {
		return fmt.Errorf("enable mfa: %w", err)
	}
	if enabledAt != nil {
		return scalefield.Errorf(scalefield.ECONFLICT, "multi-factor authentication is already enabled")
	}
	if _, err := tx.Exec(ctx, `UPDATE user_mfa SET enabled_at = $2, last_step = $3 WHERE user_id = $1`, userID, at, step); err != nil {
		return fmt.Errorf("enable mfa: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("enable mfa: clear recovery codes: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::bytea[]) AS h`,
		userID, recoveryHashes); err != nil {
		return constraintError(err, "store recovery codes")
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("enable mfa: commit: %w", err)
	}
	return nil
}

// UseTOTPStep records step as the last TOTP step used, and reports false
// (recording nothing) when step is not after the last one: the code was
// replayed. One conditional UPDATE, so two concurrent uses of one code
// cannot both succeed.
func (st *IdentityStore) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	tag, err := st.db.Pool.Exec(ctx, `
		UPDATE user_mfa SET last_step = $2
		WHERE user_id = $1 AND enabled_at IS NOT NULL AND last_step < $2`, userID, step)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UseRecoveryCode marks the user's unused recovery code with the hash as
// used and returns how many unused codes remain. ENOTFOUND when no unused
// code matches (wrong, or used before).
func (st *IdentityStore) UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) (int, error) {
	tx, err := st.db.Pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("use recovery code: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `
		UPDATE mfa_recovery_codes SET used_at = $3
		WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, hash, at)
	if err != nil {
		return 0, fmt.Errorf("use recovery code: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, scalefield.Errorf(scalefield.ENOTFOUND, "recovery code not found")
	}
	var remaining int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
		userID).Scan(&remaining); err != nil {
		return 0, fmt.Errorf("use recovery code: count: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("use recovery code: commit: %w", err)
	}
	return remaining, nil
}
