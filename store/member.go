package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// ListMembers returns the members of the caller's tenant ordered by email.
// EINVALID for a bad page; EUNAUTHORIZED without a session.
func (s *UserService) ListMembers(ctx context.Context, first int, after *string) (*scalefield.MemberPage, error) {
	if err := scalefield.ValidatePage(&first); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	afterEmail := ""
	if after != nil {
		if afterEmail, err = decodeStringCursor(*after); err != nil {
			return nil, err
		}
	}
	page := &scalefield.MemberPage{}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE tenant_id = $1`, tenantID).Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count members: %w", err)
	}
	rows, err := tx.Query(ctx, `
		SELECT u.id, u.email, u.display_name, u.created_at, m.role, `+userMFAEnabledSQL+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 AND u.email > $2
		ORDER BY u.email
		LIMIT $3`, tenantID, afterEmail, first+1)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	members, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.Member, error) {
		m := &scalefield.Member{User: &scalefield.User{}}
		err := row.Scan(&m.User.ID, &m.User.Email, &m.User.DisplayName, &m.User.CreatedAt, &m.Role, &m.MFAEnabled)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	page.Members, page.Cursors, page.HasNextPage = trimPage(members, first,
		func(m *scalefield.Member) string { return encodeStringCursor(m.User.Email) })
	return page, nil
}

// FindMember returns a member of the caller's tenant. ENOTFOUND if the user
// is not a member.
func (s *UserService) FindMember(ctx context.Context, userID string) (*scalefield.Member, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	return findMember(ctx, tx, tenantID, userID)
}

func findMember(ctx context.Context, q querier, tenantID, userID string) (*scalefield.Member, error) {
	m := &scalefield.Member{User: &scalefield.User{}}
	err := q.QueryRow(ctx, `
		SELECT u.id, u.email, u.display_name, u.created_at, m.role, `+userMFAEnabledSQL+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 AND m.user_id = $2`, tenantID, userID).
		Scan(&m.User.ID, &m.User.Email, &m.User.DisplayName, &m.User.CreatedAt, &m.Role, &m.MFAEnabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, fmt.Errorf("find member: %w", err)
	}
	return m, nil
}

// AddMember gives the account with the email a membership in the caller's
// tenant, creating the account when it does not exist. ECONFLICT when it is
// a member already. The account lookup spans tenants (an existing account
// is not visible to this tenant yet), so it runs on the privileged pool,
// scoped by the session's tenant.
func (s *UserService) AddMember(ctx context.Context, req scalefield.AddMemberRequest, audit *scalefield.AuditEntry) (*scalefield.Member, error) {
	tenantID := scalefield.TenantIDFromContext(ctx)
	if tenantID == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	if !req.Role.Valid() || req.Role == scalefield.RolePlatformAdmin {
		return nil, scalefield.Errorf(scalefield.EINVALID, "role %q cannot be given to a member", req.Role)
	}
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("add member: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	m, err := addMemberTx(ctx, tx, tenantID, req)
	if err != nil {
		return nil, err
	}
	if err := appendTargetAudit(ctx, tx, audit, "user", m.User.ID, map[string]any{"email": m.User.Email, "role": string(m.Role)}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("add member: commit: %w", err)
	}
	return m, nil
}

// SetMemberRole changes the role of a member of the caller's tenant.
// ENOTFOUND if not a member; EINVALID for a role members cannot hold;
// EFORBIDDEN for the caller's own membership.
func (s *UserService) SetMemberRole(ctx context.Context, userID string, role scalefield.Role, audit *scalefield.AuditEntry) (*scalefield.Member, error) {
	if !role.Valid() || role == scalefield.RolePlatformAdmin {
		return nil, scalefield.Errorf(scalefield.EINVALID, "role %q cannot be given to a member", role)
	}
	if sess := scalefield.SessionFromContext(ctx); sess != nil && sess.UserID == userID {
		return nil, scalefield.Errorf(scalefield.EFORBIDDEN, "you cannot change your own role")
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID, string(role))
	if err != nil {
		return nil, fmt.Errorf("set role: %w", err)
	} else if tag.RowsAffected() == 0 {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "user not found")
	}
	m, err := findMember(ctx, tx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	if err := appendTargetAudit(ctx, tx, audit, "user", m.User.ID, map[string]any{"email": m.User.Email, "role": string(m.Role)}); err != nil {
		return nil, err
	}
	return m, tx.Commit(ctx)
}

// RemoveMember ends a user's membership in the caller's tenant; the account
// stays. ENOTFOUND if not a member; EFORBIDDEN for the caller's own.
func (s *UserService) RemoveMember(ctx context.Context, userID string, audit *scalefield.AuditEntry) error {
	if sess := scalefield.SessionFromContext(ctx); sess != nil && sess.UserID == userID {
		return scalefield.Errorf(scalefield.EFORBIDDEN, "you cannot remove yourself")
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	m, err := findMember(ctx, tx, tenantID, userID)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID); err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	if err := appendTargetAudit(ctx, tx, audit, "user", m.User.ID, map[string]any{"email": m.User.Email, "role": string(m.Role)}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// addMemberTx finds or creates the account and adds its membership.
func addMemberTx(ctx context.Context, tx pgx.Tx, tenantID string, req scalefield.AddMemberRequest) (*scalefield.Member, error) {
	email := strings.ToLower(strings.TrimSpace(req.Email))
	u := &scalefield.User{}
	err := tx.QueryRow(ctx, `SELECT id, email, display_name, created_at FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Email, &u.DisplayName, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		if req.PasswordHash == "" {
			return nil, scalefield.Errorf(scalefield.EINVALID, "%s has no account yet: a password is required", email)
		}
		u = &scalefield.User{Email: email, DisplayName: strings.TrimSpace(req.DisplayName)}
		if err := createUser(ctx, tx, u, req.PasswordHash); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("add member: find account: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, tenantID, u.ID, string(req.Role))
	if err != nil {
		if e := constraintError(err, "add member"); scalefield.ErrorCode(e) == scalefield.ECONFLICT {
			return nil, scalefield.Errorf(scalefield.ECONFLICT, "%s is a member already", email)
		} else {
			return nil, e
		}
	}
	return findMember(ctx, tx, tenantID, u.ID)
}
