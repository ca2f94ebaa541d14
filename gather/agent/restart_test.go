package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// writer appends records to a growing directory of audit files (a new
// file every perFile records) until stopped, and returns how many it wrote.
func startWriter(t *testing.T, dir string, perFile int) (stop func() int) {
	t.Helper()
	var wg sync.WaitGroup
	done := make(chan struct{})
	n := 0
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			name := fmt.Sprintf("server_audit.%04d.log", n/perFile)
			appendLines(t, dir, name, n, n+7)
			n += 7
			time.Sleep(2 * time.Millisecond)
		}
	})
	return func() int { close(done); wg.Wait(); return n }
}

func TestKillAndRestart(t *testing.T) {
	t.Run("file collector over a growing directory", func(t *testing.T) {
		b := setup(t)
		b.cfg.Files = FilesConfig{MaxRows: 25, MaxAge: 30 * time.Millisecond}
		stop := startWriter(t, b.auditDir, 200)
		for i := 0; i < 6; i++ {
			r := b.start(t, nil)
			// Stop at a different point each time: while files are being
			// written, spooled, uploaded and committed.
			time.Sleep(time.Duration(80+i*37) * time.Millisecond)
			if i == 3 {
				b.engine.setDown(true) // files pile up in the spool
			}
			r.stop(t)
			if i == 4 {
				b.engine.setDown(false)
			}
		}
		n := stop()
		r := b.start(t, nil)
		waitFor(t, "every record stored", func() bool { return storedRows(t, b.storeURL)() >= n })
		waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
		checkExactlyOnce(t, readStore(t, b.storeURL), n)
	})
	t.Run("postgres-logical against PostgreSQL", func(t *testing.T) {
		pg := setupPostgres(t)
		b := setup(t)
		b.cfg.Files = FilesConfig{MaxRows: 40, MaxAge: 50 * time.Millisecond}
		b.cfg.Collectors = []CollectorConfig{{
			Name: "pg", Type: TypePostgresLogical, ConnString: pg.connString, Slot: "agent_test",
			Publication: "agent_test", CreatePublication: true, IncludeValues: true,
			Masks: map[string]string{"public.orders.card": "mask"}, StatusInterval: time.Second,
		}}
		ctx := context.Background()
		pg.exec(t, "CREATE TABLE orders (id int PRIMARY KEY, customer text, card text, total numeric)")
		r := b.start(t, nil)
		waitFor(t, "slot created", func() bool {
			var n int
			// The slot exists in the view while it waits for a consistent
			// point; changes before that point are not decoded.
			return pg.db.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'agent_test' AND active AND confirmed_flush_lsn IS NOT NULL").Scan(&n) == nil && n == 1
		})
		// A scripted workload: DDL, inserts, updates, deletes and reads,
		// with the agent killed and restarted in the middle.
		changes := 0
		for round := 0; round < 6; round++ {
			for i := 0; i < 30; i++ {
				id := round*100 + i
				pg.exec(t, "INSERT INTO orders VALUES ($1, $2, '4111111111111111', $3)", id, fmt.Sprintf("c%d", id), id)
				changes++
				if i%3 == 0 {
					pg.exec(t, "UPDATE orders SET total = total + 1 WHERE id = $1", id)
					changes++
				}
				if i%5 == 0 {
					pg.exec(t, "DELETE FROM orders WHERE id = $1", id)
					changes++
				}
				if i%10 == 0 {
					var n int
					pg.db.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n)
				}
			}
			if round == 2 {
				pg.exec(t, "ALTER TABLE orders ADD COLUMN note text")
			}
			if round%2 == 1 {
				r.stop(t)
				if round == 3 {
					b.engine.setDown(true)
					r = b.start(t, nil)
					time.Sleep(300 * time.Millisecond)
					r.stop(t)
					b.engine.setDown(false)
				}
				r = b.start(t, nil)
			}
		}
		waitFor(t, "every change stored", func() bool { return storedRows(t, b.storeURL)() >= changes })
		waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
		s := readStore(t, b.storeURL)
		seen := map[string]int{}
		for _, row := range s.rows {
			seen[row.Position]++
			if strings.Contains(row.Statement, "4111111111111111") {
				t.Fatalf("masked value leaked: %s", row.Statement)
			}
		}
		if len(s.rows) != changes || len(seen) != changes {
			t.Fatalf("stored %d rows with %d distinct positions for %d changes", len(s.rows), len(seen), changes)
		}
		// The slot is confirmed up to the last stored transaction.
		waitFor(t, "slot confirmed", func() bool {
			var lag int64
			err := pg.db.QueryRow(ctx, "SELECT pg_current_wal_lsn() - confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'agent_test'").Scan(&lag)
			return err == nil && lag < 1<<20
		})
		hb, ok := b.engine.lastHeartbeat()
		if !ok || len(hb.Databases) != 1 || hb.Databases[0].Engine != "postgresql" || !strings.HasPrefix(hb.Databases[0].Version, "15") || hb.Databases[0].Name != pg.name {
			t.Errorf("heartbeat databases %+v", hb.Databases)
		}
		r.stop(t)
	})
}

func TestUploadS3(t *testing.T) {
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	if err := backend.CreateBucket("activity"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test-access-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	q := url.Values{"endpoint": {srv.URL}, "region": {"us-east-1"}, "use_path_style": {"true"}}

	b := setup(t)
	b.storeURL = "s3://activity?" + q.Encode()
	b.cfg.Blob.URL = b.storeURL
	r := b.start(t, nil)
	waitFor(t, "enrollment", func() bool { return r.agent.Identity() != nil })
	b.engine.setDown(true)
	appendLines(t, b.auditDir, "server_audit.log", 0, 64)
	waitFor(t, "files spooled", func() bool { return r.agent.SpoolStats().Files >= 6 })
	b.engine.setDown(false)
	waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() >= 64 })
	waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
	s := readStore(t, b.storeURL)
	checkExactlyOnce(t, s, 64)
	if got := len(b.engine.noticeKeys()); got != len(s.manifests) {
		t.Errorf("%d files announced, %d stored", got, len(s.manifests))
	}
	r.stop(t)
}

// pgBundle is a test database of its own on the dev PostgreSQL.
type pgBundle struct {
	connString string
	name       string
	db         *pgx.Conn
}

func (p *pgBundle) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := p.db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// setupPostgres creates a database for the test and drops it, with its
// replication slots, afterwards.
func setupPostgres(t *testing.T) *pgBundle {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: this test needs PostgreSQL with wal_level=logical (. .data/env)")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	var buf [6]byte
	rand.Read(buf[:])
	p := &pgBundle{name: "agent_test_" + hex.EncodeToString(buf[:])}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+p.name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + p.name
	p.connString = u.String()
	t.Cleanup(func() {
		if p.db != nil {
			p.db.Close(ctx)
		}
		waitFor(t, "slots inactive", func() bool {
			var n int
			err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE database = $1 AND active", p.name).Scan(&n)
			return err == nil && n == 0
		})
		if _, err := admin.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1", p.name); err != nil {
			t.Errorf("drop slots: %v", err)
		}
		if _, err := admin.Exec(ctx, "DROP DATABASE "+p.name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database: %v", err)
		}
		admin.Close(ctx)
	})
	if p.db, err = pgx.Connect(ctx, p.connString); err != nil {
		t.Fatalf("connect test database: %v", err)
	}
	return p
}
