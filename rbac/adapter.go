package rbac

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time checks that Adapter is a Casbin adapter, with and without
// context.
var (
	_ persist.Adapter        = (*Adapter)(nil)
	_ persist.ContextAdapter = (*Adapter)(nil)
)

// ErrRoleAssignmentReadOnly is returned by the adapter's write methods for
// "g" rules: role assignments are memberships and API keys, changed through
// the store, after which the changer calls Enforcer.Invalidate.
var ErrRoleAssignmentReadOnly = errors.New("rbac: role assignments are read from memberships and api_keys; change them through the store and call Invalidate")

// Adapter is the Casbin adapter of Scalefield, on PostgreSQL with pgx.
//
// It is our own rather than one of the maintained pgx adapters because
// those keep every rule, role assignments included, in a rule table of
// their own: that would copy the memberships and API keys, two sources of
// truth that drift apart. This adapter reads the grants ("p" rules) from
// casbin_rules and derives the role assignments ("g" rules) from where they
// live:
//
//	g, user:<id>,   role:<role>,          <tenant id>   one per membership
//	g, user:<id>,   role:platform-admin,  *             a platform-admin membership, in any tenant
//	g, apikey:<id>, role:<role>,          <tenant id>   one per API key neither revoked nor expired
//
// It must be given the privileged pool (the owner role): it reads every
// tenant's memberships and keys, which row-level security hides from the
// application role.
type Adapter struct {
	pool *pgxpool.Pool
	// Timeout bounds a load through the context-free Casbin interface.
	Timeout time.Duration

	mu      sync.Mutex
	loadCtx context.Context // set by Enforcer around LoadPolicy
}

// NewAdapter returns an adapter on pool, the privileged connection pool.
func NewAdapter(pool *pgxpool.Pool) *Adapter {
	return &Adapter{pool: pool, Timeout: 30 * time.Second}
}

// context returns the context of the load in progress, or a background one
// bounded by Timeout; the caller must call the returned cancel.
func (a *Adapter) context() (context.Context, context.CancelFunc) {
	a.mu.Lock()
	ctx := a.loadCtx
	a.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, a.Timeout)
}

// withContext makes loads through the context-free interface (Casbin's
// LoadPolicy) use ctx until the returned function is called.
func (a *Adapter) withContext(ctx context.Context) func() {
	a.mu.Lock()
	a.loadCtx = ctx
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		a.loadCtx = nil
		a.mu.Unlock()
	}
}

// LoadPolicy loads every rule into m. Casbin calls it; it uses the context
// Enforcer gives it, bounded by Timeout.
func (a *Adapter) LoadPolicy(m model.Model) error {
	ctx, cancel := a.context()
	defer cancel()
	return a.LoadPolicyCtx(ctx, m)
}

// LoadPolicyCtx loads every rule into m, from one consistent snapshot of
// the database.
func (a *Adapter) LoadPolicyCtx(ctx context.Context, m model.Model) error {
	rules, err := a.loadRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := persist.LoadPolicyArray(r, m); err != nil {
			return fmt.Errorf("load rule %v: %w", r, err)
		}
	}
	return nil
}

