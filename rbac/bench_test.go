package rbac_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

const (
	benchTenants        = 1000
	benchUsersPerTenant = 10
)

// BenchmarkAuthorize measures one Authorize call with 1,000 tenants of 10
// members each loaded, for random members and permissions. Besides ns/op
// it reports the median of individually timed calls (p50-µs) and how long
// loading the whole policy takes (load-ms).
func BenchmarkAuthorize(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	sessions := seedBench(b, bb)

	e := bb.MustEnforcer(b, bb.cfg, false)
	start := time.Now()
	if err := e.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	load := time.Since(start)

	perms := []scalefield.Permission{
		scalefield.PermEventsRead, scalefield.PermUsersManage, scalefield.PermAuditRead,
		scalefield.PermHECTokensManage, scalefield.PermTenantsManage,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 4096
	ctxs := make([]context.Context, n)
	ps := make([]scalefield.Permission, n)
	for i := range ctxs {
		ctxs[i] = sessions[rng.IntN(len(sessions))]
		ps[i] = perms[rng.IntN(len(perms))]
	}

	var allowedCalls int
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if e.Authorize(ctxs[i%n], ps[i%n]) == nil {
			allowedCalls++
		}
	}
	b.StopTimer()
	if allowedCalls == 0 {
		b.Fatal("every call was denied: the policy did not load")
	}

	// The median of individually timed calls.
	samples := make([]time.Duration, 10000)
	for i := range samples {
		t0 := time.Now()
		_ = e.Authorize(ctxs[i%n], ps[i%n])
		samples[i] = time.Since(t0)
	}
	slices.Sort(samples)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/op")
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(load.Milliseconds()), "load-ms")
}

// seedBench creates the tenants, users and memberships with COPY and
// returns a session context per member. Member i of a tenant has role
// Roles[1 + i%5] (never platform-admin).
func seedBench(b *testing.B, bb *bundle) []context.Context {
	b.Helper()
	ctx := context.Background()
	var tenants, users, members [][]any
	var sessions []context.Context
	for t := range benchTenants {
		tenantID := newUUID()
		tenants = append(tenants, []any{tenantID, fmt.Sprintf("bench-%d", t), "Bench"})
		for u := range benchUsersPerTenant {
			userID := newUUID()
			users = append(users, []any{userID, fmt.Sprintf("u%d-%d@example.com", t, u), "x"})
			role := scalefield.Roles[1+u%(len(scalefield.Roles)-1)]
			members = append(members, []any{tenantID, userID, string(role)})
			sessions = append(sessions, userCtx(userID, tenantID))
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"tenants", []string{"id", "slug", "name"}, tenants},
		{"users", []string{"id", "email", "password_hash"}, users},
		{"memberships", []string{"tenant_id", "user_id", "role"}, members},
	} {
		if _, err := bb.pool.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			b.Fatalf("copy %s: %v", c.table, err)
		}
	}
	return sessions
}
