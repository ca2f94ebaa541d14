package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	scalefield "github.com/scalefield/scalefield"
)

// TestGatherEndToEnd runs the gather zone against the dev PostgreSQL (with
// pgaudit, wal_level=logical and a csvlog in $SCALEFIELD_PG_LOG_DIR): an
// engine with its gather listener, the `scalefield gather` binary with a
// postgres-log collector on the server log and a postgres-logical collector
// on a fresh database, and a scripted workload on that database. The API
// must show every statement and row change once, and the failed login as
// an authentication failure. Then a second workload runs while the agent
// is killed with SIGKILL at random points and restarted, and still nothing
// is missing or repeated. Once with a file:// store, once with S3.
func TestGatherEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("gather end-to-end test: skipped with -short")
	}
	base, logDir := e2ePostgres(t)
	bin := buildBinary(t)
	t.Run("file backend", func(t *testing.T) {
		runGatherE2E(t, bin, base, logDir, (&url.URL{Scheme: "file", Path: filepath.ToSlash(t.TempDir())}).String())
	})
	t.Run("S3 backend", func(t *testing.T) {
		// An in-process S3 server; the agent inherits the credentials.
		backend := s3mem.New()
		srv := httptest.NewServer(gofakes3.New(backend).Server())
		t.Cleanup(srv.Close)
		if err := backend.CreateBucket("activity"); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key",
			"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"),
			"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"), "AWS_EC2_METADATA_DISABLED": "true"} {
			t.Setenv(k, v)
		}
		runGatherE2E(t, bin, base, logDir, "s3://activity?"+url.Values{"endpoint": {srv.URL}, "region": {"us-east-1"}, "use_path_style": {"true"}}.Encode())
	})
}

