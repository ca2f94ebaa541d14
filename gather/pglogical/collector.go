// Package pglogical collects row changes from PostgreSQL through logical
// decoding (the pgoutput plugin over the streaming replication protocol) as
// scalefield.DBActivity records, one batch per committed transaction.
//
// A slot's position moves only when the caller confirms that the records of
// a transaction are durably stored (Collector.Confirm), so a crash or a
// restart neither loses nor repeats a change; see docs/gather-postgresql.md.
package pglogical

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/scalefield/scalefield"
)

// DeliverFunc receives each committed transaction that has records, in
// commit order, on the collector's goroutine. It should hand the records on
// quickly (to a writer's buffer, say): while it runs no keepalive is
// answered. An error stops Run; the transaction is delivered again by the
// next Run.
type DeliverFunc func(ctx context.Context, tx Transaction) error

// Collector streams one replication slot. Run it with Run; confirm durable
// transactions with Confirm from any goroutine.
type Collector struct {
	cfg Config

	runMu sync.Mutex // held by Run

	mu sync.Mutex
	// confirmed is the highest commit LSN the caller has stored durably
	// (or Config.StartAfter).
	confirmed LSN
	// delivered is the commit LSN of the last transaction handed to the
	// caller (or skipped as already stored).
	delivered LSN
	// pending holds transactions delivered, in commit order, whose slot
	// position is not yet released.
	pending []pendingTx
	// flushed is the position reported to the server as flushed: every
	// change before it is stored durably.
	flushed LSN
	// dirty is set when Confirm may have moved flushed since the last status.
	dirty bool
	// wake interrupts the stream loop's wait for a message, if set.
	wake context.CancelFunc
}

type pendingTx struct {
	commit, end LSN
	empty       bool // nothing was delivered: no need to wait for Confirm
}

// New returns a Collector for cfg, after filling in defaults and validating.
func New(cfg Config) (*Collector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Collector{cfg: cfg, confirmed: cfg.StartAfter}, nil
}

// Confirm tells the collector that every record of the transactions
// committed at or before commit (a Transaction.CommitLSN) is durably stored.
// The slot is then advanced past them in the next standby status update,
// which Confirm triggers at once. Safe for concurrent use.
func (c *Collector) Confirm(commit LSN) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if commit <= c.confirmed {
		return
	}
	c.confirmed = commit
	c.dirty = true
	if c.wake != nil {
		c.wake()
	}
}

// Flushed returns the position the collector reports to the server as
// stored: the slot's confirmed_flush_lsn once the server has it.
func (c *Collector) Flushed() LSN {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flushed
}

