package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

var _ scalefield.HECTokenService = (*HECTokenService)(nil)

// HECTokenService stores HTTP Event Collector tokens, hashed.
type HECTokenService struct{ db *DB }

// NewHECTokenService returns an HECTokenService on db.
func NewHECTokenService(db *DB) *HECTokenService { return &HECTokenService{db: db} }

// hashSecret is the stored form of a token secret. The secrets are random
// 128-bit values, so a fast hash is enough: there is nothing to brute-force.
func hashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// NewHECSecret returns a new random token secret in Splunk's GUID form.
func NewHECSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// CreateHECToken stores a token for t.TenantID with the given secret (see
// NewHECSecret). The secret itself is not kept.
func (s *HECTokenService) CreateHECToken(ctx context.Context, t *scalefield.HECToken, secret string) error {
	tx, err := s.db.beginForTenant(ctx, t.TenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := createHECToken(ctx, tx, t, secret); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func createHECToken(ctx context.Context, q dbtx, t *scalefield.HECToken, secret string) error {
	if len(secret) < 16 {
		return scalefield.Errorf(scalefield.EINVALID, "HEC token secret must be at least 16 characters")
	}
	if t.Name == "" {
		return scalefield.Errorf(scalefield.EINVALID, "HEC token name is required")
	}
	err := q.QueryRow(ctx, `
		INSERT INTO hec_tokens (tenant_id, name, prefix, token_hash, source, sourcetype)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		t.TenantID, t.Name, secret[:8], hashSecret(secret), t.Source, t.Sourcetype).Scan(&t.ID)
	return constraintError(err, "create HEC token")
}

// AuthenticateHECToken returns the active token with the given secret.
// ENOTFOUND if none matches.
func (s *HECTokenService) AuthenticateHECToken(ctx context.Context, secret string) (*scalefield.HECToken, error) {
	t, err := s.lookupIngestToken(ctx, secret)
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "HEC token not found")
	}
	return &t.HECToken, nil
}

// ListHECTokens returns the caller's tenant's tokens, newest first,
// revoked ones included.
func (s *HECTokenService) ListHECTokens(ctx context.Context) ([]*scalefield.HECToken, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT `+hecTokenColumns+` FROM hec_tokens WHERE tenant_id = $1 ORDER BY created_at DESC, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list HEC tokens: %w", err)
	}
	tokens, err := pgx.CollectRows(rows, scanHECToken)
	if err != nil {
		return nil, fmt.Errorf("list HEC tokens: %w", err)
	}
	return tokens, nil
}

// IssueHECToken creates a token in the caller's tenant with a new secret,
// and appends audit (if any) in the same transaction.
func (s *HECTokenService) IssueHECToken(ctx context.Context, t *scalefield.HECToken, audit *scalefield.AuditEntry) (string, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	t.TenantID = tenantID
	secret := NewHECSecret()
	if err := createHECToken(ctx, tx, t, secret); err != nil {
		return "", err
	}
	stored, err := findHECToken(ctx, tx, tenantID, t.ID)
	if err != nil {
		return "", err
	}
	*t = *stored
	if err := appendTargetAudit(ctx, tx, audit, "hec_token", t.ID, map[string]any{"name": t.Name}); err != nil {
		return "", err
	}
	if err := tx.Commit(ctx); err != nil {
		return "", fmt.Errorf("issue HEC token: commit: %w", err)
	}
	return secret, nil
}

// RevokeHECToken revokes a token of the caller's tenant at once; revoking a
// revoked token changes nothing. ENOTFOUND if none.
func (s *HECTokenService) RevokeHECToken(ctx context.Context, id string, audit *scalefield.AuditEntry) (*scalefield.HECToken, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `UPDATE hec_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id::text = $2`, tenantID, id); err != nil {
		return nil, fmt.Errorf("revoke HEC token: %w", err)
	}
	t, err := findHECToken(ctx, tx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if err := appendTargetAudit(ctx, tx, audit, "hec_token", t.ID, map[string]any{"name": t.Name}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("revoke HEC token: commit: %w", err)
	}
	return t, nil
}

const hecTokenColumns = `id, tenant_id, name, prefix, source, sourcetype, created_at, revoked_at`

func scanHECToken(row pgx.CollectableRow) (*scalefield.HECToken, error) {
	var t scalefield.HECToken
	return &t, row.Scan(&t.ID, &t.TenantID, &t.Name, &t.Prefix, &t.Source, &t.Sourcetype, &t.CreatedAt, &t.RevokedAt)
}

func findHECToken(ctx context.Context, tx pgx.Tx, tenantID, id string) (*scalefield.HECToken, error) {
	rows, err := tx.Query(ctx, `SELECT `+hecTokenColumns+` FROM hec_tokens WHERE tenant_id = $1 AND id::text = $2`, tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("find HEC token: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanHECToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "HEC token not found")
	} else if err != nil {
		return nil, fmt.Errorf("find HEC token: %w", err)
	}
	return t, nil
}
