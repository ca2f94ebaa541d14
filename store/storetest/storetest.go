// Package storetest gives tests their own PostgreSQL database and Redis
// key space. Each test database is a copy of a migrated template, made in
// milliseconds, and dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/scalefield/scalefield/migrations"
	"github.com/scalefield/scalefield/store"
)

// template is the name of the migrated template database. It names the
// migrations' contents, so a changed or added migration gets a new template
// rather than failing on an old one.
var template = "scalefield_tmpl_" + migrationsDigest()

func migrationsDigest() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(data)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// templateLock is the advisory lock key that serializes work on the template.
const templateLock = 7261001

var (
	templateOnce sync.Once
	templateErr  error
)

// DatabaseURL returns TEST_DATABASE_URL, failing the test when it is unset.
func DatabaseURL(t testing.TB) string { t.Helper(); return requireEnv(t, "TEST_DATABASE_URL") }

// RedisURL returns REDIS_URL, failing the test when it is unset.
func RedisURL(t testing.TB) string { t.Helper(); return requireEnv(t, "REDIS_URL") }

func requireEnv(t testing.TB, key string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		t.Fatalf("%s is not set: run `make test`, or `scripts/setup.sh && . .data/env` first", key)
	}
	return v
}

func withDatabase(rawURL, name string) string {
	u, _ := url.Parse(rawURL)
	u.Path = "/" + name
	return u.String()
}

// NewDatabase creates an empty migrated database and returns its URL; it is
// dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := DatabaseURL(t)
	ctx := context.Background()
	templateOnce.Do(func() { templateErr = prepareTemplate(ctx, base) })
	if templateErr != nil {
		t.Fatalf("prepare template database: %v", templateErr)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "sftest_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(ctx)
	// Copying needs the template free of connections: hold the lock that
	// another test binary holds while it migrates the template.
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		t.Fatalf("lock template: %v", err)
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template))
	_, _ = admin.Exec(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(base, name)
}

// NewDB returns a store on a fresh migrated database, closed when the test
// ends.
func NewDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), NewDatabase(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// prepareTemplate (re)creates the template database and migrates it, once
// per test binary. A lock keeps parallel test binaries from racing.
func prepareTemplate(ctx context.Context, base string) error {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return err
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)

	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// The template appears only once migrated: it is built under another
	// name and renamed when complete, so a failed run leaves no half-built
	// template behind.
	building := template + "_building"
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return err
	}
	db, err := store.Open(ctx, withDatabase(base, building))
	if err != nil {
		return err
	}
	err = db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	db.Close()
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	_, err = admin.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+template)
	return err
}

// NewRedis returns a Redis client closed when the test ends. Tests share
// the Redis server; they stay apart because the tenant IDs in channel names
// are random per test database.
func NewRedis(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(RedisURL(t))
	if err != nil {
		t.Fatalf("redis url: %v", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping redis: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// PersistentDatabase returns the URL of a migrated database named prefix
// plus the migrations' digest, creating it from the template when missing
// and never dropping it: benchmarks keep large data sets across runs in
// it. created says whether it was made now.
func PersistentDatabase(t testing.TB, prefix string) (dbURL string, created bool) {
	t.Helper()
	base := DatabaseURL(t)
	ctx := context.Background()
	templateOnce.Do(func() { templateErr = prepareTemplate(ctx, base) })
	if templateErr != nil {
		t.Fatalf("prepare template database: %v", templateErr)
	}
	name := prefix + "_" + migrationsDigest()[:12]
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatalf("look up %s: %v", name, err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
			t.Fatalf("lock template: %v", err)
		}
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template))
		_, _ = admin.Exec(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	return withDatabase(base, name), !exists
}

// Checkpoint flushes every dirty page of the test server (CHECKPOINT).
// Benchmarks call it before they start timing, so the pages earlier
// benchmarks left dirty are not written (and their next changes logged as
// full pages) on this one's time.
func Checkpoint(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, DatabaseURL(t))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
}