// Run connects, creates the publication (if allowed) and the slot when
// missing, and streams changes to deliver until ctx is done (then it
// returns nil) or the connection fails (then it returns the error; call Run
// again to resume). Only one Run may be active at a time.
func (c *Collector) Run(ctx context.Context, deliver DeliverFunc) error {
	if !c.runMu.TryLock() {
		return scalefield.Errorf(scalefield.ECONFLICT, "pglogical: collector is already running")
	}
	defer c.runMu.Unlock()

	conn, database, start, err := c.open(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	c.cfg.Logger.InfoContext(ctx, "logical replication started",
		"slot", c.cfg.Slot, "publication", c.cfg.Publication, "database", database, "start", start.String())

	err = c.stream(ctx, conn, newDecoder(&c.cfg, database), deliver)
	if ctx.Err() != nil {
		// Report what was confirmed before going. A failure here only
		// means the next Run replays a little more, which dedupe absorbs.
		if err := c.stopStreaming(conn); err != nil {
			c.cfg.Logger.Warn("logical replication did not stop cleanly", "slot", c.cfg.Slot, "error", err)
		}
		return nil
	}
	return err
}

// stopStreaming sends a last status update and ends the replication stream,
// waiting for the server to acknowledge: the status is then applied to the
// slot. (Closing the socket at once may reset the connection before the
// server reads the status.)
func (c *Collector) stopStreaming(conn *pgconn.PgConn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.sendStatus(conn, 0); err != nil {
		return fmt.Errorf("send standby status: %w", err)
	}
	conn.Frontend().Send(&pgproto3.CopyDone{})
	if err := conn.Frontend().Flush(); err != nil {
		return fmt.Errorf("send copy done: %w", err)
	}
	for {
		msg, err := conn.ReceiveMessage(ctx)
		if err != nil {
			return fmt.Errorf("wait for the end of the stream: %w", err)
		}
		switch msg := msg.(type) {
		case *pgproto3.ErrorResponse:
			return pgconn.ErrorResponseToPgError(msg)
		case *pgproto3.ReadyForQuery:
			return nil
		}
	}
}

// open connects in replication mode, checks or creates the publication and
// slot, and starts streaming from the slot's confirmed position.
func (c *Collector) open(ctx context.Context) (*pgconn.PgConn, string, LSN, error) {
	pc, err := pgconn.ParseConfig(c.cfg.ConnString)
	if err != nil {
		return nil, "", 0, scalefield.Errorf(scalefield.EINVALID, "pglogical: connection string does not parse")
	}
	if pc.RuntimeParams == nil {
		pc.RuntimeParams = map[string]string{}
	}
	pc.RuntimeParams["replication"] = "database"
	var batching *batchingConn
	if c.cfg.ReadBatchDelay > 0 {
		dial := pc.DialFunc // ParseConfig always sets one
		pc.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			batching = &batchingConn{Conn: nc, delay: c.cfg.ReadBatchDelay, sleep: time.Sleep}
			return batching, nil
		}
	}
	conn, err := pgconn.ConnectConfig(ctx, pc)
	if err != nil {
		return nil, "", 0, fmt.Errorf("pglogical: connect: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			conn.Close(context.Background())
		}
	}()

	sys, err := pglogrepl.IdentifySystem(ctx, conn)
	if err != nil {
		return nil, "", 0, fmt.Errorf("pglogical: identify system: %w", err)
	}
	if err := c.ensurePublication(ctx, conn); err != nil {
		return nil, "", 0, err
	}
	start, err := c.ensureSlot(ctx, conn, sys.DBName)
	if err != nil {
		return nil, "", 0, err
	}

	c.mu.Lock()
	if c.flushed < start {
		c.flushed = start
	}
	c.mu.Unlock()

	args := []string{
		fmt.Sprintf("proto_version '%d'", c.cfg.ProtoVersion),
		fmt.Sprintf("publication_names '%s'", c.cfg.Publication),
	}
	err = pglogrepl.StartReplication(ctx, conn, c.cfg.Slot, pglogrepl.LSN(start),
		pglogrepl.StartReplicationOptions{Mode: pglogrepl.LogicalReplication, PluginArgs: args})
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55006" { // object_in_use: slot active elsewhere
			return nil, "", 0, &scalefield.Error{Code: scalefield.ECONFLICT,
				Message: fmt.Sprintf("pglogical: slot %q is in use by another connection", c.cfg.Slot), Err: err}
		}
		return nil, "", 0, fmt.Errorf("pglogical: start replication: %w", err)
	}
	if batching != nil {
		// Set-up is request and answer; only the stream is worth batching.
		batching.streaming.Store(true)
	}
	ok = true
	return conn, sys.DBName, start, nil
}

// batchingConn delays a read that follows one which emptied the socket, once
// streaming has started: the walsender writes each change as it decodes it,
// and reading them as they come woke the collector (and the Go scheduler)
// thousands of times a second under load, a third of its CPU. The delay
// lets them gather, to be read a buffer at a time. A read that fills the
// caller's buffer means more is waiting, and the next read does not wait.
type batchingConn struct {
	net.Conn
	delay     time.Duration
	sleep     func(time.Duration)
	streaming atomic.Bool
	drained   bool // the last read returned less than asked: the socket was empty
}

func (c *batchingConn) Read(p []byte) (int, error) {
	if c.drained && c.streaming.Load() {
		c.sleep(c.delay)
	}
	n, err := c.Conn.Read(p)
	c.drained = n < len(p)
	return n, err
}

