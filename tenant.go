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

// TenantService reads tenants.
type TenantService interface {
	// FindTenantByID returns the tenant with the given ID; ENOTFOUND if none,
	// or if it is not the caller's tenant.
	FindTenantByID(ctx context.Context, id string) (*Tenant, error)
}

// UserService reads users.
type UserService interface {
	// FindUserByID returns the user with the given ID within the caller's
	// tenant, with its membership; ENOTFOUND if none.
	FindUserByID(ctx context.Context, id string) (*User, *Membership, error)
}

// TenantMembership is a tenant a user belongs to, with the user's role.
type TenantMembership struct {
	Tenant *Tenant
	Role   Role
}
