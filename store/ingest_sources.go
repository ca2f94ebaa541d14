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
	rows, err := tx.Query(ctx, `
		SELECT kind, name, first_seen, last_seen, events_total, bytes_total
		FROM ingest_sources WHERE tenant_id = $1
		ORDER BY last_seen DESC, kind, name`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list ingest sources: %w", err)
	}
	sources, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*IngestSource, error) {
		var src IngestSource
		err := row.Scan(&src.Kind, &src.Name, &src.FirstSeen, &src.LastSeen, &src.EventsTotal, &src.BytesTotal)
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
