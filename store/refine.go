package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
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

// Refinery is what a refine batch runs on the records it claimed: Prepare
// once for the batch (the only I/O allowed), then Process per record, which
// returns the Silver event or the reason for quarantine.
type Refinery interface {
	Prepare(ctx context.Context, batch []*scalefield.BronzeEvent) error
	Process(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error)
}

// RefineResult counts what one refine batch did.
type RefineResult struct {
	Claimed int
	// Refined are the new Silver events, with their IDs.
	Refined []*scalefield.SecurityEvent
	// Duplicates counts records folded into an existing event.
	Duplicates  int
	Quarantined int
	// Tenants whose Silver or Gold changed.
	Tenants []string
	// Sources says what became of each registry source's records.
	Sources map[SourceKey]*SourceOutcome
}

// SourceKey names a registry source: the request kind and source name a
// Bronze record came in under.
type SourceKey struct{ Kind, Name string }

// SourceOutcome counts one source's records in a refine batch and how long
// the oldest of them took from receipt to refinement.
type SourceOutcome struct {
	Refined, Quarantined int
	MaxLag               time.Duration
}

// RefineStore claims queued Bronze records and writes their Silver rows.
type RefineStore struct{ db *DB }

// NewRefineStore returns a RefineStore on db.
func NewRefineStore(db *DB) *RefineStore { return &RefineStore{db: db} }

// RefineBatch claims up to limit queued Bronze records that no other
// transaction holds (FOR UPDATE SKIP LOCKED), runs r on them, and in the
// same transaction writes the Silver rows with their dedup keys, folds
// duplicates into the rows they copy, writes alerts and user activities,
// adds the batch to Gold, quarantines the records that failed with their
// reason, and removes all of them from the queue. A replay after a crash
// writes nothing twice: the whole batch commits or none of it.
func (s *RefineStore) RefineBatch(ctx context.Context, limit int, r Refinery) (*RefineResult, error) {
	// The stage serves every tenant, so it runs on the privileged pool; each
	// row it writes carries the tenant of its Bronze row.
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("refine: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	// Refinement is recomputed from Bronze whenever a batch is lost, so its
	// commit need not wait for the WAL flush: a crash loses at most the
	// last batches, whose queue rows come back with them.
	if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return nil, fmt.Errorf("refine: %w", err)
	}
	// Claiming deletes the queue rows at once (one write per row); the
	// transaction's rollback puts them back. The rows it locked are
	// deleted by their tuple IDs, which the lock keeps valid: a second
	// probe of the queue's index per row cost a third of the claim.
	rows, err := tx.Query(ctx, `
		WITH q AS (
			DELETE FROM refine_queue WHERE ctid = ANY(ARRAY(
				SELECT ctid FROM refine_queue ORDER BY bronze_id LIMIT $1 FOR UPDATE SKIP LOCKED))
			RETURNING bronze_id, received_at
		)
		SELECT b.id, b.tenant_id, b.received_at, b.kind, b.source, b.sourcetype, b.host, b.channel, b.payload,
		       b.origin_kind, b.origin
		FROM q JOIN bronze_events b ON b.received_at = q.received_at AND b.id = q.bronze_id
		ORDER BY b.id`, limit)
	if err != nil {
		return nil, fmt.Errorf("refine: claim: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.BronzeEvent, error) {
		var b scalefield.BronzeEvent
		err := row.Scan(&b.ID, &b.TenantID, &b.ReceivedAt, &b.Kind, &b.Source, &b.Sourcetype, &b.Host, &b.Channel, &b.Payload,
			&b.OriginKind, &b.Origin)
		b.ReceivedAt = b.ReceivedAt.UTC()
		return &b, err
	})
	if err != nil {
		return nil, fmt.Errorf("refine: claim: %w", err)
	}
	res := &RefineResult{Claimed: len(claimed), Sources: map[SourceKey]*SourceOutcome{}}
	if len(claimed) == 0 {
		return res, nil
	}
	if err := r.Prepare(ctx, claimed); err != nil {
		return nil, fmt.Errorf("refine: prepare: %w", err)
	}

	var events []*scalefield.SecurityEvent
	var quarantined []quarantineRow
	for _, b := range claimed {
		e, err := r.Process(b)
		if err != nil {
			quarantined = append(quarantined, quarantineRow{b.TenantID, b.ID, b.ReceivedAt, err.Error()})
			continue
		}
		events = append(events, e)
	}

	w, err := writeSilverIsolating(ctx, tx, events)
	if err != nil {
		return nil, err
	}
	quarantined = append(quarantined, w.rejected...)
	if err := w.finish(ctx, tx); err != nil {
		return nil, err
	}
	res.Refined, res.Duplicates = w.winners, len(w.dups)
	if err := quarantine(ctx, tx, quarantined); err != nil {
		return nil, err
	}
	res.Quarantined = len(quarantined)
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("refine: commit: %w", err)
	}
	res.Tenants = w.tenants()
	failed := make(map[int64]bool, len(quarantined))
	for _, q := range quarantined {
		failed[q.bronzeID] = true
	}
	now := s.db.Now()
	for _, b := range claimed {
		if b.OriginKind == "" {
			continue
		}
		k := SourceKey{b.OriginKind, b.Origin}
		o := res.Sources[k]
		if o == nil {
			o = &SourceOutcome{}
			res.Sources[k] = o
		}
		if failed[b.ID] {
			o.Quarantined++
		} else {
			o.Refined++
		}
		o.MaxLag = max(o.MaxLag, now.Sub(b.ReceivedAt))
	}
	return res, nil
}

type quarantineRow struct {
	tenantID   string
	bronzeID   int64
	receivedAt time.Time
	reason     string
}

func quarantine(ctx context.Context, tx pgx.Tx, rows []quarantineRow) error {
	if len(rows) == 0 {
		return nil
	}
	tenants, bronzeIDs, received, reasons := make([]string, len(rows)), make([]int64, len(rows)), make([]time.Time, len(rows)), make([]string, len(rows))
	for i, q := range rows {
		tenants[i], bronzeIDs[i], received[i], reasons[i] = q.tenantID, q.bronzeID, q.receivedAt, q.reason
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO quarantine (tenant_id, bronze_id, received_at, stage, reason)
		SELECT t.tenant_id, t.bronze_id, t.received_at, $5, t.reason
		FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[]) AS t(tenant_id, bronze_id, received_at, reason)
		ON CONFLICT (bronze_id, stage) DO UPDATE SET reason = EXCLUDED.reason, created_at = now()`,
		tenants, bronzeIDs, received, reasons, RefineStage)
	if err != nil {
		return fmt.Errorf("refine: quarantine: %w", err)
	}
	return nil
}

// isDataError reports whether PostgreSQL refused a value (SQLSTATE classes
// 22 and 23) rather than failing for a reason that would hit any batch.
func isDataError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23"))
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
