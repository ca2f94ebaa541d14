package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// ListQuarantine pages through the caller's tenant's quarantined records,
// newest first. EINVALID for a bad page; EUNAUTHORIZED without a session.
func (s *EventService) ListQuarantine(ctx context.Context, first int, after *string) (*scalefield.QuarantinePage, error) {
	if err := scalefield.ValidatePage(&first); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	before := int64(1<<63 - 1)
	if after != nil {
		if before, err = decodeIDCursor(*after); err != nil {
			return nil, err
		}
	}
	page := &scalefield.QuarantinePage{}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE tenant_id = $1`, tenantID).Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count quarantine: %w", err)
	}
	rows, err := tx.Query(ctx, `
		SELECT q.id, q.bronze_id, q.stage, q.reason, q.created_at,
		       b.tenant_id, b.received_at, b.kind, b.source, b.sourcetype, b.host, b.channel, b.payload
		FROM quarantine q
		JOIN bronze_events b ON b.id = q.bronze_id AND b.received_at = q.received_at
		WHERE q.tenant_id = $1 AND q.id < $2
		ORDER BY q.id DESC
		LIMIT $3`, tenantID, before, first+1)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	records, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.QuarantinedRecord, error) {
		var r scalefield.QuarantinedRecord
		b := &r.Bronze
		err := row.Scan(&r.ID, &r.BronzeID, &r.Stage, &r.Reason, &r.QuarantinedAt,
			&b.TenantID, &b.ReceivedAt, &b.Kind, &b.Source, &b.Sourcetype, &b.Host, &b.Channel, &b.Payload)
		r.QuarantinedAt, b.ReceivedAt = r.QuarantinedAt.UTC(), b.ReceivedAt.UTC()
		return &r, err
	})
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	page.Records, page.Cursors, page.HasNextPage = trimPage(records, first,
		func(r *scalefield.QuarantinedRecord) string { return encodeIDCursor(r.ID) })
	return page, nil
}

// ReprocessQuarantine queues quarantined records of the caller's tenant for
// the refine stage again and takes them out of the quarantine, in one
// transaction: ids are quarantine entry IDs, or every entry of the tenant
// when nil. Records that still fail are quarantined again with the new
// reason. Returns how many were queued. EINVALID for a malformed id.
func (s *EventService) ReprocessQuarantine(ctx context.Context, ids []string, audit *scalefield.AuditEntry) (int, error) {
	var idNums []int64
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return 0, scalefield.Errorf(scalefield.EINVALID, "invalid quarantine id %q", id)
		}
		idNums = append(idNums, n)
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `
		DELETE FROM quarantine
		WHERE tenant_id = $1 AND stage = $2 AND ($3::bigint[] IS NULL OR id = ANY($3))
		RETURNING bronze_id, received_at`, tenantID, RefineStage, idNums)
	if err != nil {
		return 0, fmt.Errorf("reprocess quarantine: %w", err)
	}
	var bronzeIDs []int64
	var received []time.Time
	var id int64
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error {
		bronzeIDs, received = append(bronzeIDs, id), append(received, at)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("reprocess quarantine: %w", err)
	}
	if len(bronzeIDs) == 0 {
		return 0, nil
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO refine_queue (bronze_id, received_at, tenant_id)
		SELECT bronze_id, received_at, $3 FROM unnest($1::bigint[], $2::timestamptz[]) AS t(bronze_id, received_at)
		ON CONFLICT (bronze_id) DO NOTHING`, bronzeIDs, received, tenantID)
	if err != nil {
		return 0, fmt.Errorf("reprocess quarantine: queue: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, BronzeChannel); err != nil {
		return 0, fmt.Errorf("reprocess quarantine: notify: %w", err)
	}
	if err := appendTargetAudit(ctx, tx, audit, "quarantine", "", map[string]any{"records": len(bronzeIDs)}); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("reprocess quarantine: commit: %w", err)
	}
	return len(bronzeIDs), nil
}

// TenantPipelineHealth reports the caller's tenant's backlog and what was
// quarantined in [from, to).
func (s *EventService) TenantPipelineHealth(ctx context.Context, from, to time.Time) (*scalefield.PipelineHealth, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	var h scalefield.PipelineHealth
	var oldest *time.Time
	err = tx.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM quarantine WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3),
		       count(*), min(enqueued_at)
		FROM refine_queue WHERE tenant_id = $1`, tenantID, from, to).Scan(&h.Quarantined, &h.Backlog, &oldest)
	if err != nil {
		return nil, fmt.Errorf("pipeline health: %w", err)
	}
	if oldest != nil {
		h.OldestWait = s.db.Now().Sub(*oldest)
	}
	return &h, nil
}

var _ scalefield.IngestService = (*EventService)(nil)