// loadRules reads every rule, each as (ptype, values...), in a read-only
// repeatable-read transaction so grants and assignments agree.
func (a *Adapter) loadRules(ctx context.Context) ([][]string, error) {
	tx, err := a.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("load policy: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	var rules [][]string
	rows, err := tx.Query(ctx, `SELECT ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load policy rules: %w", err)
	}
	var r [7]string
	_, err = pgx.ForEachRow(rows, []any{&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]}, func() error {
		rules = append(rules, trimRule(r[:]))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load policy rules: %w", err)
	}

	var sub, role, dom string
	rows, err = tx.Query(ctx, `SELECT user_id::text, role, tenant_id::text FROM memberships`)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&sub, &role, &dom}, func() error {
		if scalefield.Role(role) == scalefield.RolePlatformAdmin {
			dom = AllTenants
		}
		rules = append(rules, []string{"g", UserSubject(sub), RoleSubject(scalefield.Role(role)), dom})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}

	// API keys hold their role in their own tenant only; the table refuses
	// platform-admin keys. Expiry is checked at load time: the periodic
	// reload drops a key within one interval of its expiry, and
	// authentication refuses it from the first second.
	rows, err = tx.Query(ctx, `
		SELECT id::text, role, tenant_id::text FROM api_keys
		WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`)
	if err != nil {
		return nil, fmt.Errorf("load api keys: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&sub, &role, &dom}, func() error {
		if scalefield.Role(role) != scalefield.RolePlatformAdmin {
			rules = append(rules, []string{"g", APIKeySubject(sub), RoleSubject(scalefield.Role(role)), dom})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load api keys: %w", err)
	}
	return rules, nil
}

// trimRule drops the empty trailing values of a casbin_rules row.
func trimRule(r []string) []string {
	n := len(r)
	for n > 1 && r[n-1] == "" {
		n--
	}
	return slices.Clone(r[:n])
}

// SavePolicy replaces the "p" rules in casbin_rules with m's. Role
// assignments ("g" rules) are never saved: they are derived.
func (a *Adapter) SavePolicy(m model.Model) error {
	ctx, cancel := a.context()
	defer cancel()
	return a.SavePolicyCtx(ctx, m)
}

// SavePolicyCtx is SavePolicy with a context.
func (a *Adapter) SavePolicyCtx(ctx context.Context, m model.Model) error {
	var rules [][]string
	for ptype, ast := range m["p"] {
		for _, r := range ast.Policy {
			rules = append(rules, append([]string{ptype}, r...))
		}
	}
	_, err := replaceRules(ctx, a.pool, rules)
	return err
}

// AddPolicy adds a "p" rule to casbin_rules; ErrRoleAssignmentReadOnly for
// a "g" rule.
func (a *Adapter) AddPolicy(sec, ptype string, rule []string) error {
	ctx, cancel := a.context()
	defer cancel()
	return a.AddPolicyCtx(ctx, sec, ptype, rule)
}

// AddPolicyCtx is AddPolicy with a context.
func (a *Adapter) AddPolicyCtx(ctx context.Context, sec, ptype string, rule []string) error {
	if sec != "p" {
		return ErrRoleAssignmentReadOnly
	}
	v, err := ruleValues(rule)
	if err != nil {
		return err
	}
	_, err = a.pool.Exec(ctx, `
		INSERT INTO casbin_rules (ptype, v0, v1, v2, v3, v4, v5) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT DO NOTHING`, ptype, v[0], v[1], v[2], v[3], v[4], v[5])
	if err != nil {
		return fmt.Errorf("add policy rule: %w", err)
	}
	return nil
}

// RemovePolicy removes a "p" rule from casbin_rules;
// ErrRoleAssignmentReadOnly for a "g" rule.
func (a *Adapter) RemovePolicy(sec, ptype string, rule []string) error {
	ctx, cancel := a.context()
	defer cancel()
	return a.RemovePolicyCtx(ctx, sec, ptype, rule)
}

// RemovePolicyCtx is RemovePolicy with a context.
func (a *Adapter) RemovePolicyCtx(ctx context.Context, sec, ptype string, rule []string) error {
	if sec != "p" {
		return ErrRoleAssignmentReadOnly
	}
	v, err := ruleValues(rule)
	if err != nil {
		return err
	}
	_, err = a.pool.Exec(ctx, `
		DELETE FROM casbin_rules
		WHERE ptype = $1 AND v0 = $2 AND v1 = $3 AND v2 = $4 AND v3 = $5 AND v4 = $6 AND v5 = $7`,
		ptype, v[0], v[1], v[2], v[3], v[4], v[5])
	if err != nil {
		return fmt.Errorf("remove policy rule: %w", err)
	}
	return nil
}

// RemoveFilteredPolicy removes the "p" rules whose values from fieldIndex
// on equal fieldValues (an empty value matches anything);
// ErrRoleAssignmentReadOnly for "g" rules.
func (a *Adapter) RemoveFilteredPolicy(sec, ptype string, fieldIndex int, fieldValues ...string) error {
	ctx, cancel := a.context()
	defer cancel()
	return a.RemoveFilteredPolicyCtx(ctx, sec, ptype, fieldIndex, fieldValues...)
}

// RemoveFilteredPolicyCtx is RemoveFilteredPolicy with a context.
func (a *Adapter) RemoveFilteredPolicyCtx(ctx context.Context, sec, ptype string, fieldIndex int, fieldValues ...string) error {
	if sec != "p" {
		return ErrRoleAssignmentReadOnly
	}
	if fieldIndex < 0 || fieldIndex+len(fieldValues) > 6 {
		return fmt.Errorf("remove filtered policy: field index %d with %d values is out of range", fieldIndex, len(fieldValues))
	}
	where, args := "ptype = $1", []any{ptype}
	for i, v := range fieldValues {
		if v != "" {
			args = append(args, v)
			where += fmt.Sprintf(" AND v%d = $%d", fieldIndex+i, len(args))
		}
	}
	if _, err := a.pool.Exec(ctx, `DELETE FROM casbin_rules WHERE `+where, args...); err != nil {
		return fmt.Errorf("remove filtered policy: %w", err)
	}
	return nil
}

func ruleValues(rule []string) ([6]string, error) {
	var v [6]string
	if len(rule) > len(v) {
		return v, fmt.Errorf("policy rule %v has more than %d values", rule, len(v))
	}
	copy(v[:], rule)
	return v, nil
}

// policyLock is the advisory lock key that serializes writers of
// casbin_rules across replicas.
const policyLock = "scalefield.casbin_rules"

// SyncPolicy makes the "p" rules of casbin_rules exactly PolicyRules(), the
// grants of this build, and reports whether it changed anything (then the
// other replicas must reload: New does that through Invalidate).
//
// The grants are written at start rather than by a migration so that the Go
// table stays their one source: a changed grant is a code change, with no
// SQL copy to keep in step. Replicas starting at once take turns on an
// advisory lock; the write is idempotent.
func SyncPolicy(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	rules := PolicyRules()
	for i, r := range rules {
		rules[i] = append([]string{"p"}, r...)
	}
	return replaceRules(ctx, pool, rules)
}

// replaceRules makes casbin_rules hold exactly rules (ptype first), writing
// only the difference, and reports whether anything changed.
func replaceRules(ctx context.Context, pool *pgxpool.Pool, rules [][]string) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("sync policy: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, policyLock); err != nil {
		return false, fmt.Errorf("sync policy: lock: %w", err)
	}
	want := make(map[[7]string]bool, len(rules))
	for _, r := range rules {
		var k [7]string
		if len(r) > len(k) {
			return false, fmt.Errorf("sync policy: rule %v has too many values", r)
		}
		copy(k[:], r)
		want[k] = true
	}
	rows, err := tx.Query(ctx, `SELECT id, ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rules`)
	if err != nil {
		return false, fmt.Errorf("sync policy: read: %w", err)
	}
	var (
		id    int64
		k     [7]string
		stale []int64
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6]}, func() error {
		if want[k] {
			delete(want, k)
		} else {
			stale = append(stale, id)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("sync policy: read: %w", err)
	}
	if len(stale) == 0 && len(want) == 0 {
		return false, nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM casbin_rules WHERE id = ANY($1)`, stale); err != nil {
		return false, fmt.Errorf("sync policy: delete: %w", err)
	}
	for k := range want {
		_, err := tx.Exec(ctx, `INSERT INTO casbin_rules (ptype, v0, v1, v2, v3, v4, v5) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k[0], k[1], k[2], k[3], k[4], k[5], k[6])
		if err != nil {
			return false, fmt.Errorf("sync policy: insert: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("sync policy: commit: %w", err)
	}
	return true, nil
}