// queryRows runs one simple-protocol query (the only kind a replication
// connection accepts) and returns its rows.
func queryRows(ctx context.Context, conn *pgconn.PgConn, sql string) ([][][]byte, error) {
	results, err := conn.Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, nil
	}
	return results[0].Rows, nil
}

// Slot and publication names are checked by Validate to hold only
// [a-z0-9_], so they need no quoting in the statements below.

func (c *Collector) ensurePublication(ctx context.Context, conn *pgconn.PgConn) error {
	rows, err := queryRows(ctx, conn, fmt.Sprintf("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = '%s'", c.cfg.Publication))
	if err != nil {
		return fmt.Errorf("pglogical: look up publication: %w", err)
	}
	if len(rows) > 0 {
		return nil
	}
	if !c.cfg.CreatePublication {
		return scalefield.Errorf(scalefield.ENOTFOUND, "pglogical: publication %q does not exist (create it or allow CreatePublication)", c.cfg.Publication)
	}
	if _, err := queryRows(ctx, conn, fmt.Sprintf("CREATE PUBLICATION %s FOR ALL TABLES", c.cfg.Publication)); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42710" { // created meanwhile
			return nil
		}
		return fmt.Errorf("pglogical: create publication: %w", err)
	}
	c.cfg.Logger.InfoContext(ctx, "publication created", "publication", c.cfg.Publication)
	return nil
}

// ensureSlot returns the slot's confirmed position, creating the slot first
// if it does not exist.
func (c *Collector) ensureSlot(ctx context.Context, conn *pgconn.PgConn, database string) (LSN, error) {
	rows, err := queryRows(ctx, conn, fmt.Sprintf(
		"SELECT plugin, database, confirmed_flush_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = '%s'", c.cfg.Slot))
	if err != nil {
		return 0, fmt.Errorf("pglogical: look up slot: %w", err)
	}
	if len(rows) > 0 {
		plugin, db := string(rows[0][0]), string(rows[0][1])
		if plugin != "pgoutput" || db != database {
			return 0, scalefield.Errorf(scalefield.ECONFLICT,
				"pglogical: slot %q exists for plugin %q on database %q, want pgoutput on %q", c.cfg.Slot, plugin, db, database)
		}
		if rows[0][2] == nil {
			return 0, nil
		}
		return ParseLSN(string(rows[0][2]))
	}
	res, err := pglogrepl.CreateReplicationSlot(ctx, conn, c.cfg.Slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{Mode: pglogrepl.LogicalReplication, SnapshotAction: "NOEXPORT_SNAPSHOT"})
	if err != nil {
		return 0, fmt.Errorf("pglogical: create slot: %w", err)
	}
	c.cfg.Logger.InfoContext(ctx, "replication slot created", "slot", c.cfg.Slot, "consistent_point", res.ConsistentPoint)
	return ParseLSN(res.ConsistentPoint)
}

// stream reads the replication stream until ctx is done or it fails.
func (c *Collector) stream(ctx context.Context, conn *pgconn.PgConn, dec *decoder, deliver DeliverFunc) error {
	var received LSN // highest WAL end seen, for the write position
	nextStatus := c.cfg.Now()
	force := false
	for {
		c.mu.Lock()
		dirty := c.dirty
		c.mu.Unlock()
		if now := c.cfg.Now(); force || dirty || !now.Before(nextStatus) {
			if err := c.sendStatus(conn, received); err != nil {
				return fmt.Errorf("pglogical: send standby status: %w", err)
			}
			nextStatus, force = now.Add(c.cfg.StatusInterval), false
		}

		rctx, cancel := context.WithTimeout(ctx, nextStatus.Sub(c.cfg.Now()))
		c.mu.Lock()
		c.wake = cancel
		if c.dirty {
			cancel()
		}
		c.mu.Unlock()
		msg, err := conn.ReceiveMessage(rctx)
		c.mu.Lock()
		c.wake = nil
		c.mu.Unlock()
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if rctx.Err() != nil || pgconn.Timeout(err) {
				continue // time for a status update, or Confirm woke us
			}
			return fmt.Errorf("pglogical: receive: %w", err)
		}

		var data []byte
		switch msg := msg.(type) {
		case *pgproto3.CopyData:
			data = msg.Data
		case *pgproto3.ErrorResponse:
			return fmt.Errorf("pglogical: server error: %w", pgconn.ErrorResponseToPgError(msg))
		case *pgproto3.CopyDone:
			return scalefield.Errorf(scalefield.EUNAVAILABLE, "pglogical: server ended the replication stream")
		}
		if len(data) == 0 {
			continue
		}
		switch data[0] {
		case pglogrepl.PrimaryKeepaliveMessageByteID:
			pkm, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
			if err != nil {
				return fmt.Errorf("pglogical: %w", err)
			}
			received = max(received, LSN(pkm.ServerWALEnd))
			if !dec.inTransaction() {
				c.idle(LSN(pkm.ServerWALEnd))
			}
			force = force || pkm.ReplyRequested
		case pglogrepl.XLogDataByteID:
			xld, err := pglogrepl.ParseXLogData(data[1:])
			if err != nil {
				return fmt.Errorf("pglogical: %w", err)
			}
			tx, err := dec.decode(xld.WALData)
			if err != nil {
				return fmt.Errorf("pglogical: at %s: %w", LSN(xld.WALStart), err)
			}
			if tx != nil {
				received = max(received, tx.EndLSN)
				if err := c.handle(ctx, tx, deliver); err != nil {
					return err
				}
			}
		}
	}
}

