// Package store implements the domain services on PostgreSQL (with pgx) and
// Redis. Every tenant-owned query runs in a transaction that carries the
// verified tenant in the scalefield.tenant_id setting and names the tenant in
// its WHERE clause.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	neturl "net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/migrations"
)

// AppRole is the PostgreSQL role requests are served as. It cannot bypass
// row-level security (see migrations/00004_rls.sql).
const AppRole = "scalefield_app"

// DB holds the two connection pools of the application.
type DB struct {
	// Pool connects as the privileged owner role, which row-level security
	// does not confine. It serves migrations, pipeline stages that work
	// across tenants, and lookups made before a tenant is known (sign-in,
	// token checks). Every use outside those says why.
	Pool *pgxpool.Pool
	// App connects as AppRole: every tenant-scoped transaction runs here,
	// confined by row-level security to the tenant it names.
	App *pgxpool.Pool
	// Now returns the current time; tests replace it.
	Now scalefield.Clock
}

// Open connects to the database at url (the owner role) and, for requests,
// as AppRole on the same server without a password (trust or peer
// authentication, as on a development machine). Use OpenWithApp to give
// the application role's own URL.
func Open(ctx context.Context, url string) (*DB, error) {
	appURL, err := AppURL(url)
	if err != nil {
		return nil, err
	}
	return OpenWithApp(ctx, url, appURL)
}

// AppURL returns url with its user replaced by AppRole and no password.
func AppURL(url string) (string, error) {
	u, err := neturl.Parse(url)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("database url must be a postgres:// URL to derive the application role's URL")
	}
	u.User = neturl.User(AppRole)
	return u.String(), nil
}

// OpenWithApp connects to the database as the owner (url) and as the
// application role (appURL), and checks that the owner connection answers.
// The application connection is checked by Ping, once migrations have made
// the role.
func OpenWithApp(ctx context.Context, url, appURL string) (*DB, error) {
	pool, err := newPool(ctx, url, "scalefield")
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	app, err := newPool(ctx, appURL, "scalefield-app")
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("application role: %w", err)
	}
	return &DB{Pool: pool, App: app, Now: time.Now}, nil
}

func newPool(ctx context.Context, url, name string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = name
	// pgx prepares every statement, and PostgreSQL switches a prepared
	// statement to a generic plan after five runs when it looks no costlier.
	// The explorer's and Gold's statements need the plan for their actual
	// values (a rare word, a wide range), which costs a fraction of a
	// millisecond to make each time.
	if _, ok := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return pool, nil
}

// Close closes every connection.
func (db *DB) Close() {
	db.App.Close()
	db.Pool.Close()
}

// Ping checks that both connections answer, and that the application
// connection really is confined by row-level security.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Pool.Ping(ctx); err != nil {
		return err
	}
	var bypass bool
	err := db.App.QueryRow(ctx, `SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&bypass)
	if err != nil {
		return fmt.Errorf("application role: %w", err)
	}
	if bypass {
		return fmt.Errorf("application role can bypass row-level security: connect it as a role without SUPERUSER or BYPASSRLS")
	}
	return nil
}

func (db *DB) sqlDB() *sql.DB { return stdlib.OpenDBFromPool(db.Pool) }

func (db *DB) migrationProvider() (*goose.Provider, *sql.DB, error) {
	sdb := db.sqlDB()
	// The session lock lets several replicas start at once: one migrates,
	// the others wait and then find nothing to do.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sdb, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithLogger(goose.NopLogger()))
	if err != nil {
		sdb.Close()
		return nil, nil, fmt.Errorf("migration provider: %w", err)
	}
	return p, sdb, nil
}

// Migrate applies every pending migration, each in its own transaction.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, sdb, err := db.migrationProvider()
	if err != nil {
		return err
	}
	defer sdb.Close()
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return db.EnsurePartitions(ctx)
}

// MigrationsPending reports how many migrations are not applied yet.
func (db *DB) MigrationsPending(ctx context.Context) (int, error) {
	p, sdb, err := db.migrationProvider()
	if err != nil {
		return 0, err
	}
	defer sdb.Close()
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("migration versions: %w", err)
	}
	pending := 0
	for _, s := range p.ListSources() {
		if s.Version > current && s.Version <= target {
			pending++
		}
	}
	return pending, nil
}

// PartitionedTables lists the tables partitioned by month.
var PartitionedTables = []string{"bronze_events", "silver_security_events", "silver_alerts", "silver_user_activities"}

// EnsurePartitions creates the monthly partitions of the time-partitioned
// tables from last month to three months ahead.
func (db *DB) EnsurePartitions(ctx context.Context) error {
	start := db.Now().UTC().AddDate(0, -1, 0)
	for _, t := range PartitionedTables {
		if _, err := db.Pool.Exec(ctx, `SELECT scalefield_ensure_monthly_partitions($1::regclass, $2, 5)`, t, start); err != nil {
			return fmt.Errorf("ensure partitions of %s: %w", t, err)
		}
	}
	return nil
}

// beginTenant starts a transaction scoped to the tenant of ctx's session.
// EUNAUTHORIZED when ctx carries no session.
func (db *DB) beginTenant(ctx context.Context) (pgx.Tx, string, error) {
	tenantID := scalefield.TenantIDFromContext(ctx)
	if tenantID == "" {
		return nil, "", scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	tx, err := db.beginForTenant(ctx, tenantID)
	return tx, tenantID, err
}

// beginForTenant starts a transaction scoped to tenantID, for callers that
// act on a tenant's behalf from a verified credential other than a session
// (an HEC token, a pipeline stage).
func (db *DB) beginForTenant(ctx context.Context, tenantID string) (pgx.Tx, error) {
	tx, err := db.App.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
		_ = tx.Rollback(ctx)
		return nil, fmt.Errorf("set tenant: %w", err)
	}
	return tx, nil
}
