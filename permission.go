package scalefield

import (
	"context"
	"strings"
)

// Permission is a "resource:action" pair that a role may hold. They are the
// only names authorization checks use.
type Permission string

// Permissions. Add one here, grant it to roles in rbac's policy, and check
// it where the request enters (the @hasPermission directive).
const (
	PermEventsRead      Permission = "events:read"
	PermTenantRead      Permission = "tenant:read"
	PermTenantsManage   Permission = "tenants:manage" // create and list every tenant: platform admins
	PermUsersRead       Permission = "users:read"
	PermUsersManage     Permission = "users:manage"
	PermAPIKeysManage   Permission = "apikeys:manage"
	PermHECTokensManage Permission = "hectokens:manage"
	PermSSOManage       Permission = "sso:manage"
	PermAuditRead       Permission = "audit:read"
	PermAuditExport     Permission = "audit:export"
	PermSourcesRead     Permission = "sources:read"      // ingest sources, statistics, quarantine
	PermQuarantine      Permission = "quarantine:manage" // reprocess quarantined records
	PermMetricsRead     Permission = "metrics:read"      // Gold metrics, time series, risk profiles
	PermPipelineManage  Permission = "pipeline:manage"   // rebuild Silver and Gold from Bronze
	PermRetention       Permission = "retention:manage"  // how long each layer keeps data
	PermGatherRead      Permission = "gather:read"       // gather nodes, inventory, patch levels, import queue
	PermGatherManage    Permission = "gather:manage"     // enrollment tokens, node revocation
)

// Resource returns the part before the colon.
func (p Permission) Resource() string {
	r, _, _ := strings.Cut(string(p), ":")
	return r
}

// Action returns the part after the colon.
func (p Permission) Action() string {
	_, a, _ := strings.Cut(string(p), ":")
	return a
}

// Authorizer decides whether a session holds a permission in its tenant.
type Authorizer interface {
	// Authorize returns nil when allowed, EFORBIDDEN when not, and
	// EUNAUTHORIZED when ctx carries no session.
	Authorize(ctx context.Context, perm Permission) error
}
