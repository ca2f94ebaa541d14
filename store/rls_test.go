package store_test

import (
	"context"
	"testing"

	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// TestRowLevelSecurity checks the second wall of tenant isolation: even a
// query that forgets its tenant condition sees only the tenant named in the
// transaction, when run as the application role.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	MustAppend(t, b, b.tenantA.ID, `{"event":"a"}`)
	MustAppend(t, b, b.tenantB.ID, `{"event":"b"}`)
	MustRefineAll(t, b)
	ctx := context.Background()

	count := func(t *testing.T, tenantID, table string) int {
		t.Helper()
		tx, err := b.db.App.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if tenantID != "" {
			if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, table := range []string{"tenants", "hec_tokens", "bronze_events", "silver_security_events", "memberships"} {
		t.Run(table+" shows one tenant's rows", func(t *testing.T) {
			var all int
			if err := b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&all); err != nil {
				t.Fatal(err)
			}
			a, none := count(t, b.tenantA.ID, table), count(t, "", table)
			if none != 0 {
				t.Errorf("without a tenant the application role sees %d rows", none)
			}
			if table != "hec_tokens" && table != "memberships" && (a == 0 || a >= all) {
				t.Errorf("tenant A sees %d of %d rows", a, all)
			}
		})
	}

	t.Run("writing another tenant's row is refused", func(t *testing.T) {
		tx, err := b.db.App.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, b.tenantA.ID); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO hec_tokens (tenant_id, name, prefix, token_hash) VALUES ($1, 'x', 'x', '\x00')`, b.tenantB.ID)
		if err == nil {
			t.Error("insert for tenant B from tenant A's transaction succeeded")
		}
	})

	t.Run("the application role cannot bypass the policies", func(t *testing.T) {
		if err := b.db.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
		var super, bypass bool
		if err := b.db.App.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil {
			t.Fatal(err)
		}
		if super || bypass {
			t.Errorf("application role: superuser=%v bypassrls=%v", super, bypass)
		}
	})

	t.Run("a privileged application connection is refused by Ping", func(t *testing.T) {
		url := storetest.DatabaseURL(t)
		db, err := store.OpenWithApp(ctx, url, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Ping(ctx); err == nil {
			t.Error("ping accepted an application connection that bypasses row-level security")
		}
	})
}
