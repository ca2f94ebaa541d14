package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
)

// ssoPasswordHash is stored for accounts single sign-on creates: it is not
// a PHC hash, starts with "!" and matches no password (auth treats any hash
// starting with "!" as unusable).
const ssoPasswordHash = "!sso"

// FindTenantBySlug returns the tenant with the slug. ENOTFOUND if none.
// Pre-authentication lookup (the SSO sign-in page names the tenant).
func (st *IdentityStore) FindTenantBySlug(ctx context.Context, slug string) (*scalefield.Tenant, error) {
	return findTenant(ctx, st.db.Pool, "slug = $1", strings.ToLower(strings.TrimSpace(slug)))
}

// FindSSOSettings returns the tenant's SSO settings and the encrypted
// client secret (nil when none). ENOTFOUND when none were saved.
func (st *IdentityStore) FindSSOSettings(ctx context.Context, tenantID string) (*scalefield.SSOSettings, []byte, error) {
	if !isUUID(tenantID) {
		return nil, nil, scalefield.Errorf(scalefield.ENOTFOUND, "no SSO settings")
	}
	tx, err := st.db.beginForTenant(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx)
	s := &scalefield.SSOSettings{}
	var secretEnc []byte
	var defaultRole *string
	err = tx.QueryRow(ctx, `
		SELECT tenant_id, enabled, issuer_url, client_id, client_secret_enc, allowed_domains, groups_claim,
			group_roles, default_role, extra_scopes, updated_at
		FROM oidc_settings WHERE tenant_id = $1`, tenantID).
		Scan(&s.TenantID, &s.Enabled, &s.IssuerURL, &s.ClientID, &secretEnc, &s.AllowedDomains, &s.GroupsClaim,
			&s.GroupRoles, &defaultRole, &s.ExtraScopes, &s.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, scalefield.Errorf(scalefield.ENOTFOUND, "no SSO settings")
	} else if err != nil {
		return nil, nil, fmt.Errorf("find SSO settings: %w", err)
	}
	if defaultRole != nil {
		s.DefaultRole = scalefield.Role(*defaultRole)
	}
	if s.GroupRoles == nil {
		s.GroupRoles = map[string]scalefield.Role{}
	}
	s.ClientSecretSet = secretEnc != nil
	return s, secretEnc, nil
}

// SaveSSOSettings stores the settings of ctx's tenant (s.TenantID is set
// from the session). When keepSecret the stored client secret stays;
// otherwise it becomes secretEnc (nil clears it). EUNAUTHORIZED without a
// session; EINVALID for a value the table refuses.
func (st *IdentityStore) SaveSSOSettings(ctx context.Context, s *scalefield.SSOSettings, secretEnc []byte, keepSecret bool, updatedBy string) error {
	tx, tenantID, err := st.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	s.TenantID = tenantID
	var defaultRole, by *string
	if s.DefaultRole != "" {
		r := string(s.DefaultRole)
		defaultRole = &r
	}
	if updatedBy != "" {
		by = &updatedBy
	}
	domains, scopes := s.AllowedDomains, s.ExtraScopes
	if domains == nil {
		domains = []string{}
	}
	if scopes == nil {
		scopes = []string{}
	}
	groupRoles := s.GroupRoles
	if groupRoles == nil {
		groupRoles = map[string]scalefield.Role{}
	}
	var stored bool
	err = tx.QueryRow(ctx, `
		INSERT INTO oidc_settings (tenant_id, enabled, issuer_url, client_id, client_secret_enc, allowed_domains,
			groups_claim, group_roles, default_role, extra_scopes, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (tenant_id) DO UPDATE SET
			enabled = EXCLUDED.enabled, issuer_url = EXCLUDED.issuer_url, client_id = EXCLUDED.client_id,
			client_secret_enc = CASE WHEN $13 THEN oidc_settings.client_secret_enc ELSE EXCLUDED.client_secret_enc END,
			allowed_domains = EXCLUDED.allowed_domains, groups_claim = EXCLUDED.groups_claim,
			group_roles = EXCLUDED.group_roles, default_role = EXCLUDED.default_role,
			extra_scopes = EXCLUDED.extra_scopes, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
		RETURNING client_secret_enc IS NOT NULL`,
		tenantID, s.Enabled, s.IssuerURL, s.ClientID, secretEnc, domains, s.GroupsClaim, groupRoles, defaultRole,
		scopes, s.UpdatedAt, by, keepSecret).Scan(&stored)
	if err != nil {
		return constraintError(err, "save SSO settings")
	}
	s.ClientSecretSet = stored
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("save SSO settings: commit: %w", err)
	}
	return nil
}

