package pglogical

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scalefield/scalefield"
)

// waitLimit bounds every wait on a condition; reaching it fails the test.
const waitLimit = 30 * time.Second

// bundle is one test's own database.
type bundle struct {
	connString string
	db         *pgx.Conn // an ordinary connection to the test database
	admin      *pgx.Conn // a connection to the server's default database
	name       string
}

// setup creates a database of its own for the test and drops it, with the
// test's replication slots, in t.Cleanup.
func setup(t *testing.T) *bundle {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: these tests need a PostgreSQL with wal_level=logical (. .data/env)")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	var buf [6]byte
	rand.Read(buf[:])
	name := "pglogical_test_" + hex.EncodeToString(buf[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL must be a URL: %v", err)
	}
	u.Path = "/" + name
	b := &bundle{connString: u.String(), admin: admin, name: name}
	t.Cleanup(func() {
		if b.db != nil {
			b.db.Close(ctx)
		}
		// A slot is dropped once its walsender has gone.
		waitFor(t, "slots inactive", func() bool {
			var n int
			err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE database = $1 AND active", name).Scan(&n)
			return err == nil && n == 0
		})
		if _, err := admin.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1", name); err != nil {
			t.Errorf("drop slots: %v", err)
		}
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database: %v", err)
		}
		admin.Close(ctx)
	})
	if b.db, err = pgx.Connect(ctx, b.connString); err != nil {
		t.Fatalf("connect test database: %v", err)
	}
	return b
}

