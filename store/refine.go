package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	scalefield "github.com/scalefield/scalefield"
)

// RefineStage names the refine stage in the quarantine table.
const RefineStage = "refine"

// NormalizeFunc turns a Bronze record into a Silver event, or returns the
// reason it cannot.
type NormalizeFunc func(*scalefield.BronzeEvent) (*scalefield.SecurityEvent, error)

// RefineResult counts what one refine batch did.
type RefineResult struct {
	Claimed     int
	Refined     []*scalefield.SecurityEvent
	Quarantined int
}

// RefineStore claims queued Bronze records and writes their Silver rows.
type RefineStore struct{ db *DB }

// NewRefineStore returns a RefineStore on db.
func NewRefineStore(db *DB) *RefineStore { return &RefineStore{db: db} }

// RefineBatch claims up to limit queued Bronze records that no other
// transaction holds (FOR UPDATE SKIP LOCKED), normalizes each, and in the
// same transaction writes the Silver rows, quarantines the records that
// failed with their reason, and removes all of them from the queue. A
// replay after a crash writes nothing twice: Silver is unique per Bronze row.
func (s *RefineStore) RefineBatch(ctx context.Context, limit int, normalize NormalizeFunc) (*RefineResult, error) {
	// The stage serves every tenant, so it runs on the privileged pool; each
	// row it writes carries the tenant of its Bronze row.
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("refine: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	rows, err := tx.Query(ctx, `
		SELECT b.id, b.tenant_id, b.received_at, b.kind, b.source, b.sourcetype, b.host, b.channel, b.payload
		FROM refine_queue q
		JOIN bronze_events b ON b.received_at = q.received_at AND b.id = q.bronze_id
		ORDER BY q.bronze_id
		LIMIT $1
		FOR UPDATE OF q SKIP LOCKED`, limit)
	if err != nil {
		return nil, fmt.Errorf("refine: claim: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.BronzeEvent, error) {
		var b scalefield.BronzeEvent
		err := row.Scan(&b.ID, &b.TenantID, &b.ReceivedAt, &b.Kind, &b.Source, &b.Sourcetype, &b.Host, &b.Channel, &b.Payload)
		b.ReceivedAt = b.ReceivedAt.UTC()
		return &b, err
	})
	if err != nil {
		return nil, fmt.Errorf("refine: claim: %w", err)
	}
	res := &RefineResult{Claimed: len(claimed)}
	if len(claimed) == 0 {
		return res, nil
	}

	var events []*scalefield.SecurityEvent
	ids := make([]int64, len(claimed))
	var qIDs []int64
	var qTenants, qReasons []string
	var qReceived []time.Time
	for i, b := range claimed {
		ids[i] = b.ID
		e, err := normalize(b)
		if err != nil {
			qIDs, qTenants, qReasons, qReceived = append(qIDs, b.ID), append(qTenants, b.TenantID), append(qReasons, err.Error()), append(qReceived, b.ReceivedAt)
			continue
		}
		e.TenantID, e.BronzeID, e.ReceivedAt = b.TenantID, b.ID, b.ReceivedAt
		events = append(events, e)
	}

	written, rejected, err := insertSilverIsolating(ctx, tx, events)
	if err != nil {
		return nil, err
	}
	res.Refined = written
	for _, r := range rejected {
		qIDs, qTenants, qReasons, qReceived = append(qIDs, r.event.BronzeID), append(qTenants, r.event.TenantID),
			append(qReasons, r.reason), append(qReceived, r.event.ReceivedAt)
	}
	if len(qIDs) > 0 {
		_, err = tx.Exec(ctx, `
			INSERT INTO quarantine (tenant_id, bronze_id, received_at, stage, reason)
			SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[]) AS t(tenant_id, bronze_id, received_at, stage, reason)
			ON CONFLICT (bronze_id, stage) DO UPDATE SET reason = EXCLUDED.reason, created_at = now()`,
			qTenants, qIDs, qReceived, slices.Repeat([]string{RefineStage}, len(qIDs)), qReasons)
		if err != nil {
			return nil, fmt.Errorf("refine: quarantine: %w", err)
		}
		res.Quarantined = len(qIDs)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM refine_queue WHERE bronze_id = ANY($1)`, ids); err != nil {
		return nil, fmt.Errorf("refine: dequeue: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("refine: commit: %w", err)
	}
	return res, nil
}

type rejectedEvent struct {
	event  *scalefield.SecurityEvent
	reason string
}

