package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

const apiKeyColumns = `id, tenant_id, name, prefix, role, coalesce(created_by::text, ''), created_at, expires_at,
	last_used_at, revoked_at`

func scanAPIKey(row pgx.Row) (*scalefield.APIKey, error) {
	var k scalefield.APIKey
	err := row.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &k.Role, &k.CreatedBy, &k.CreatedAt, &k.ExpiresAt,
		&k.LastUsedAt, &k.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "API key not found")
	} else if err != nil {
		return nil, fmt.Errorf("scan API key: %w", err)
	}
	return &k, nil
}

// CreateAPIKey stores k in the tenant of ctx's session (filling in ID and
// TenantID) with the SHA-256 of its secret. EUNAUTHORIZED without a
// session; EINVALID for a bad name or role.
func (st *IdentityStore) CreateAPIKey(ctx context.Context, k *scalefield.APIKey, secretHash []byte) error {
	tx, tenantID, err := st.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var createdBy *string
	if k.CreatedBy != "" {
		createdBy = &k.CreatedBy
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, role, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		tenantID, k.Name, k.Prefix, secretHash, string(k.Role), createdBy, k.CreatedAt, k.ExpiresAt).Scan(&k.ID)
	if err != nil {
		return constraintError(err, "create API key")
	}
	k.TenantID = tenantID
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("create API key: commit: %w", err)
	}
	return nil
}

// ListAPIKeys returns the keys of ctx's tenant, newest first, revoked and
// expired ones included. EUNAUTHORIZED without a session.
func (st *IdentityStore) ListAPIKeys(ctx context.Context) ([]*scalefield.APIKey, error) {
	tx, tenantID, err := st.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.APIKey, error) { return scanAPIKey(row) })
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return keys, nil
}

// RevokeAPIKey revokes a key of ctx's tenant (a revoked key stays revoked
// at its first time) and returns it. ENOTFOUND if the tenant has no such
// key; EUNAUTHORIZED without a session.
func (st *IdentityStore) RevokeAPIKey(ctx context.Context, id string, at time.Time) (*scalefield.APIKey, error) {
	tx, tenantID, err := st.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if !isUUID(id) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "API key not found")
	}
	k, err := scanAPIKey(tx.QueryRow(ctx, `
		UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3)
		WHERE tenant_id = $1 AND id = $2 RETURNING `+apiKeyColumns, tenantID, id, at))
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("revoke API key: commit: %w", err)
	}
	return k, nil
}

// FindAPIKeyBySecretHash returns the key with the hash, revoked, expired or
// not: the caller decides and records why it refuses. ENOTFOUND if none.
//
// Pre-authentication lookup: the key is the caller's only credential, so
// it runs on the privileged pool.
func (st *IdentityStore) FindAPIKeyBySecretHash(ctx context.Context, hash []byte) (*scalefield.APIKey, error) {
	return scanAPIKey(st.db.Pool.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE secret_hash = $1`, hash))
}

// TouchAPIKey records a use of the key at `at`, unless one was recorded
// less than `every` before: a busy key costs one write a minute, not one a
// request.
func (st *IdentityStore) TouchAPIKey(ctx context.Context, tenantID, id string, at time.Time, every time.Duration) error {
	tx, err := st.db.beginForTenant(ctx, tenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `
		UPDATE api_keys SET last_used_at = $3
		WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at <= $3::timestamptz - make_interval(secs => $4::float8))`,
		tenantID, id, at, every.Seconds()); err != nil {
		return fmt.Errorf("touch API key: %w", err)
	}
	return tx.Commit(ctx)
}
