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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/migrations"
)

// DB is the PostgreSQL connection pool of the application.
type DB struct {
	Pool *pgxpool.Pool
	// Now returns the current time; tests replace it.
	Now scalefield.Clock
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "scalefield"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return &DB{Pool: pool, Now: time.Now}, nil
}

// Close closes every connection.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

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
var PartitionedTables = []string{"bronze_events", "silver_security_events"}

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
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
		_ = tx.Rollback(ctx)
		return nil, fmt.Errorf("set tenant: %w", err)
	}
	return tx, nil
}