// UpsertSSOMember finds the account with the email, or creates it with a
// password hash no password matches, and makes it a member of the tenant
// with role; a platform-admin membership is left as it is. Returns the
// user, its role now, and its role before ("" for a new member).
// EFORBIDDEN when the account is a member of another tenant: a tenant's
// identity provider cannot sign in people of other tenants.
//
// Runs on the privileged pool: the identity provider's verified ID token is
// the only credential, and the account may exist yet be invisible to the
// tenant (row-level security on users shows members only). The tenant is
// set for the transaction and named in every statement on memberships.
func (st *IdentityStore) UpsertSSOMember(ctx context.Context, tenantID, email, displayName string, role scalefield.Role) (*scalefield.User, scalefield.Role, scalefield.Role, error) {
	if !role.Valid() || role == scalefield.RolePlatformAdmin {
		return nil, "", "", scalefield.Errorf(scalefield.EINVALID, "single sign-on cannot grant role %q", role)
	}
	tx, err := st.db.Pool.Begin(ctx)
	if err != nil {
		return nil, "", "", fmt.Errorf("upsert SSO member: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
		return nil, "", "", fmt.Errorf("upsert SSO member: set tenant: %w", err)
	}
	u := &scalefield.User{}
	// The no-op update on conflict returns the existing row, so two first
	// sign-ins at once both end with the one account.
	err = tx.QueryRow(ctx, `
		INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, $3)
		ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
		RETURNING id, email, display_name, created_at`,
		strings.ToLower(strings.TrimSpace(email)), displayName, ssoPasswordHash).
		Scan(&u.ID, &u.Email, &u.DisplayName, &u.CreatedAt)
	if err != nil {
		return nil, "", "", constraintError(err, "create SSO user")
	}
	// A tenant's identity provider speaks for its own people only: an
	// account that belongs to another tenant is not signed in by email, or
	// any tenant could name someone else's email in its provider.
	var elsewhere bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND tenant_id <> $2)`,
		u.ID, tenantID).Scan(&elsewhere); err != nil {
		return nil, "", "", fmt.Errorf("upsert SSO member: %w", err)
	}
	if elsewhere {
		return nil, "", "", scalefield.Errorf(scalefield.EFORBIDDEN,
			"this account also belongs to another tenant: sign in with its password")
	}
	var before scalefield.Role
	err = tx.QueryRow(ctx, `SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE`,
		tenantID, u.ID).Scan(&before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, "", "", fmt.Errorf("upsert SSO member: %w", err)
	}
	now := role
	if before == scalefield.RolePlatformAdmin {
		now = before
	} else if before != role {
		if _, err := tx.Exec(ctx, `
			INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
			tenantID, u.ID, string(role)); err != nil {
			return nil, "", "", constraintError(err, "upsert SSO membership")
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, "", "", fmt.Errorf("upsert SSO member: commit: %w", err)
	}
	return u, now, before, nil
}

// OneTimeStore keeps short-lived single-use values in Redis (SSO states and
// SSO login codes), so any replica can finish what another began. Keys are
// stored as a SHA-256, so the Redis key space does not hold the secrets
// themselves. It implements auth.OneTimeStore.
type OneTimeStore struct {
	rdb    *redis.Client
	prefix string
}

// NewOneTimeStore returns a OneTimeStore on rdb under "scalefield:once:".
func NewOneTimeStore(rdb *redis.Client) *OneTimeStore {
	return &OneTimeStore{rdb: rdb, prefix: "scalefield:once:"}
}

func (o *OneTimeStore) key(k string) string {
	sum := sha256.Sum256([]byte(k))
	return o.prefix + hex.EncodeToString(sum[:])
}

// PutOnce stores value under key for ttl.
func (o *OneTimeStore) PutOnce(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := o.rdb.Set(ctx, o.key(key), value, ttl).Err(); err != nil {
		return fmt.Errorf("put one-time value: %w", err)
	}
	return nil
}

// TakeOnce returns the value under key and deletes it in one step
// (GETDEL), so it is handed out at most once. ENOTFOUND when there is none:
// never stored, expired or already taken.
func (o *OneTimeStore) TakeOnce(ctx context.Context, key string) ([]byte, error) {
	v, err := o.rdb.GetDel(ctx, o.key(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "not found")
	} else if err != nil {
		return nil, fmt.Errorf("take one-time value: %w", err)
	}
	return v, nil
}