// e2ePostgres returns TEST_DATABASE_URL and the server log directory, or
// skips the test when the server cannot serve it.
func e2ePostgres(t *testing.T) (base, logDir string) {
	t.Helper()
	if base = os.Getenv("TEST_DATABASE_URL"); base == "" {
		t.Skip("TEST_DATABASE_URL is not set: this test needs the dev PostgreSQL (scripts/setup.sh, then . .data/env)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var libs, collector, dest, dir, data string
	if err := conn.QueryRow(ctx, `SELECT current_setting('shared_preload_libraries'), current_setting('logging_collector'),
		current_setting('log_destination'), current_setting('log_directory'), current_setting('data_directory')`).Scan(&libs, &collector, &dest, &dir, &data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(libs, "pgaudit") {
		t.Skipf("pgaudit is not loaded (shared_preload_libraries = %q): install postgresql-15-pgaudit and start PostgreSQL with scripts/setup.sh", libs)
	}
	if logDir = os.Getenv("SCALEFIELD_PG_LOG_DIR"); logDir == "" {
		t.Skip("SCALEFIELD_PG_LOG_DIR is not set: run scripts/setup.sh, then . .data/env")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(data, dir)
	}
	rd, errA := filepath.EvalSymlinks(dir)
	rl, errB := filepath.EvalSymlinks(logDir)
	if collector != "on" || !strings.Contains(dest, "csvlog") || errA != nil || errB != nil || rd != rl {
		t.Skipf("the dev PostgreSQL does not write a csvlog to %s (logging_collector=%s, log_destination=%s, log_directory=%s): "+
			"it was started before scripts/setup.sh asked for one; restart it with scripts/setup.sh", logDir, collector, dest, dir)
	}
	return base, logDir
}

// e2eRun is one backend's run: the engine, the workload database, the
// agent, and what the workload did.
type e2eRun struct {
	t        *testing.T
	b        *bundle
	db       string // the workload database, also the word searched for
	dbURL    string
	host     string // the collectors' host label
	slot     string
	reader   string // a role the workload grants to
	ghost    string // a role that does not exist
	admin    *pgx.Conn
	work     *pgx.Conn
	agent    *e2eAgent
	stateDir string
	logDir   string
	seeded   map[string]int64 // csvlog file → where the collector starts

	// statements pgaudit logs, and row changes ("public.orders INSERT 7").
	statements []string
	changes    []string
}

// e2eStep is a workload statement and the row changes it makes.
type e2eStep struct {
	sql     string
	changes []string
}

func runGatherE2E(t *testing.T, bin, base, logDir, blobURL string) {
	ctx := context.Background()
	sfx := randomHex(5)
	r := &e2eRun{t: t, logDir: logDir, db: "sfe2e" + sfx, host: "pg-e2e-" + sfx, slot: "sfe2e_" + sfx,
		reader: "sfe2e_reader_" + sfx, ghost: "sfe2e_ghost_" + sfx, stateDir: t.TempDir()}

	// 1. The engine, with its gather listener and the shared store, and an
	// enrollment token from an MFA admin.
	r.b = setupWith(t, func(c *Config) {
		c.GatherAddr, c.GatherBlobURL, c.GatherScanInterval = "127.0.0.1:0", blobURL, 2*time.Second
	})
	admin := geAdminToken(t, r.b)
	var created struct {
		CreateGatherEnrollmentToken struct{ Token, CaFingerprint string }
	}
	r.b.gql.MustPost(`mutation { createGatherEnrollmentToken(name: "e2e", expiresInHours: 1) { token caFingerprint } }`, &created, bearer(admin))

	// 2. The server log counts as read up to now: the collector reads what
	// the test adds, not the whole day's log of every test.
	r.seeded = seedLogFollower(t, logDir, filepath.Join(r.stateDir, "collectors", "pg-log", "follower.json"))
	// A fresh database with pgaudit on for its sessions, and a publication.
	var err error
	if r.admin, err = pgx.Connect(ctx, base); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.dropDatabase)
	for _, sql := range []string{"CREATE DATABASE " + r.db, "ALTER DATABASE " + r.db + " SET pgaudit.log = 'read, write, ddl, role'",
		"ALTER DATABASE " + r.db + " SET pgaudit.log_parameter = off"} {
		if _, err := r.admin.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	u, _ := url.Parse(base)
	u.Path = "/" + r.db
	r.dbURL = u.String()
	cc, _ := pgx.ParseConfig(r.dbURL)
	// Statements go as they are written (no $1): pgaudit logs their text.
	cc.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	cc.RuntimeParams["application_name"] = "scalefield-e2e-workload"
	if r.work, err = pgx.ConnectConfig(ctx, cc); err != nil {
		t.Fatal(err)
	}
	r.run(e2eStep{sql: "CREATE PUBLICATION sfe2e FOR ALL TABLES"})

	// 3. The agent: the scalefield binary with both collectors.
	cfgPath := filepath.Join(t.TempDir(), "gather.yaml")
	yaml := fmt.Sprintf(`engine: {url: %q, token: %q, ca_fingerprint: %q, heartbeat_interval: 1s}
state_dir: %q
hostname: e2e-agent
blob: {url: %q}
files: {max_rows: 40, max_age: 150ms}
collectors:
  - {name: pg-log, type: postgres-log, dir: %q, glob: "*.csv", format: postgres-csvlog, host: %q, poll_interval: 100ms}
  - {name: pg-wal, type: postgres-logical, conn_string: %q, slot: %q, publication: sfe2e, include_values: true, host: %q, status_interval: 1s}
`, "https://"+r.b.main.Gather.Addr(), created.CreateGatherEnrollmentToken.Token, created.CreateGatherEnrollmentToken.CaFingerprint,
		r.stateDir, blobURL, logDir, r.host, r.dbURL, r.slot, r.host)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	r.agent = &e2eAgent{t: t, bin: bin, config: cfgPath, logs: t.TempDir()}
	r.startAgent()

	// 4. The scripted workload: DDL, DML, reads, role changes.
	r.run(
		e2eStep{sql: "CREATE TABLE orders (id int PRIMARY KEY, customer text, total numeric)"},
		e2eStep{sql: "CREATE TABLE notes (id int PRIMARY KEY, body text)"},
		e2eStep{sql: "CREATE TABLE scratch (id int PRIMARY KEY)"},
		e2eStep{"INSERT INTO orders VALUES (1, 'alice', 10.50), (2, 'bob', 20), (3, 'carol', 30)",
			[]string{"public.orders INSERT 1", "public.orders INSERT 2", "public.orders INSERT 3"}},
		e2eStep{"INSERT INTO notes VALUES (1, 'first note')", []string{"public.notes INSERT 1"}},
		e2eStep{"INSERT INTO scratch VALUES (1), (2)", []string{"public.scratch INSERT 1", "public.scratch INSERT 2"}},
		e2eStep{"UPDATE orders SET total = total + 1 WHERE id IN (1, 2)", []string{"public.orders UPDATE 1", "public.orders UPDATE 2"}},
		e2eStep{"DELETE FROM orders WHERE id = 3", []string{"public.orders DELETE 3"}},
		e2eStep{"TRUNCATE scratch", []string{"public.scratch TRUNCATE"}},
		e2eStep{sql: "SELECT count(*) FROM orders"},
		e2eStep{sql: "SELECT id, customer FROM orders WHERE total > 15 ORDER BY id"},
		e2eStep{sql: "SELECT o.id, n.body FROM orders o JOIN notes n ON n.id = o.id"},
		e2eStep{sql: "CREATE ROLE " + r.reader + " NOLOGIN"},
		e2eStep{sql: "GRANT SELECT ON orders TO " + r.reader},
	)
	// The failed login: the dev server trusts local connections
	// (pg_hba.conf), so no password is asked for and none can be wrong. A
	// role that does not exist fails at the server instead: FATAL 28000
	// `role "…" does not exist`.
	ghost, _ := pgx.ParseConfig(r.dbURL)
	ghost.User, ghost.Fallbacks = r.ghost, nil
	if c, err := pgx.ConnectConfig(ctx, ghost); err == nil {
		c.Close(ctx)
		t.Fatalf("%s signed in", r.ghost)
	} else if !strings.Contains(err.Error(), "28000") {
		t.Fatalf("login as %s: %v, want SQLSTATE 28000", r.ghost, err)
	}
	r.checkNode(admin)
	r.finish("phase 1")

	// 5. Each statement and row change once; the failed login as an
	// authentication failure (with trust the server first logs
	// "connection authorized" for the role, a success).
	got := r.check()
	t.Logf("scripted workload: %d statements, %d row changes; %s", len(r.statements), len(r.changes), got)
	var failed []e2eEvent
	for _, e := range got.all {
		if e.User == r.ghost && e.Status == "failure" {
			failed = append(failed, e)
		}
	}
	if len(failed) != 1 || failed[0].ClassName != "Authentication" || failed[0].Source != "pg-log" || !strings.Contains(failed[0].Message, "28000: role") {
		t.Errorf("the failed login: %+v, want one Authentication failure", failed)
	}

	// 6. A second workload while the agent is killed and restarted.
	r.crashPhase()
}

// apply runs a step and records it.
func (r *e2eRun) apply(st e2eStep) error {
	if _, err := r.work.Exec(context.Background(), st.sql); err != nil {
		return fmt.Errorf("%s: %w", st.sql, err)
	}
	if st.sql != "BEGIN" && st.sql != "COMMIT" { // pgaudit's MISC class, not logged
		r.statements = append(r.statements, st.sql)
	}
	r.changes = append(r.changes, st.changes...)
	return nil
}

func (r *e2eRun) run(steps ...e2eStep) {
	r.t.Helper()
	for _, st := range steps {
		if err := r.apply(st); err != nil {
			r.t.Fatal(err)
		}
	}
}

// startAgent starts the agent and waits until its slot streams: changes
// before that are not decoded.
func (r *e2eRun) startAgent() {
	r.t.Helper()
	r.agent.start()
	r.waitFor("the agent's slot", func() bool {
		var n int
		err := r.admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_replication_slots
			WHERE slot_name = $1 AND active AND confirmed_flush_lsn IS NOT NULL`, r.slot).Scan(&n)
		return err == nil && n == 1
	})
}

// finish runs a marker statement and row change, waits until both are in
// Silver, stops the agent, and waits until the engine has imported and
// refined every file stored.
func (r *e2eRun) finish(marker string) {
	r.t.Helper()
	ctx := context.Background()
	id := len(r.changes) + 100000
	sel := fmt.Sprintf("SELECT '%s' AS marker", marker)
	r.run(e2eStep{fmt.Sprintf("INSERT INTO notes VALUES (%d, '%s')", id, marker), []string{fmt.Sprintf("public.notes INSERT %d", id)}},
		e2eStep{sql: sel})
	pool := r.b.main.DB.Pool
	r.waitFor(marker+" in Silver", func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM silver_security_events WHERE tenant_id = $1 AND host = $2 AND db_name = $3
			AND (db_statement = $4 OR (source = 'pg-wal' AND db_statement LIKE '%' || $5 || '%'))`,
			r.b.a.Tenant.ID, r.host, r.db, sel, marker).Scan(&n)
		return err == nil && n >= 2
	})
	r.agent.stop()
	// A file stored but not announced when the agent stopped is found by
	// listing the store.
	if _, err := r.b.main.Importer.Scan(ctx); err != nil {
		r.t.Fatal(err)
	}
	r.b.main.Importer.Notify()
	r.waitFor("the import queue to drain", func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM gather_files WHERE status IN ('queued', 'importing')`).Scan(&n)
		return err == nil && n == 0
	})
	waitRefined(r.t, r.b.main)
	var quarantined int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM gather_files WHERE status = 'quarantined'`).Scan(&quarantined); err != nil || quarantined != 0 {
		r.t.Fatalf("%d files quarantined (%v)", quarantined, err)
	}
}

// e2eRound is round i of the second workload; all its statements differ
// from every other round's.
func e2eRound(i int) []e2eStep {
	id := 1000 + i
	step := func(sql, table, action string) e2eStep {
		return e2eStep{sql, []string{fmt.Sprintf("public.%s %s %d", table, action, id)}}
	}
	steps := []e2eStep{step(fmt.Sprintf("INSERT INTO orders VALUES (%d, 'c%d', %d)", id, id, i), "orders", "INSERT")}
	if i%3 == 0 {
		steps = append(steps, step(fmt.Sprintf("UPDATE orders SET total = total + 1 WHERE id = %d", id), "orders", "UPDATE"))
	}
	if i%2 == 0 {
		steps = append(steps, e2eStep{sql: fmt.Sprintf("SELECT customer, total FROM orders WHERE id = %d", id)})
	}
	if i%7 == 0 { // one transaction over two tables
		steps = append(steps, e2eStep{sql: "BEGIN"}, step(fmt.Sprintf("INSERT INTO notes VALUES (%d, 'note %d')", id, i), "notes", "INSERT"),
			step(fmt.Sprintf("UPDATE orders SET customer = 'x%d' WHERE id = %d", id, id), "orders", "UPDATE"), e2eStep{sql: "COMMIT"})
	}
	if i%5 == 0 {
		steps = append(steps, step(fmt.Sprintf("DELETE FROM orders WHERE id = %d", id), "orders", "DELETE"))
	}
	return steps
}

// crashPhase runs a workload in a loop while the agent is killed with
// SIGKILL at random points and restarted, then checks that every
// statement and row change of both phases is in the API once.
func (r *e2eRun) crashPhase() {
	t := r.t
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	rnd := mrand.New(mrand.NewPCG(seed, 0))
	r.startAgent()

	stop, done, rounds := make(chan struct{}), make(chan error, 1), 0
	// The workload records what it did; the test reads it after done.
	go func() {
		done <- func() error {
			for ; ; rounds++ {
				select {
				case <-stop:
					return nil
				default:
				}
				for _, st := range e2eRound(rounds) {
					if err := r.apply(st); err != nil {
						return err
					}
				}
				// A steady pace, not a flood.
				time.Sleep(3 * time.Millisecond)
			}
		}()
	}()

	const kills = 6
	var spooled []int // files in the agent's spool at each kill
	files := func() int {
		var n int
		_ = r.b.main.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM gather_files`).Scan(&n)
		return n
	}
	for k := 0; k <= kills; k++ {
		if k > 0 {
			r.agent.start()
		}
		if k%2 == 0 || k == kills {
			// Once files flow again …
			before := files()
			r.waitFor("new files", func() bool { return files() >= before+2 })
		}
		if k == kills {
			break
		}
		// … at a random point (for odd k, soon after the start, while the
		// collectors catch up on what was written while it was down).
		time.Sleep(time.Duration(rnd.IntN(400)) * time.Millisecond)
		r.agent.kill()
		inSpool, _ := filepath.Glob(filepath.Join(r.stateDir, "spool", "*.parquet"))
		spooled = append(spooled, len(inSpool))
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("workload: %v", err)
	}
	r.finish("phase 2")
	got := r.check()
	t.Logf("after %d kills (seed %d; %d agent runs; files in the spool at the kills: %v): %d workload rounds, %d statements, "+
		"%d row changes, %d files imported; %s", kills, seed, r.agent.runs, spooled, rounds, len(r.statements), len(r.changes), files(), got)
}

// e2eEvent is an event as the API shows it.
type e2eEvent struct {
	ID, Source, Action, Message, User, Status, ClassName string
	DupCount                                             int
	Database                                             struct{ Name, Statement, Object string }
	Bronze                                               struct{ Payload string }
}

// e2eResult sums up the events of the workload database.
type e2eResult struct {
	all                  []e2eEvent
	fromLog, fromWAL     int
	audited              int            // pgaudit records the server wrote for the database
	byAction             map[string]int // row changes by table and action
	logRecords, unparsed int            // server log records of every database in Bronze; those not parsed
}

func (r e2eResult) String() string {
	return fmt.Sprintf("%d events of the database, each once (%d from the server log, of them %d pgaudit records; %d from logical decoding); "+
		"row changes by table and action: %v; %d server log records read while the test ran (every database), %d not parsed",
		len(r.all), r.fromLog, r.audited, r.fromWAL, r.byAction, r.logRecords, r.unparsed)
}

// check reads every event of the database through GraphQL and checks
// that each workload statement and row change is there once, that no
// event was received twice, and that every pgaudit record the server
// wrote for the database up to the last marker is there once.
func (r *e2eRun) check() e2eResult {
	t := r.t
	t.Helper()
	res := e2eResult{all: r.events(), byAction: map[string]int{}}
	stmts, changes, logged := map[string]int{}, map[string]int{}, map[string]int{}
	bad := 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 15 {
			t.Errorf(format, args...)
		}
	}
	for _, e := range res.all {
		// Silver counts the copies of a record: one stored or imported
		// twice shows here.
		if e.DupCount != 1 {
			fail("event %s (%s) was received %d times", e.ID, e.Message, e.DupCount)
		}
		var a scalefield.DBActivity
		if err := json.Unmarshal([]byte(e.Bronze.Payload), &a); err != nil {
			t.Fatalf("event %s: Bronze payload: %v", e.ID, err)
		}
		switch e.Source {
		case "pg-log":
			res.fromLog++
			if a.Action == "UNPARSED" {
				fail("unparsed server log record: %s (%s)", a.Error, a.Raw)
			}
			if a.Statement != "" {
				stmts[a.Statement]++
			}
			if f, ok := csvFields(a.Raw); ok && strings.HasPrefix(f[13], "AUDIT: ") {
				logged[f[5]+"#"+f[6]]++ // session id, line number
			}
		case "pg-wal":
			res.fromWAL++
			key := e.Database.Object + " " + e.Action
			res.byAction[key]++
			var s struct{ Key map[string]any }
			if err := json.Unmarshal([]byte(e.Database.Statement), &s); err == nil && s.Key["id"] != nil {
				key += fmt.Sprint(" ", s.Key["id"])
			} else if e.Action != "TRUNCATE" {
				fail("row change %s: no key in %q", e.ID, e.Database.Statement)
			}
			changes[key]++
		default:
			fail("event %s from source %q", e.ID, e.Source)
		}
	}
	// Statements are distinct; a row may change twice the same way.
	compare := func(what string, want []string, got map[string]int) {
		counts := map[string]int{}
		for _, w := range want {
			counts[w]++
		}
		for w, n := range counts {
			if got[w] != n {
				fail("%s shown %d times, want %d: %s", what, got[w], n, w)
			}
		}
	}
	compare("statement", r.statements, stmts)
	compare("row change", r.changes, changes)
	if res.fromWAL != len(r.changes) {
		fail("%d row changes shown, the workload made %d", res.fromWAL, len(r.changes))
	}
	// Against the server's own log: every pgaudit record of the database,
	// the agent's own queries included, once.
	want := r.auditRecords()
	res.audited = len(want)
	for k := range want {
		if logged[k] != 1 {
			fail("pgaudit record %s shown %d times", k, logged[k])
		}
	}
	if len(logged) != len(want) {
		fail("%d pgaudit records shown, the server log holds %d", len(logged), len(want))
	}
	if err := r.b.main.DB.Pool.QueryRow(context.Background(), `SELECT count(*),
		count(*) FILTER (WHERE convert_from(payload, 'UTF8')::jsonb->>'Action' = 'UNPARSED')
		FROM bronze_events WHERE kind = 'gather' AND source = 'pg-log'`).Scan(&res.logRecords, &res.unparsed); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d problems", bad)
	}
	return res
}

// events pages through the events of the collectors' host that name the
// database, and keeps those of the database.
func (r *e2eRun) events() []e2eEvent {
	const q = `query($f: EventFilter, $after: String) { events(filter: $f, first: 500, after: $after) { pageInfo { hasNextPage endCursor }
		edges { node { id source action message user status className dupCount database { name statement object } bronze { payload } } } } }`
	var out []e2eEvent
	for after := ""; ; {
		var resp struct {
			Events struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node e2eEvent }
			}
		}
		opts := []client.Option{bearer(r.b.a.Token), client.Var("f", map[string]any{"host": r.host, "search": r.db})}
		if after != "" {
			opts = append(opts, client.Var("after", after))
		}
		r.b.gql.MustPost(q, &resp, opts...)
		for _, e := range resp.Events.Edges {
			if e.Node.Database.Name == r.db {
				out = append(out, e.Node)
			}
		}
		if !resp.Events.PageInfo.HasNextPage {
			return out
		}
		after = resp.Events.PageInfo.EndCursor
	}
}

// auditRecords reads the server log from the seeded offsets and returns
// the pgaudit records of the database up to the last marker, by session
// id and line number.
func (r *e2eRun) auditRecords() map[string]bool {
	r.t.Helper()
	out := map[string]bool{}
	paths, _ := filepath.Glob(filepath.Join(r.logDir, "*.csv"))
	slices.Sort(paths) // postgresql-YYYYMMDD.csv: oldest first
	last := r.statements[len(r.statements)-1]
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			r.t.Fatal(err)
		}
		cr := csv.NewReader(strings.NewReader(string(data[r.seeded[p]:])))
		cr.FieldsPerRecord = -1
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				r.t.Fatalf("%s: %v", p, err)
			}
			if len(rec) < 23 || rec[2] != r.db || !strings.HasPrefix(rec[13], "AUDIT: ") {
				continue
			}
			out[rec[5]+"#"+rec[6]] = true
			if strings.HasSuffix(rec[13], ","+last+",<not logged>") {
				return out
			}
		}
	}
	r.t.Fatalf("the server log has no pgaudit record of %q", last)
	return nil
}

// csvFields splits one csvlog record.
func csvFields(raw string) ([]string, bool) {
	cr := csv.NewReader(strings.NewReader(raw))
	cr.FieldsPerRecord = -1
	f, err := cr.Read()
	return f, err == nil && len(f) >= 23
}

// checkNode waits until the running agent's heartbeat shows both
// collectors and the database's version to the Operator view.
func (r *e2eRun) checkNode(admin string) {
	r.t.Helper()
	type database struct{ Engine, Version, Name string }
	var resp struct {
		GatherNodes struct {
			Edges []struct {
				Node struct {
					Databases  []database
					Collectors []struct{ Name string }
				}
			}
		}
	}
	r.waitFor("the node's inventory", func() bool {
		r.b.gql.MustPost(`{ gatherNodes { edges { node { databases { engine version name } collectors { name } } } } }`, &resp, bearer(admin))
		if len(resp.GatherNodes.Edges) != 1 {
			return false
		}
		n := resp.GatherNodes.Edges[0].Node
		var names []string
		for _, c := range n.Collectors {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		return slices.Equal(names, []string{"pg-log", "pg-wal"}) && slices.ContainsFunc(n.Databases, func(d database) bool {
			return d.Engine == "postgresql" && d.Name == r.db && strings.HasPrefix(d.Version, "15")
		})
	})
}

func (r *e2eRun) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dropDatabase stops the agent and removes the database, its slot and the
// role.
func (r *e2eRun) dropDatabase() {
	ctx := context.Background()
	if r.agent != nil {
		r.agent.kill()
	}
	if r.work != nil {
		r.work.Close(ctx)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := r.admin.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1 AND active", r.slot).Scan(&n); err != nil || n == 0 {
			break
		}
	}
	for _, sql := range []string{"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + r.slot + "'",
		"DROP DATABASE IF EXISTS " + r.db + " WITH (FORCE)", "DROP ROLE IF EXISTS " + r.reader} {
		if _, err := r.admin.Exec(ctx, sql); err != nil {
			r.t.Errorf("%s: %v", sql, err)
		}
	}
	r.admin.Close(ctx)
}

// seedLogFollower writes the postgres-log collector's state (the state
// file of audit.Follower) as if it had read every csvlog file of dir up to
// its last complete line, and returns those offsets.
func seedLogFollower(t *testing.T, dir, stateFile string) map[string]int64 {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	seeded, files := map[string]int64{}, []map[string]any{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		// The server writes whole records; the last newline ends one.
		off := int64(strings.LastIndexByte(string(data), '\n') + 1)
		st := fi.Sys().(*syscall.Stat_t)
		seeded[p] = off
		files = append(files, map[string]any{"path": p, "dev": uint64(st.Dev), "ino": uint64(st.Ino), "offset": off})
	}
	doc, _ := json.Marshal(map[string]any{"version": 1, "files": files})
	if err := os.MkdirAll(filepath.Dir(stateFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateFile, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return seeded
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// e2eAgent is `scalefield gather` run as a process of its own; its log
// is shown when the test fails.
type e2eAgent struct {
	t                 *testing.T
	bin, config, logs string
	cmd               *exec.Cmd
	exited            chan error
	runs              int
}

func (a *e2eAgent) start() {
	a.t.Helper()
	if a.runs++; a.runs == 1 {
		a.t.Cleanup(func() {
			a.kill()
			for i := 1; a.t.Failed() && i <= a.runs; i++ {
				data, _ := os.ReadFile(filepath.Join(a.logs, fmt.Sprintf("agent-%d.log", i)))
				a.t.Logf("agent run %d:\n%s", i, data[max(0, len(data)-4000):])
			}
		})
	}
	logFile, err := os.Create(filepath.Join(a.logs, fmt.Sprintf("agent-%d.log", a.runs)))
	if err != nil {
		a.t.Fatal(err)
	}
	defer logFile.Close()
	a.cmd = exec.Command(a.bin, "gather", "--config", a.config, "--log-format", "text")
	a.cmd.Stdout, a.cmd.Stderr = logFile, logFile
	if err := a.cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	a.exited = make(chan error, 1)
	go func(cmd *exec.Cmd, exited chan<- error) { exited <- cmd.Wait() }(a.cmd, a.exited)
}

// kill sends SIGKILL and waits until the process is gone.
func (a *e2eAgent) kill() {
	if a.cmd != nil {
		_ = a.cmd.Process.Signal(syscall.SIGKILL)
		<-a.exited
		a.cmd = nil
	}
}

// stop asks the agent to stop (SIGTERM) and waits until it has.
func (a *e2eAgent) stop() {
	a.t.Helper()
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.exited:
		a.cmd = nil
		if err != nil {
			a.t.Errorf("agent run %d ended with %v", a.runs, err)
		}
	case <-time.After(30 * time.Second):
		a.kill()
		a.t.Errorf("agent run %d did not stop within 30s of SIGTERM", a.runs)
	}
}
