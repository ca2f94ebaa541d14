package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

var (
	_ scalefield.EventService = (*EventService)(nil)
	_ scalefield.BronzeWriter = (*EventService)(nil)
)

// BronzeChannel is the PostgreSQL NOTIFY channel that tells refine stages
// new Bronze rows are queued.
const BronzeChannel = "scalefield_bronze"

// EventService stores Bronze records and reads Bronze and Silver events.
type EventService struct{ db *DB }

// NewEventService returns an EventService on db.
func NewEventService(db *DB) *EventService { return &EventService{db: db} }

// AppendBronze stores the records and queues them for refinement in one
// transaction. Every record must belong to the same tenant (EINVALID
// otherwise): one receiver request is one tenant's, taken from its verified
// ingest credential.
//
// It runs on the privileged pool because PostgreSQL refuses COPY into a
// table with row-level security for a role the policies confine, and COPY
// is what makes ingestion fast; the tenant column is set from the
// credential, never from the payload.
func (s *EventService) AppendBronze(ctx context.Context, records []scalefield.BronzeRecord) ([]int64, error) {
	if len(records) == 0 {
		return nil, nil
	}
	tenantID := records[0].TenantID
	for _, r := range records {
		if r.TenantID != tenantID || r.TenantID == "" {
			return nil, scalefield.Errorf(scalefield.EINVALID, "a Bronze batch must belong to one tenant")
		}
	}
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("append bronze: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	ids, err := reserveAndCopyBronze(ctx, tx, records)
	if err != nil {
		return nil, fmt.Errorf("append bronze: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, BronzeChannel); err != nil {
		return nil, fmt.Errorf("append bronze: notify: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("append bronze: commit: %w", err)
	}
	return ids, nil
}

// FindBronzeEvents returns the caller's Bronze records, newest first, with
// their refinement status.
func (s *EventService) FindBronzeEvents(ctx context.Context, f scalefield.BronzeFilter) (*scalefield.BronzePage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	after := int64(1<<63 - 1)
	if f.After != nil {
		if after, err = decodeIDCursor(*f.After); err != nil {
			return nil, err
		}
	}
	events, err := findBronze(ctx, tx, tenantID, after, f.First+1)
	if err != nil {
		return nil, err
	}
	page := &scalefield.BronzePage{}
	page.Events, page.Cursors, page.HasNextPage = trimPage(events, f.First,
		func(e *scalefield.BronzeEvent) string { return encodeIDCursor(e.ID) })
	return page, nil
}

// findBronze returns up to limit of the tenant's Bronze records with IDs
// below before, newest first, with their refinement status.
func findBronze(ctx context.Context, tx pgx.Tx, tenantID string, before int64, limit int) ([]*scalefield.BronzeEvent, error) {
	rows, err := tx.Query(ctx, `
		SELECT b.id, b.tenant_id, b.received_at, b.kind, b.source, b.sourcetype, b.host, b.channel,
		       b.payload, b.content_hash,
		       CASE WHEN q.reason IS NOT NULL THEN 'quarantined'
		            WHEN EXISTS (SELECT 1 FROM refine_queue r WHERE r.bronze_id = b.id) THEN 'pending'
		            ELSE 'refined' END,
		       coalesce(q.reason, '')
		FROM bronze_events b
		LEFT JOIN quarantine q ON q.bronze_id = b.id AND q.stage = 'refine'
		WHERE b.tenant_id = $1 AND b.id < $2
		ORDER BY b.id DESC
		LIMIT $3`, tenantID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("find bronze events: %w", err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.BronzeEvent, error) {
		var e scalefield.BronzeEvent
		err := row.Scan(&e.ID, &e.TenantID, &e.ReceivedAt, &e.Kind, &e.Source, &e.Sourcetype, &e.Host, &e.Channel,
			&e.Payload, &e.ContentHash, &e.Status, &e.Error)
		e.ReceivedAt = e.ReceivedAt.UTC()
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("find bronze events: %w", err)
	}
	return events, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