// insertSilverIsolating writes the batch in one statement; when PostgreSQL
// refuses a value (a data or constraint error), it writes the events one by
// one under savepoints instead, so the event it refuses is quarantined with
// the reason and the rest of the batch is kept: one bad event never stops
// the stage.
func insertSilverIsolating(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) ([]*scalefield.SecurityEvent, []rejectedEvent, error) {
	written, err := insertSilverSavepoint(ctx, tx, events)
	if err == nil || !isDataError(err) {
		return written, nil, err
	}
	written = nil
	var rejected []rejectedEvent
	for _, e := range events {
		one, err := insertSilverSavepoint(ctx, tx, []*scalefield.SecurityEvent{e})
		switch {
		case err == nil:
			written = append(written, one...)
		case isDataError(err):
			var pgErr *pgconn.PgError
			errors.As(err, &pgErr)
			rejected = append(rejected, rejectedEvent{event: e, reason: "storing the Silver event: " + pgErr.Message})
		default:
			return nil, nil, err
		}
	}
	return written, rejected, nil
}

func insertSilverSavepoint(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) ([]*scalefield.SecurityEvent, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("refine: savepoint: %w", err)
	}
	written, err := insertSilver(ctx, sp, events)
	if err != nil {
		_ = sp.Rollback(ctx)
		return nil, err
	}
	return written, sp.Commit(ctx)
}

// isDataError reports whether PostgreSQL refused a value (SQLSTATE classes
// 22 and 23) rather than failing for a reason that would hit any batch.
func isDataError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23"))
}

// insertSilver writes events, skipping those already refined, and returns
// the ones it wrote with their IDs.
func insertSilver(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) ([]*scalefield.SecurityEvent, error) {
	if len(events) == 0 {
		return nil, nil
	}
	n := len(events)
	var (
		tenants, hosts, sources, sourcetypes, severities, messages, users, actions = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		bronzeIDs                                                                  = make([]int64, n)
		times, received                                                            = make([]time.Time, n), make([]time.Time, n)
		srcs, dsts                                                                 = make([]*netip.Addr, n), make([]*netip.Addr, n)
	)
	byBronze := make(map[int64]*scalefield.SecurityEvent, n)
	for i, e := range events {
		tenants[i], bronzeIDs[i], times[i], received[i] = e.TenantID, e.BronzeID, e.Time, e.ReceivedAt
		hosts[i], sources[i], sourcetypes[i] = e.Host, e.Source, e.Sourcetype
		severities[i], messages[i], users[i], actions[i] = string(e.Severity), e.Message, e.User, e.Action
		srcs[i], dsts[i] = parseAddr(e.SrcIP), parseAddr(e.DstIP)
		byBronze[e.BronzeID] = e
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO silver_security_events
		    (tenant_id, bronze_id, time, received_at, host, source, sourcetype, severity, message, user_name, src_ip, dst_ip, action)
		SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[],
		                     $7::text[], $8::text[], $9::text[], $10::text[], $11::inet[], $12::inet[], $13::text[])
		ON CONFLICT (bronze_id, time) DO NOTHING
		RETURNING id, bronze_id`,
		tenants, bronzeIDs, times, received, hosts, sources, sourcetypes, severities, messages, users, srcs, dsts, actions)
	if err != nil {
		return nil, fmt.Errorf("refine: insert silver: %w", err)
	}
	var written []*scalefield.SecurityEvent
	var id, bronzeID int64
	_, err = pgx.ForEachRow(rows, []any{&id, &bronzeID}, func() error {
		e := byBronze[bronzeID]
		e.ID = id
		written = append(written, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("refine: insert silver: %w", err)
	}
	return written, nil
}

func parseAddr(s string) *netip.Addr {
	if s == "" {
		return nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return nil
	}
	return &a
}

// QueueStats reports the refine backlog: how many Bronze rows wait and how
// long the oldest has waited.
func (s *RefineStore) QueueStats(ctx context.Context) (depth int64, oldest time.Duration, err error) {
	var oldestAt *time.Time
	err = s.db.Pool.QueryRow(ctx, `SELECT count(*), min(enqueued_at) FROM refine_queue`).Scan(&depth, &oldestAt)
	if err != nil {
		return 0, 0, fmt.Errorf("refine queue stats: %w", err)
	}
	if oldestAt != nil {
		oldest = s.db.Now().Sub(*oldestAt)
	}
	return depth, oldest, nil
}
