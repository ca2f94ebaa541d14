// Package rbac decides who may do what in which tenant, with Casbin: role
// based access control with domains, where a domain is a tenant.
//
// A request is (subject, tenant, resource, action): the subject is
// scalefield.Session.Subject() ("user:<id>" or "apikey:<id>"), the resource
// and action come from a scalefield.Permission. Roles are granted
// permissions by the one table in this file (Grants), written to PostgreSQL
// at start by SyncPolicy. Who holds which role is read from the memberships
// and api_keys tables by Adapter. Enforcer keeps every replica's copy
// current: Invalidate reloads and tells the other replicas through Redis,
// and a periodic reload catches anything missed.
package rbac

import (
	"slices"

	scalefield "github.com/scalefield/scalefield"
)

// AllTenants is the domain of a rule that holds in every tenant: the grants
// of Grants, and the role assignment of a platform administrator.
const AllTenants = "*"

// modelText is the Casbin model. A role assignment holds in its tenant, or
// in every tenant when made in AllTenants (platform administrators). Grants
// hold in every tenant (p.dom is AllTenants) unless a rule names one. The
// cheap equality tests come first: the matcher stops at the first false
// term, so most rules cost two string comparisons.
const modelText = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.obj == p.obj && r.act == p.act && (p.dom == "*" || p.dom == r.dom) && (g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, "*"))
`

// Grants is the permission matrix: every permission each role holds, in
// every tenant. It is the only place grants are written down; SyncPolicy
// copies it to the casbin_rules table and docs/rbac.md shows it. Each role
// holds everything of the roles below it (scalefield.Roles is ordered from
// most to least privileged), spelled out so the table reads on its own.
var Grants = map[scalefield.Role][]scalefield.Permission{
	scalefield.RoleViewer: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
	},
	// Analysts work on events; they hold what viewers hold until the
	// analyst-only permissions (alert triage) exist.
	scalefield.RoleAnalyst: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
	},
	scalefield.RoleOperator: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
		scalefield.PermHECTokensManage, scalefield.PermSourcesRead, scalefield.PermQuarantine, scalefield.PermPipelineManage, scalefield.PermGatherRead,
	},
	scalefield.RoleManager: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
		scalefield.PermHECTokensManage, scalefield.PermSourcesRead, scalefield.PermQuarantine, scalefield.PermPipelineManage, scalefield.PermGatherRead,
		scalefield.PermUsersRead, scalefield.PermAuditRead, scalefield.PermAuditExport,
	},
	scalefield.RoleTenantAdmin: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
		scalefield.PermHECTokensManage, scalefield.PermSourcesRead, scalefield.PermQuarantine, scalefield.PermPipelineManage, scalefield.PermGatherRead,
		scalefield.PermUsersRead, scalefield.PermAuditRead, scalefield.PermAuditExport,
		scalefield.PermUsersManage, scalefield.PermAPIKeysManage, scalefield.PermSSOManage, scalefield.PermRetention, scalefield.PermGatherManage,
	},
	// Platform administrators hold their role in every tenant (AllTenants),
	// and alone may create and list tenants.
	scalefield.RolePlatformAdmin: {
		scalefield.PermEventsRead, scalefield.PermTenantRead, scalefield.PermMetricsRead,
		scalefield.PermHECTokensManage, scalefield.PermSourcesRead, scalefield.PermQuarantine, scalefield.PermPipelineManage, scalefield.PermGatherRead,
		scalefield.PermUsersRead, scalefield.PermAuditRead, scalefield.PermAuditExport,
		scalefield.PermUsersManage, scalefield.PermAPIKeysManage, scalefield.PermSSOManage, scalefield.PermRetention, scalefield.PermGatherManage,
		scalefield.PermTenantsManage,
	},
}

// RoleSubject returns the Casbin subject of a role: "role:<role>".
func RoleSubject(r scalefield.Role) string { return "role:" + string(r) }

// UserSubject returns the Casbin subject of a user: "user:<id>", as
// scalefield.Session.Subject does.
func UserSubject(id string) string { return "user:" + id }

// APIKeySubject returns the Casbin subject of an API key: "apikey:<id>".
func APIKeySubject(id string) string { return "apikey:" + id }

// PolicyRules returns the "p" rules of Grants, sorted: each is
// (role subject, AllTenants, resource, action).
func PolicyRules() [][]string {
	var rules [][]string
	for role, perms := range Grants {
		for _, p := range perms {
			rules = append(rules, []string{RoleSubject(role), AllTenants, p.Resource(), p.Action()})
		}
	}
	slices.SortFunc(rules, func(a, b []string) int { return slices.Compare(a, b) })
	return rules
}

// Allowed reports whether Grants gives role the permission, without Casbin:
// for documentation and tests.
func Allowed(role scalefield.Role, perm scalefield.Permission) bool {
	return slices.Contains(Grants[role], perm)
}