// MustExec runs statements on the test database.
func (b *bundle) MustExec(t *testing.T, sql ...string) {
	t.Helper()
	for _, s := range sql {
		if _, err := b.db.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// MustTx runs statements in one transaction, commits it, and returns its xid.
func (b *bundle) MustTx(t *testing.T, sql ...string) uint32 {
	t.Helper()
	ctx := context.Background()
	tx, err := b.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var xid int64
	if err := tx.QueryRow(ctx, "SELECT txid_current()").Scan(&xid); err != nil {
		t.Fatal(err)
	}
	for _, s := range sql {
		if _, err := tx.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return uint32(xid)
}

// slot returns a slot's state as the server sees it.
func (b *bundle) slot(t *testing.T, name string) (active bool, pid int, confirmed LSN) {
	t.Helper()
	var flush *string
	var p *int
	err := b.admin.QueryRow(context.Background(),
		"SELECT active, active_pid, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1", name).Scan(&active, &p, &flush)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, 0, 0
	} else if err != nil {
		t.Fatal(err)
	}
	if p != nil {
		pid = *p
	}
	if flush != nil {
		if confirmed, err = ParseLSN(*flush); err != nil {
			t.Fatal(err)
		}
	}
	return active, pid, confirmed
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", waitLimit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running is a Collector running in the background.
type running struct {
	c      *Collector
	txs    chan Transaction
	done   chan error
	cancel context.CancelFunc
	err    error
	ended  bool
}

func (b *bundle) config(slot string) Config {
	return Config{
		ConnString:        b.connString,
		Slot:              slot,
		Publication:       "all_tables",
		CreatePublication: true,
		Host:              "db-test",
		StatusInterval:    time.Second,
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// start runs a collector for cfg until the test ends, once its slot is
// streaming.
func (b *bundle) start(t *testing.T, cfg Config) *running {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b.run(t, c)
}

// run runs c until the test ends, once its slot is streaming.
func (b *bundle) run(t *testing.T, c *Collector) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{c: c, txs: make(chan Transaction, 1000), done: make(chan error, 1), cancel: cancel}
	go func() {
		r.done <- c.Run(ctx, func(ctx context.Context, tx Transaction) error {
			select {
			case r.txs <- tx:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	t.Cleanup(func() { r.stop(t) })
	waitFor(t, "slot "+c.cfg.Slot+" streaming", func() bool {
		select {
		case err := <-r.done:
			t.Fatalf("run ended: %v", err)
		default:
		}
		// A slot being created is active too, but not yet consistent:
		// until it has a confirmed position, changes may be missed. And
		// creation releases the slot before replication acquires it
		// again, so its walsender must have started replication.
		active, pid, confirmed := b.slot(t, c.cfg.Slot)
		return active && confirmed != 0 && b.replicating(t, pid)
	})
	return r
}

// replicating reports whether walsender pid has started replication
// (pg_stat_replication says catchup or streaming, not startup).
func (b *bundle) replicating(t *testing.T, pid int) bool {
	t.Helper()
	var state string
	err := b.admin.QueryRow(context.Background(), "SELECT state FROM pg_stat_replication WHERE pid = $1", pid).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return false
	} else if err != nil {
		t.Fatal(err)
	}
	return state == "catchup" || state == "streaming"
}

// stop cancels the run and returns what Run returned.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	return r.wait(t)
}

// wait waits for Run to return by itself.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	if !r.ended {
		select {
		case r.err = <-r.done:
			r.ended = true
		case <-time.After(waitLimit):
			t.Fatalf("run did not end")
		}
	}
	return r.err
}

// next returns the next delivered transaction.
func (r *running) next(t *testing.T) Transaction {
	t.Helper()
	select {
	case tx := <-r.txs:
		return tx
	case err := <-r.done:
		r.ended, r.err = true, err
		t.Fatalf("run ended before a transaction came: %v", err)
	case <-time.After(waitLimit):
		t.Fatalf("no transaction after %s", waitLimit)
	}
	return Transaction{}
}

// summary lists a transaction's records as "ACTION object" lines.
func summary(tx Transaction) string {
	var lines []string
	for _, r := range tx.Records {
		lines = append(lines, r.Action+" "+r.Object)
	}
	return strings.Join(lines, "; ")
}

func TestCollector_Workload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustExec(t,
		"CREATE TABLE accounts (id int PRIMARY KEY, email text, balance numeric(10,2), active boolean)",
		"CREATE SCHEMA hr",
		"CREATE TABLE hr.staff (id int PRIMARY KEY, name text)",
		"CREATE TABLE notes (id int PRIMARY KEY, body text, tag text)",
		"ALTER TABLE notes REPLICA IDENTITY FULL",
	)
	cfg := b.config("workload")
	cfg.IncludeValues = true
	r := b.start(t, cfg)

	t.Run("insert", func(t *testing.T) {
		xid := b.MustTx(t, "INSERT INTO accounts VALUES (1, 'a@example.com', 10.50, true)")
		tx := r.next(t)
		if tx.Xid != xid || len(tx.Records) != 1 {
			t.Fatalf("got xid %d with %d records, want xid %d with 1", tx.Xid, len(tx.Records), xid)
		}
		got := tx.Records[0]
		want := scalefield.DBActivity{
			Time: tx.CommitTime, Engine: "postgresql", Host: "db-test", Database: b.name,
			Session: fmt.Sprint(xid), ActionClass: scalefield.DBActionWrite, Action: "INSERT",
			Statement: `{"columns":["id","email","balance","active"],"key":{"id":1},"new":{"id":1,"email":"a@example.com","balance":"10.50","active":true}}`,
			Object:    "public.accounts", ObjectType: "TABLE", Rows: 1, Status: "success",
			Source: DefaultSource, Position: Position(tx.CommitLSN, 0),
		}
		if got != want {
			t.Errorf("record:\n got %+v\nwant %+v", got, want)
		}
		if d := time.Since(tx.CommitTime); d < 0 || d > time.Minute {
			t.Errorf("commit time %v is not now", tx.CommitTime)
		}
		if tx.EndLSN <= tx.CommitLSN {
			t.Errorf("end %s not after commit %s", tx.EndLSN, tx.CommitLSN)
		}
	})

	t.Run("multi-row transaction keeps order and positions", func(t *testing.T) {
		xid := b.MustTx(t,
			"INSERT INTO accounts VALUES (2, 'b@example.com', 1, true), (3, 'c@example.com', 2, false)",
			"UPDATE accounts SET balance = balance + 1 WHERE id = 2",
			"INSERT INTO hr.staff VALUES (1, 'Ann')",
			"DELETE FROM accounts WHERE id = 3",
		)
		tx := r.next(t)
		if got, want := summary(tx), "INSERT public.accounts; INSERT public.accounts; UPDATE public.accounts; INSERT hr.staff; DELETE public.accounts"; got != want {
			t.Fatalf("got %s\nwant %s", got, want)
		}
		for i, rec := range tx.Records {
			if rec.Session != fmt.Sprint(xid) || rec.Position != Position(tx.CommitLSN, i) || !rec.Time.Equal(tx.CommitTime) {
				t.Errorf("record %d: session %s position %s time %v", i, rec.Session, rec.Position, rec.Time)
			}
		}
		if got, want := tx.Records[4].Statement, `{"columns":["id","email","balance","active"],"key":{"id":3}}`; got != want {
			t.Errorf("delete statement: got %s, want %s", got, want)
		}
	})

	t.Run("rolled back transaction produces nothing", func(t *testing.T) {
		ctx := context.Background()
		tx, err := b.db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO accounts VALUES (99, 'gone@example.com', 0, true)"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		b.MustTx(t, "INSERT INTO hr.staff VALUES (2, 'marker')")
		if got := r.next(t); summary(got) != "INSERT hr.staff" {
			t.Fatalf("after a rollback got %s, want only the marker", summary(got))
		}
	})

	t.Run("replica identity full names changed columns only", func(t *testing.T) {
		b.MustTx(t, "INSERT INTO notes VALUES (1, 'hello', 'x')")
		r.next(t)
		b.MustTx(t, "UPDATE notes SET body = 'bye' WHERE id = 1")
		got := r.next(t).Records[0].Statement
		want := `{"columns":["body"],"key":{"id":1,"body":"hello","tag":"x"},"old":{"body":"hello"},"new":{"body":"bye"}}`
		// With REPLICA IDENTITY FULL every column is part of the identity.
		if got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})

	t.Run("DDL then DML picks up the new column", func(t *testing.T) {
		b.MustExec(t, "ALTER TABLE hr.staff ADD COLUMN dept text")
		b.MustTx(t, "INSERT INTO hr.staff VALUES (3, 'Bo', 'sales')")
		if got, want := r.next(t).Records[0].Statement, `{"columns":["id","name","dept"],"key":{"id":3},"new":{"id":3,"name":"Bo","dept":"sales"}}`; got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})

	t.Run("truncate is one WRITE record per table", func(t *testing.T) {
		b.MustTx(t, "TRUNCATE accounts, hr.staff")
		tx := r.next(t)
		if got, want := summary(tx), "TRUNCATE public.accounts; TRUNCATE hr.staff"; got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
		for _, rec := range tx.Records {
			if rec.ActionClass != scalefield.DBActionWrite || rec.Rows != 0 ||
				rec.Statement != `{"relations":["public.accounts","hr.staff"],"cascade":false,"restart_identity":false}` {
				t.Errorf("truncate record: %+v", rec)
			}
		}
	})

	if err := r.stop(t); err != nil {
		t.Errorf("run after cancel: got %v, want nil", err)
	}
}

func TestCollector_Masking(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustExec(t,
		"CREATE TABLE people (id int PRIMARY KEY, email text, ssn text, note text)",
		"CREATE TABLE secrets (id int PRIMARY KEY, value text)",
		"CREATE PUBLICATION all_tables FOR ALL TABLES",
	)
	key := []byte("a-test-hash-key-of-enough-bytes")
	masks := map[string]MaskAction{
		"public.people.email": MaskHash,
		"*.*.ssn":             MaskDrop,
		"public.people.note":  MaskHide,
	}
	withValues := b.config("masked_values")
	withValues.CreatePublication = false
	withValues.IncludeValues, withValues.Masks, withValues.HashKey = true, masks, key
	noValues := b.config("masked_names")
	noValues.Masks, noValues.HashKey, noValues.ExcludeTables = masks, key, []string{"public.secret*"}
	rv, rn := b.start(t, withValues), b.start(t, noValues)

	b.MustTx(t,
		"INSERT INTO secrets VALUES (1, 'top')",
		"INSERT INTO people VALUES (1, 'x@example.com', '123-45-6789', 'private'), (2, 'x@example.com', '987-65-4321', NULL)",
		"UPDATE people SET email = 'y@example.com' WHERE id = 2",
	)

	t.Run("mask, hash and drop with values", func(t *testing.T) {
		tx := rv.next(t)
		if got, want := summary(tx), "INSERT public.secrets; INSERT public.people; INSERT public.people; UPDATE public.people"; got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
		p1, p2, up := MustStatement(t, tx.Records[1]), MustStatement(t, tx.Records[2]), MustStatement(t, tx.Records[3])
		if p1.New["email"] != p2.New["email"] || !strings.HasPrefix(fmt.Sprint(p1.New["email"]), "hmac-sha256:") {
			t.Errorf("equal emails must hash equal: %v, %v", p1.New["email"], p2.New["email"])
		}
		if up.New["email"] == p2.New["email"] {
			t.Errorf("a changed email must hash differently")
		}
		if p1.New["note"] != "***" || p2.New["note"] != nil {
			t.Errorf("masked notes: %v, %v", p1.New["note"], p2.New["note"])
		}
		for _, rec := range tx.Records[1:] {
			if strings.Contains(rec.Statement, "ssn") || strings.Contains(rec.Statement, "example.com") ||
				strings.Contains(rec.Statement, "private") || strings.Contains(rec.Statement, "-45-") {
				t.Errorf("statement leaks: %s", rec.Statement)
			}
		}
	})

	t.Run("values off and excluded table", func(t *testing.T) {
		tx := rn.next(t)
		if got, want := summary(tx), "INSERT public.people; INSERT public.people; UPDATE public.people"; got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
		if got, want := tx.Records[0].Statement, `{"columns":["id","email","note"]}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		for i, rec := range tx.Records {
			if rec.Position != Position(tx.CommitLSN, i) {
				t.Errorf("position %s, want %s", rec.Position, Position(tx.CommitLSN, i))
			}
		}
	})
}

// TestCollector_CrashRestart confirms part of what it collected, kills the
// replication connection, and restarts the way a gather agent does after a
// crash: every change after the last durable transaction arrives exactly
// once.
func TestCollector_CrashRestart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustExec(t, "CREATE TABLE events (id int PRIMARY KEY, body text)")
	cfg := b.config("crash")
	cfg.IncludeValues = true
	ids := func(tx Transaction) string {
		var out []string
		for _, rec := range tx.Records {
			s := MustStatement(t, rec)
			out = append(out, fmt.Sprint(s.New["id"]))
		}
		return strings.Join(out, ",")
	}

	r1 := b.start(t, cfg)
	var txs []Transaction
	for i := range 10 {
		b.MustTx(t, fmt.Sprintf("INSERT INTO events VALUES (%d, 'e%d')", i, i))
		txs = append(txs, r1.next(t))
		if got := ids(txs[i]); got != fmt.Sprint(i) {
			t.Fatalf("transaction %d holds %s", i, got)
		}
	}

	// Transactions 0-3 are durably stored and confirmed; 4-6 are stored
	// but the agent crashes before confirming them; 7-9 are lost with it.
	r1.c.Confirm(txs[3].CommitLSN)
	waitFor(t, "slot confirmed at transaction 3", func() bool {
		_, _, flushed := b.slot(t, "crash")
		return flushed >= txs[3].EndLSN
	})
	if _, _, flushed := b.slot(t, "crash"); flushed != txs[3].EndLSN {
		t.Fatalf("slot at %s, want exactly the end of confirmed transaction 3 (%s)", flushed, txs[3].EndLSN)
	}
	_, pid, _ := b.slot(t, "crash")
	if _, err := b.admin.Exec(context.Background(), "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	if err := r1.wait(t); err == nil {
		t.Fatal("Run after its connection was killed: got nil, want an error")
	}
	waitFor(t, "slot released", func() bool { active, _, _ := b.slot(t, "crash"); return !active })

	// Changes made while the collector is down.
	for i := 10; i < 13; i++ {
		b.MustTx(t, fmt.Sprintf("INSERT INTO events VALUES (%d, 'e%d')", i, i))
	}

	cfg.StartAfter = txs[6].CommitLSN
	r2 := b.start(t, cfg)
	var got []string
	var last Transaction
	for range 6 {
		last = r2.next(t)
		got = append(got, ids(last))
	}
	if g, want := strings.Join(got, " "), "7 8 9 10 11 12"; g != want {
		t.Fatalf("after restart got %s, want %s", g, want)
	}
	// The skipped, already stored transactions release the slot by themselves.
	waitFor(t, "slot past stored transaction 6", func() bool {
		_, _, flushed := b.slot(t, "crash")
		return flushed >= txs[6].EndLSN
	})

	// A clean stop after confirming everything: nothing is delivered again.
	r2.c.Confirm(last.CommitLSN)
	if err := r2.stop(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, _, flushed := b.slot(t, "crash"); flushed < last.EndLSN {
		t.Fatalf("slot at %s after a clean stop, want at least %s", flushed, last.EndLSN)
	}
	cfg.StartAfter = 0
	r3 := b.start(t, cfg)
	b.MustTx(t, "INSERT INTO events VALUES (13, 'e13')")
	if g := ids(r3.next(t)); g != "13" {
		t.Fatalf("after a clean restart got %s first, want 13", g)
	}
}

// TestCollector_RunAgain resumes the same Collector after its connection is
// lost: transactions it delivered are not delivered twice, even unconfirmed.
func TestCollector_RunAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustExec(t, "CREATE TABLE events (id int PRIMARY KEY)")
	cfg := b.config("again")
	cfg.ProtoVersion = 2 // without streaming, version 2 sends what version 1 does
	r1 := b.start(t, cfg)
	var txs []Transaction
	for i := range 4 {
		b.MustTx(t, fmt.Sprintf("INSERT INTO events VALUES (%d)", i))
		txs = append(txs, r1.next(t))
	}
	r1.c.Confirm(txs[1].CommitLSN)
	waitFor(t, "slot confirmed at transaction 1", func() bool {
		_, _, flushed := b.slot(t, "again")
		return flushed >= txs[1].EndLSN
	})
	_, pid, _ := b.slot(t, "again")
	if _, err := b.admin.Exec(context.Background(), "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	if err := r1.wait(t); err == nil {
		t.Fatal("want an error from the killed run")
	}
	waitFor(t, "slot released", func() bool { active, _, _ := b.slot(t, "again"); return !active })

	r2 := b.run(t, r1.c)
	b.MustTx(t, "INSERT INTO events VALUES (4)")
	tx := r2.next(t)
	if tx.CommitLSN <= txs[3].CommitLSN {
		t.Fatalf("transaction at %s delivered again", tx.CommitLSN)
	}
	// Confirming the last one releases the replayed, still pending ones too.
	r2.c.Confirm(tx.CommitLSN)
	waitFor(t, "slot confirmed at the last transaction", func() bool {
		_, _, flushed := b.slot(t, "again")
		return flushed >= tx.EndLSN
	})
}

func TestCollector_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	nop := func(context.Context, Transaction) error { return nil }

	t.Run("missing publication without CreatePublication", func(t *testing.T) {
		cfg := b.config("nopub")
		cfg.Publication, cfg.CreatePublication = "missing_pub", false
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Run(ctx, nop); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("got %v, want code %s", err, scalefield.ENOTFOUND)
		}
	})

	t.Run("slot in use", func(t *testing.T) {
		cfg := b.config("busy")
		r := b.start(t, cfg)
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// Bounded: should the slot be free after all, the run would stream
		// until its context ends rather than fail.
		rctx, cancel := context.WithTimeout(ctx, waitLimit)
		defer cancel()
		if err := c.Run(rctx, nop); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
			t.Errorf("got %v, want code %s", err, scalefield.ECONFLICT)
		}
		if err := r.c.Run(ctx, nop); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
			t.Errorf("second Run of a running collector: got %v, want code %s", err, scalefield.ECONFLICT)
		}
		r.stop(t)
	})

	t.Run("slot of another plugin", func(t *testing.T) {
		if _, err := b.db.Exec(ctx, "SELECT pg_create_logical_replication_slot('other_plugin', 'test_decoding')"); err != nil {
			t.Fatal(err)
		}
		c, err := New(b.config("other_plugin"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Run(ctx, nop); scalefield.ErrorCode(err) != scalefield.ECONFLICT {
			t.Errorf("got %v, want code %s", err, scalefield.ECONFLICT)
		}
	})

	t.Run("deliver error stops Run and the transaction comes again", func(t *testing.T) {
		b.MustExec(t, "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)")
		c, err := New(b.config("deliver_err"))
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("writer full")
		done := make(chan error, 1)
		go func() {
			done <- c.Run(ctx, func(context.Context, Transaction) error { return boom })
		}()
		waitFor(t, "slot streaming", func() bool { active, _, flushed := b.slot(t, "deliver_err"); return active && flushed != 0 })
		b.MustTx(t, "INSERT INTO t VALUES (1)")
		select {
		case err := <-done:
			if !errors.Is(err, boom) {
				t.Fatalf("got %v, want the deliver error", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("Run did not stop")
		}
		waitFor(t, "slot released", func() bool { active, _, _ := b.slot(t, "deliver_err"); return !active })
		r := b.run(t, c)
		if got := summary(r.next(t)); got != "INSERT public.t" {
			t.Errorf("redelivered: got %s", got)
		}
	})
}