// handle delivers tx unless it was delivered or stored before, and tracks it
// until it is confirmed.
func (c *Collector) handle(ctx context.Context, tx *Transaction, deliver DeliverFunc) error {
	c.mu.Lock()
	delivered, confirmed := c.delivered, c.confirmed
	c.mu.Unlock()
	if tx.CommitLSN <= delivered {
		// A replay after reconnecting: the caller has it, and pending
		// still tracks it until it is confirmed.
		return nil
	}
	if tx.CommitLSN <= confirmed {
		// Stored before this process started (Config.StartAfter): release
		// its slot position without delivering it again.
		c.track(tx, true)
		return nil
	}
	if len(tx.Records) > 0 {
		if err := deliver(ctx, *tx); err != nil {
			return fmt.Errorf("pglogical: deliver transaction %d at %s: %w", tx.Xid, tx.CommitLSN, err)
		}
	}
	c.track(tx, len(tx.Records) == 0)
	return nil
}

// track records tx as delivered and releases every leading pending
// transaction that is confirmed.
func (c *Collector) track(tx *Transaction, empty bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delivered = max(c.delivered, tx.CommitLSN)
	c.pending = append(c.pending, pendingTx{commit: tx.CommitLSN, end: tx.EndLSN, empty: empty})
	c.release()
}

// release pops the confirmed head of pending and moves flushed. c.mu held.
func (c *Collector) release() {
	n := 0
	for _, p := range c.pending {
		if !p.empty && p.commit > c.confirmed {
			break
		}
		c.flushed = max(c.flushed, p.end)
		n++
	}
	if n > 0 {
		c.pending = append(c.pending[:0], c.pending[n:]...)
		c.dirty = true
	}
}

// idle moves flushed to the server's WAL end when every delivered
// transaction is confirmed: nothing before that point remains to be stored,
// and the slot should not hold WAL for changes outside the publication.
func (c *Collector) idle(walEnd LSN) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.release()
	if len(c.pending) == 0 && walEnd > c.flushed {
		c.flushed = walEnd
	}
}

// sendStatus reports flushed as written, flushed and applied.
func (c *Collector) sendStatus(conn *pgconn.PgConn, received LSN) error {
	c.mu.Lock()
	c.release()
	flushed := c.flushed
	c.dirty = false
	c.mu.Unlock()
	if flushed == 0 {
		return nil // nothing known yet; 0 would be read as "same as written"
	}
	return pglogrepl.SendStandbyStatusUpdate(context.Background(), conn, pglogrepl.StandbyStatusUpdate{
		WALWritePosition: pglogrepl.LSN(max(received, flushed)),
		WALFlushPosition: pglogrepl.LSN(flushed),
		WALApplyPosition: pglogrepl.LSN(flushed),
		ClientTime:       c.cfg.Now(),
	})
}
