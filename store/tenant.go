package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time checks that the services implement the domain interfaces.
var (
	_ scalefield.TenantService = (*TenantService)(nil)
	_ scalefield.UserService   = (*UserService)(nil)
)

// TenantService reads and creates tenants.
type TenantService struct{ db *DB }

// NewTenantService returns a TenantService on db.
func NewTenantService(db *DB) *TenantService { return &TenantService{db: db} }

// FindTenantByID returns the caller's tenant. ENOTFOUND for any other ID.
func (s *TenantService) FindTenantByID(ctx context.Context, id string) (*scalefield.Tenant, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if id != tenantID {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "tenant not found")
	}
	return findTenant(ctx, tx, "id = $1", id)
}

// FindTenantBySlug returns the tenant with the given slug, for sign-in and
// administration; ENOTFOUND if none. It is a pre-authentication lookup on
// the privileged pool.
func (s *TenantService) FindTenantBySlug(ctx context.Context, slug string) (*scalefield.Tenant, error) {
	return findTenant(ctx, s.db.Pool, "slug = $1", slug)
}

// CreateTenant creates a tenant. EINVALID for a bad slug or name,
// ECONFLICT when the slug is taken. Creating a tenant is a platform-level
// act (no tenant exists yet), so it runs on the privileged pool; callers
// check the platform permission first.
func (s *TenantService) CreateTenant(ctx context.Context, t *scalefield.Tenant) error {
	return createTenant(ctx, s.db.Pool, t)
}

// CreateTenantWithAdmin creates a tenant and makes admin.Email its tenant
// administrator (creating the account when new, with admin.PasswordHash),
// and, when hec is not nil, an HEC token with hecSecret, all in one
// transaction with the audit entry (nil for none). Creating a tenant is a
// platform-level act, so it runs on the privileged pool; callers check
// tenants:manage first. EINVALID, ECONFLICT for a taken slug.
func (s *TenantService) CreateTenantWithAdmin(ctx context.Context, t *scalefield.Tenant, admin scalefield.AddMemberRequest,
	hec *scalefield.HECToken, hecSecret string, audit *scalefield.AuditEntry) error {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("create tenant: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := createTenant(ctx, tx, t); err != nil {
		return err
	}
	admin.Role = scalefield.RoleTenantAdmin
	m, err := addMemberTx(ctx, tx, t.ID, admin)
	if err != nil {
		return err
	}
	if hec != nil {
		hec.TenantID = t.ID
		if err := createHECToken(ctx, tx, hec, hecSecret); err != nil {
			return err
		}
	}
	if err := appendTargetAudit(ctx, tx, audit, "tenant", t.ID, map[string]any{"slug": t.Slug, "admin": m.User.Email}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("create tenant: commit: %w", err)
	}
	return nil
}

// dbtx is what both the pool and a transaction offer.
type dbtx interface {
	querier
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func createTenant(ctx context.Context, q dbtx, t *scalefield.Tenant) error {
	t.Slug = strings.ToLower(strings.TrimSpace(t.Slug))
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return scalefield.Errorf(scalefield.EINVALID, "tenant name is required")
	}
	err := q.QueryRow(ctx,
		`INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id, created_at`,
		t.Slug, t.Name).Scan(&t.ID, &t.CreatedAt)
	return constraintError(err, "create tenant")
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func findTenant(ctx context.Context, q querier, where string, arg any) (*scalefield.Tenant, error) {
	var t scalefield.Tenant
	err := q.QueryRow(ctx, `SELECT id, slug, name, created_at FROM tenants WHERE `+where, arg).
		Scan(&t.ID, &t.Slug, &t.Name, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "tenant not found")
	} else if err != nil {
		return nil, fmt.Errorf("find tenant: %w", err)
	}
	return &t, nil
}

// UserService reads and creates users and memberships.
type UserService struct{ db *DB }

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// FindUserByID returns a member of the caller's tenant with its membership.
// ENOTFOUND when the user is not a member of that tenant.
func (s *UserService) FindUserByID(ctx context.Context, id string) (*scalefield.User, *scalefield.Membership, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx)
	var u scalefield.User
	m := scalefield.Membership{TenantID: tenantID}
	err = tx.QueryRow(ctx, `
		SELECT u.id, u.email, u.display_name, u.created_at, m.role
		FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.id = $1 AND m.tenant_id = $2`, id, tenantID).
		Scan(&u.ID, &u.Email, &u.DisplayName, &u.CreatedAt, &m.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, nil, fmt.Errorf("find user: %w", err)
	}
	m.UserID = u.ID
	return &u, &m, nil
}

