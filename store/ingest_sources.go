package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// The source registry types are the domain's (scalefield.IngestService).
type (
	IngestSource      = scalefield.IngestSource
	IngestSourceStats = scalefield.IngestSourceStats
	IngestStatsPoint  = scalefield.IngestStatsPoint
	IngestStats       = scalefield.IngestStats
)

// MaxIngestStatsPoints bounds the points of IngestStats.Series.
const MaxIngestStatsPoints = 1440

// ListIngestSources returns the source registry of the caller's tenant,
// most recently seen first. EUNAUTHORIZED without a session.
func (s *EventService) ListIngestSources(ctx context.Context) ([]*IngestSource, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// Quarantine and the refine backlog are small next to Bronze; both are
	// read through the Bronze record's origin.
	rows, err := tx.Query(ctx, `
		WITH q AS (
			SELECT b.origin_kind, b.origin, count(*) AS n
			FROM quarantine x JOIN bronze_events b ON b.received_at = x.received_at AND b.id = x.bronze_id
			WHERE x.tenant_id = $1 AND b.tenant_id = $1
			GROUP BY 1, 2
		), p AS (
			SELECT b.origin_kind, b.origin, count(*) AS n, min(r.enqueued_at) AS oldest
			FROM refine_queue r JOIN bronze_events b ON b.received_at = r.received_at AND b.id = r.bronze_id
			WHERE r.tenant_id = $1 AND b.tenant_id = $1
			GROUP BY 1, 2
		)
		SELECT s.kind, s.name, s.first_seen, s.last_seen, s.events_total, s.bytes_total,
		       coalesce(q.n, 0), coalesce(p.n, 0), coalesce(extract(epoch FROM $2 - p.oldest), 0)::float8
		FROM ingest_sources s
		LEFT JOIN q ON q.origin_kind = s.kind AND q.origin = s.name
		LEFT JOIN p ON p.origin_kind = s.kind AND p.origin = s.name
		WHERE s.tenant_id = $1
		ORDER BY s.last_seen DESC, s.kind, s.name`, tenantID, s.db.Now())
	if err != nil {
		return nil, fmt.Errorf("list ingest sources: %w", err)
	}
	sources, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*IngestSource, error) {
		var src IngestSource
		var lag float64
		err := row.Scan(&src.Kind, &src.Name, &src.FirstSeen, &src.LastSeen, &src.EventsTotal, &src.BytesTotal,
			&src.Quarantined, &src.Pending, &lag)
		src.Lag = time.Duration(max(lag, 0) * float64(time.Second))
		src.FirstSeen, src.LastSeen = src.FirstSeen.UTC(), src.LastSeen.UTC()
		return &src, err
	})
	if err != nil {
		return nil, fmt.Errorf("list ingest sources: %w", err)
	}
	return sources, nil
}

// IngestStats returns the caller's tenant's committed events and bytes in
// [from, to), per source and over time, at minute resolution. EINVALID
// unless from is before to and the range is at most 400 days; EUNAUTHORIZED
// without a session.
func (s *EventService) IngestStats(ctx context.Context, from, to time.Time) (*IngestStats, error) {
	if !from.Before(to) {
		return nil, scalefield.Errorf(scalefield.EINVALID, "from must be before to")
	}
	if to.Sub(from) > 400*24*time.Hour {
		return nil, scalefield.Errorf(scalefield.EINVALID, "the range must be at most 400 days")
	}
	step := ingestStatsStep(to.Sub(from))
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)

	st := &IngestStats{From: from.UTC(), To: to.UTC(), Step: step}
	rows, err := tx.Query(ctx, `
		SELECT kind, name, sum(events)::bigint, sum(bytes)::bigint
		FROM ingest_source_minutes
		WHERE tenant_id = $1 AND minute >= $2 AND minute < $3
		GROUP BY kind, name
		ORDER BY sum(events) DESC, kind, name`, tenantID, from, to)
	if err != nil {
		return nil, fmt.Errorf("ingest stats: %w", err)
	}
	st.Sources, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (IngestSourceStats, error) {
		var src IngestSourceStats
		err := row.Scan(&src.Kind, &src.Name, &src.Events, &src.Bytes)
		return src, err
	})
	if err != nil {
		return nil, fmt.Errorf("ingest stats: %w", err)
	}
	for _, src := range st.Sources {
		st.Events += src.Events
		st.Bytes += src.Bytes
	}

	rows, err = tx.Query(ctx, `
		SELECT date_bin($4::interval, minute, $2::timestamptz) AS t, sum(events)::bigint, sum(bytes)::bigint
		FROM ingest_source_minutes
		WHERE tenant_id = $1 AND minute >= $2 AND minute < $3
		GROUP BY t ORDER BY t`, tenantID, from, to, step)
	if err != nil {
		return nil, fmt.Errorf("ingest stats series: %w", err)
	}
	st.Series, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (IngestStatsPoint, error) {
		var p IngestStatsPoint
		err := row.Scan(&p.Time, &p.Events, &p.Bytes)
		p.Time = p.Time.UTC()
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("ingest stats series: %w", err)
	}
	return st, nil
}

// ingestStatsStep is the smallest whole number of minutes that splits a
// range into at most MaxIngestStatsPoints steps.
func ingestStatsStep(d time.Duration) time.Duration {
	perPoint := (d + MaxIngestStatsPoints - 1) / MaxIngestStatsPoints
	minutes := (perPoint + time.Minute - 1) / time.Minute
	return max(minutes, 1) * time.Minute
}
