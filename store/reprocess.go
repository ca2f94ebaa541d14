package store

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// Reprocess removes what refinement made of the tenant's Bronze records
// received in [from, to) and queues those records again, in one
// transaction:
//
//   - their Silver events are deleted, with their dedup keys, alerts and
//     user activities, and subtracted from Gold;
//   - copies folded into those events (from any time) are queued too, so
//     the rebuilt events count them again;
//   - copies received in the range whose kept event stays are taken out of
//     its count;
//   - their quarantine entries are cleared;
//   - the risk profile counts of the users involved lose the removed
//     events (the riskiest event and first/last seen stay as seen), and the
//     refine stage adds the rebuilt events back.
//
// Every Gold change goes through the deltas the aggregate stage folds.
func (s *GoldService) Reprocess(ctx context.Context, from, to time.Time, audit *scalefield.AuditEntry) (*scalefield.ReprocessResult, error) {
	if !from.Before(to) {
		return nil, scalefield.Errorf(scalefield.EINVALID, "from must be before to")
	}
	tenantID := scalefield.TenantIDFromContext(ctx)
	if tenantID == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	// COPY-free but cross-table: the privileged pool, with every statement
	// limited to the tenant of the verified session.
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("reprocess: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	res, err := reprocessTx(ctx, tx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	if audit != nil {
		audit.Details = map[string]any{"from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339),
			"queued": res.Queued, "removed": res.Removed}
		if err := AppendAuditTx(ctx, tx, audit); err != nil {
			return nil, err
		}
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, BronzeChannel); err != nil {
		return nil, fmt.Errorf("reprocess: notify: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("reprocess: commit: %w", err)
	}
	return res, nil
}

func reprocessTx(ctx context.Context, tx pgx.Tx, tenantID string, from, to time.Time) (*scalefield.ReprocessResult, error) {
	// Kept events refined from the range.
	rows, err := tx.Query(ctx, `
		DELETE FROM silver_security_events
		WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3
		RETURNING id, time, bronze_id, received_at, severity, coalesce(nullif(sourcetype, ''), source),
		          src_ip, lower(user_name), src_country, class_uid, threat_matched, status, risk_score, dedup_key`, tenantID, from, to)
	if err != nil {
		return nil, fmt.Errorf("reprocess: remove silver: %w", err)
	}
	deltas := goldDeltas{}
	var removedIDs, requeue []int64
	var removedTimes, requeueAt, dedupWindows []time.Time
	var dedupKeys [][]byte
	users := userDeltas{}
	var (
		id, bronzeID int64
		t, received  time.Time
		f            goldFacts
		src          *netip.Addr
		status       string
		risk         float32
		dedup        []byte
	)
	f.tenantID = tenantID
	_, err = pgx.ForEachRow(rows, []any{&id, &t, &bronzeID, &received, &f.severity, &f.source, &src, &f.user, &f.country, &f.class, &f.threat, &status, &risk, &dedup},
		func() error {
			f.time, f.srcIP = t, ""
			if src != nil {
				f.srcIP = src.String()
			}
			deltas.addEvent(f, -1)
			removedIDs, removedTimes = append(removedIDs, id), append(removedTimes, t)
			if dedup != nil {
				dedupKeys, dedupWindows = append(dedupKeys, dedup), append(dedupWindows, t.UTC().Truncate(24*time.Hour))
			}
			requeue, requeueAt = append(requeue, bronzeID), append(requeueAt, received)
			users.add(tenantID, f.user, t, status, f.threat, highSeverity(f.severity), float64(risk), false, -1)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reprocess: remove silver: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		DELETE FROM silver_dedup d USING unnest($2::bytea[], $3::timestamptz[]) AS k(dedup_key, window_start)
		WHERE d.tenant_id = $1 AND d.dedup_key = k.dedup_key AND d.window_start = k.window_start`,
		tenantID, dedupKeys, dedupWindows); err != nil {
		return nil, fmt.Errorf("reprocess: dedup keys: %w", err)
	}
	for _, table := range []string{"silver_alerts", "silver_user_activities"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` x USING unnest($2::timestamptz[], $3::bigint[]) AS k(time, event_id)
			WHERE x.tenant_id = $1 AND x.time = k.time AND x.event_id = k.event_id`, tenantID, removedTimes, removedIDs); err != nil {
			return nil, fmt.Errorf("reprocess: %s: %w", table, err)
		}
	}

	// Copies: those of removed events (any receipt time) and those received
	// in the range. Each leaves Gold's duplicate count and is queued again;
	// a kept event that stays loses it from its dup_count.
	rows, err = tx.Query(ctx, `
		DELETE FROM silver_duplicates
		WHERE tenant_id = $1 AND (event_id = ANY($2) OR (received_at >= $3 AND received_at < $4))
		RETURNING bronze_id, received_at, event_time, event_id, event_id = ANY($2)`, tenantID, removedIDs, from, to)
	if err != nil {
		return nil, fmt.Errorf("reprocess: remove duplicates: %w", err)
	}
	type target struct {
		t  time.Time
		id int64
	}
	lost := map[target]int32{}
	var eventTime time.Time
	var eventID int64
	var ofRemoved bool
	_, err = pgx.ForEachRow(rows, []any{&bronzeID, &received, &eventTime, &eventID, &ofRemoved}, func() error {
		deltas.addDuplicate(tenantID, eventTime, -1)
		requeue, requeueAt = append(requeue, bronzeID), append(requeueAt, received)
		if !ofRemoved {
			lost[target{eventTime, eventID}]++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reprocess: remove duplicates: %w", err)
	}
	if len(lost) > 0 {
		var ts []time.Time
		var ids []int64
		var ns []int32
		for k, n := range lost {
			ts, ids, ns = append(ts, k.t), append(ids, k.id), append(ns, n)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE silver_security_events s SET dup_count = greatest(1, s.dup_count - d.n)
			FROM unnest($1::timestamptz[], $2::bigint[], $3::int[]) AS d(time, id, n)
			WHERE s.time = d.time AND s.id = d.id AND s.tenant_id = $4`, ts, ids, ns, tenantID); err != nil {
			return nil, fmt.Errorf("reprocess: recount duplicates: %w", err)
		}
	}

	// Quarantined records of the range are tried again too.
	rows, err = tx.Query(ctx, `
		DELETE FROM quarantine WHERE tenant_id = $1 AND stage = $2 AND received_at >= $3 AND received_at < $4
		RETURNING bronze_id, received_at`, tenantID, RefineStage, from, to)
	if err != nil {
		return nil, fmt.Errorf("reprocess: clear quarantine: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&bronzeID, &received}, func() error {
		requeue, requeueAt = append(requeue, bronzeID), append(requeueAt, received)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reprocess: clear quarantine: %w", err)
	}

	if err := deltas.enqueue(ctx, tx); err != nil {
		return nil, err
	}
	if err := users.enqueue(ctx, tx); err != nil {
		return nil, err
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO refine_queue (bronze_id, received_at, tenant_id)
		SELECT b, r, $3 FROM unnest($1::bigint[], $2::timestamptz[]) AS t(b, r)
		ON CONFLICT (bronze_id) DO NOTHING`, requeue, requeueAt, tenantID)
	if err != nil {
		return nil, fmt.Errorf("reprocess: queue: %w", err)
	}
	return &scalefield.ReprocessResult{Queued: tag.RowsAffected(), Removed: int64(len(removedIDs))}, nil
}