// CreateUser creates a user with an already hashed password. ECONFLICT when
// the email is taken.
func (s *UserService) CreateUser(ctx context.Context, u *scalefield.User, passwordHash string) error {
	return createUser(ctx, s.db.Pool, u, passwordHash)
}

func createUser(ctx context.Context, q dbtx, u *scalefield.User, passwordHash string) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if !strings.Contains(u.Email, "@") {
		return scalefield.Errorf(scalefield.EINVALID, "a valid email is required")
	}
	err := q.QueryRow(ctx,
		`INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, $3) RETURNING id, created_at`,
		u.Email, u.DisplayName, passwordHash).Scan(&u.ID, &u.CreatedAt)
	return constraintError(err, "create user")
}

// AddMembership makes a user a member of a tenant with a role, or changes
// the role of an existing member.
func (s *UserService) AddMembership(ctx context.Context, m scalefield.Membership) error {
	tx, err := s.db.beginForTenant(ctx, m.TenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := addMembership(ctx, tx, m); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func addMembership(ctx context.Context, q dbtx, m scalefield.Membership) error {
	if !m.Role.Valid() {
		return scalefield.Errorf(scalefield.EINVALID, "unknown role %q", m.Role)
	}
	_, err := q.Exec(ctx, `
		INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
		m.TenantID, m.UserID, string(m.Role))
	return constraintError(err, "add membership")
}

// FindCredentials returns the user with the given email and its password
// hash, for sign-in. ENOTFOUND if none. Pre-authentication lookup.
func (s *UserService) FindCredentials(ctx context.Context, email string) (*scalefield.User, string, error) {
	var u scalefield.User
	var hash string
	err := s.db.Pool.QueryRow(ctx,
		`SELECT id, email, display_name, created_at, password_hash FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))).
		Scan(&u.ID, &u.Email, &u.DisplayName, &u.CreatedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, "", fmt.Errorf("find credentials: %w", err)
	}
	return &u, hash, nil
}

// FindMemberships returns the tenants a user belongs to, with the role in
// each, ordered by tenant slug. Pre-authentication lookup: it spans the
// user's tenants, so it runs on the privileged pool.
func (s *UserService) FindMemberships(ctx context.Context, userID string) ([]scalefield.TenantMembership, error) {
	rows, err := s.db.Pool.Query(ctx, `
		SELECT t.id, t.slug, t.name, t.created_at, m.role
		FROM memberships m JOIN tenants t ON t.id = m.tenant_id
		WHERE m.user_id = $1 ORDER BY t.slug`, userID)
	if err != nil {
		return nil, fmt.Errorf("find memberships: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (scalefield.TenantMembership, error) {
		var tm scalefield.TenantMembership
		tm.Tenant = &scalefield.Tenant{}
		err := row.Scan(&tm.Tenant.ID, &tm.Tenant.Slug, &tm.Tenant.Name, &tm.Tenant.CreatedAt, &tm.Role)
		return tm, err
	})
}

// constraintError turns unique and check violations into domain errors.
func constraintError(err error, what string) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return scalefield.Errorf(scalefield.ECONFLICT, "%s: already exists", what)
	case errors.As(err, &pgErr) && (pgErr.Code == "23514" || pgErr.Code == "23503"):
		return scalefield.Errorf(scalefield.EINVALID, "%s: invalid value (%s)", what, pgErr.ConstraintName)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ListTenants pages through every tenant by slug. It spans tenants, so it
// runs on the privileged pool: callers check tenants:manage first.
func (s *TenantService) ListTenants(ctx context.Context, first int, after *string) (*scalefield.TenantPage, error) {
	if err := scalefield.ValidatePage(&first); err != nil {
		return nil, err
	}
	afterSlug := ""
	if after != nil {
		var err error
		if afterSlug, err = decodeStringCursor(*after); err != nil {
			return nil, err
		}
	}
	page := &scalefield.TenantPage{}
	if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM tenants`).Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count tenants: %w", err)
	}
	rows, err := s.db.Pool.Query(ctx,
		`SELECT id, slug, name, created_at FROM tenants WHERE slug > $1 ORDER BY slug LIMIT $2`, afterSlug, first+1)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	tenants, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.Tenant, error) {
		var t scalefield.Tenant
		return &t, row.Scan(&t.ID, &t.Slug, &t.Name, &t.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	page.Tenants, page.Cursors, page.HasNextPage = trimPage(tenants, first,
		func(t *scalefield.Tenant) string { return encodeStringCursor(t.Slug) })
	return page, nil
}
