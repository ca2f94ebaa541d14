package scalefield

import (
	"context"
	"time"
)

// Tenant is an organisation whose data is kept apart from every other.
type Tenant struct {
	ID        string
	Slug      string
	Name      string
	CreatedAt time.Time
}

// Role is what a member may do in a tenant.
type Role string

// Roles, from most to least privileged.
const (
	RolePlatformAdmin Role = "platform-admin"
	RoleTenantAdmin   Role = "tenant-admin"
	RoleManager       Role = "manager"
	RoleOperator      Role = "operator"
	RoleAnalyst       Role = "analyst"
	RoleViewer        Role = "viewer"
)

// Roles lists every role.
var Roles = []Role{RolePlatformAdmin, RoleTenantAdmin, RoleManager, RoleOperator, RoleAnalyst, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if v == r {
			return true
		}
	}
	return false
}

// User is a person who can sign in. A user belongs to tenants through
// memberships, each with a role.
type User struct {
	ID          string
	Email       string
	DisplayName string
	CreatedAt   time.Time
}

// Membership ties a user to a tenant with a role.
type Membership struct {
	TenantID string
	UserID   string
	Role     Role
}

// TenantPage is one page of tenants, ordered by slug.
type TenantPage struct {
	Tenants     []*Tenant
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// TenantService reads tenants.
type TenantService interface {
	// FindTenantByID returns the tenant with the given ID; ENOTFOUND if none,
	// or if it is not the caller's tenant.
	FindTenantByID(ctx context.Context, id string) (*Tenant, error)
	// ListTenants pages through every tenant by slug (platform
	// administration; the caller checks the permission). EINVALID.
	ListTenants(ctx context.Context, first int, after *string) (*TenantPage, error)
}

// Member is a user of the caller's tenant with the role held there.
type Member struct {
	User       *User
	Role       Role
	MFAEnabled bool
}

// MemberPage is one page of members, ordered by email.
type MemberPage struct {
	Members     []*Member
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// AddMemberRequest adds a person to the caller's tenant.
type AddMemberRequest struct {
	Email       string
	DisplayName string
	// PasswordHash is used only when the email has no account yet; it must
	// then be set.
	PasswordHash string
	Role         Role
}

// UserService reads and manages the members of the caller's tenant. The
// methods that change something take the audit entry to append in the
// same transaction (nil for none); the store fills in its target.
type UserService interface {
	// FindUserByID returns the user with the given ID within the caller's
	// tenant, with its membership; ENOTFOUND if none.
	FindUserByID(ctx context.Context, id string) (*User, *Membership, error)
	// FindMember returns a member with MFA status; ENOTFOUND if none.
	FindMember(ctx context.Context, userID string) (*Member, error)
	// ListMembers pages through members by email; EINVALID for a bad page.
	ListMembers(ctx context.Context, first int, after *string) (*MemberPage, error)
	// AddMember gives an account (created when new) a membership.
	// EINVALID for a bad role or a new account without password;
	// ECONFLICT when already a member.
	AddMember(ctx context.Context, req AddMemberRequest, audit *AuditEntry) (*Member, error)
	// SetMemberRole changes a member's role. ENOTFOUND, EINVALID, and
	// EFORBIDDEN for the caller's own membership.
	SetMemberRole(ctx context.Context, userID string, role Role, audit *AuditEntry) (*Member, error)
	// RemoveMember ends a membership. ENOTFOUND; EFORBIDDEN for oneself.
	RemoveMember(ctx context.Context, userID string, audit *AuditEntry) error
}

// TenantMembership is a tenant a user belongs to, with the user's role.
type TenantMembership struct {
	Tenant *Tenant
	Role   Role
}
