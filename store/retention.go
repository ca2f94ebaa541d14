package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// retentionLayer is one layer's tables and the time column retention reads.
type retentionLayer struct {
	name   string
	days   func(p *scalefield.RetentionPolicy) int
	tables []retentionTable
}

type retentionTable struct {
	name, column string
	// partitioned tables lose whole monthly partitions when every tenant's
	// data in them has expired.
	partitioned bool
}

var retentionLayers = []retentionLayer{
	{"BRONZE", func(p *scalefield.RetentionPolicy) int { return p.BronzeDays }, []retentionTable{
		{"bronze_events", "received_at", true}, {"silver_duplicates", "received_at", false},
	}},
	{"SILVER", func(p *scalefield.RetentionPolicy) int { return p.SilverDays }, []retentionTable{
		{"silver_security_events", "time", true}, {"silver_alerts", "time", true},
		{"silver_user_activities", "time", true}, {"silver_dedup", "window_start", false},
	}},
	{"GOLD", func(p *scalefield.RetentionPolicy) int { return p.GoldDays }, []retentionTable{
		{"gold_threat_metrics", "bucket", false},
	}},
}

// longestRetention returns, per layer, the most days any tenant keeps,
// with override standing in for tenantID's own policy.
func longestRetention(ctx context.Context, q pgx.Tx, tenantID string, override *scalefield.RetentionPolicy) (map[string]int, error) {
	var bronze, silver, gold int
	var missing bool
	err := q.QueryRow(ctx, `
		SELECT coalesce(max(bronze_days), 0), coalesce(max(silver_days), 0), coalesce(max(gold_days), 0),
		       EXISTS (SELECT 1 FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM retention_policies p WHERE p.tenant_id = t.id) AND t.id::text <> $1)
		FROM retention_policies WHERE tenant_id::text <> $1`, tenantID).Scan(&bronze, &silver, &gold, &missing)
	if err != nil {
		return nil, fmt.Errorf("retention: longest: %w", err)
	}
	policies := []scalefield.RetentionPolicy{{BronzeDays: bronze, SilverDays: silver, GoldDays: gold}}
	if missing {
		policies = append(policies, scalefield.DefaultRetention)
	}
	if override != nil {
		policies = append(policies, *override)
	}
	out := map[string]int{}
	for _, l := range retentionLayers {
		for _, p := range policies {
			out[l.name] = max(out[l.name], l.days(&p))
		}
	}
	return out, nil
}

// expiredPartitions lists the monthly partitions of table that end at or
// before cutoff, oldest first.
func expiredPartitions(ctx context.Context, q pgx.Tx, table string, cutoff time.Time) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT c.relname FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = $1::regclass AND c.relname ~ '_[0-9]{6}$'
		ORDER BY c.relname`, table)
	if err != nil {
		return nil, fmt.Errorf("retention: partitions of %s: %w", table, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("retention: partitions of %s: %w", table, err)
	}
	var out []string
	for _, n := range names {
		month, err := time.Parse("200601", n[len(n)-6:])
		if err != nil {
			continue
		}
		if !month.AddDate(0, 1, 0).After(cutoff) {
			out = append(out, n)
		}
	}
	return out, nil
}

// PreviewRetention counts what policy p would delete of the caller's
// tenant now, and which partitions would go for every tenant.
func (s *GoldService) PreviewRetention(ctx context.Context, p scalefield.RetentionPolicy) ([]scalefield.RetentionLayerPreview, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	tenantID := scalefield.TenantIDFromContext(ctx)
	if tenantID == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	// Partition bounds and other tenants' policies are not the tenant's
	// data; reading them needs the privileged pool. Counts stay per tenant.
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("retention preview: %w", err)
	}
	defer tx.Rollback(ctx)
	longest, err := longestRetention(ctx, tx, tenantID, &p)
	if err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	var out []scalefield.RetentionLayerPreview
	for _, l := range retentionLayers {
		cutoff := now.AddDate(0, 0, -l.days(&p))
		lp := scalefield.RetentionLayerPreview{Layer: l.name, Cutoff: cutoff, Partitions: []string{}}
		main := l.tables[0]
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+main.name+` WHERE tenant_id = $1 AND `+main.column+` < $2`,
			tenantID, cutoff).Scan(&lp.Rows); err != nil {
			return nil, fmt.Errorf("retention preview: %w", err)
		}
		for _, t := range l.tables {
			if !t.partitioned {
				continue
			}
			parts, err := expiredPartitions(ctx, tx, t.name, now.AddDate(0, 0, -longest[l.name]))
			if err != nil {
				return nil, err
			}
			lp.Partitions = append(lp.Partitions, parts...)
		}
		out = append(out, lp)
	}
	return out, nil
}

// RetentionResult counts what one retention run deleted.
type RetentionResult struct {
	PartitionsDropped []string
	RowsDeleted       int64
}

// ApplyRetention drops the partitions whose data every tenant's policy has
// expired, then deletes each tenant's expired rows from what remains.
func (s *GoldService) ApplyRetention(ctx context.Context) (*RetentionResult, error) {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("retention: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.retention', 'on', true)`); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	longest, err := longestRetention(ctx, tx, "", nil)
	if err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	res := &RetentionResult{}
	for _, l := range retentionLayers {
		for _, t := range l.tables {
			if !t.partitioned {
				continue
			}
			parts, err := expiredPartitions(ctx, tx, t.name, now.AddDate(0, 0, -longest[l.name]))
			if err != nil {
				return nil, err
			}
			for _, p := range parts {
				if _, err := tx.Exec(ctx, `DROP TABLE `+pgx.Identifier{p}.Sanitize()); err != nil {
					return nil, fmt.Errorf("retention: drop %s: %w", p, err)
				}
				res.PartitionsDropped = append(res.PartitionsDropped, p)
			}
		}
	}
	// Per-tenant cutoffs for what the partitions kept.
	rows, err := tx.Query(ctx, `
		SELECT t.id, coalesce(p.bronze_days, $1), coalesce(p.silver_days, $2), coalesce(p.gold_days, $3)
		FROM tenants t LEFT JOIN retention_policies p ON p.tenant_id = t.id`,
		scalefield.DefaultRetention.BronzeDays, scalefield.DefaultRetention.SilverDays, scalefield.DefaultRetention.GoldDays)
	if err != nil {
		return nil, fmt.Errorf("retention: policies: %w", err)
	}
	type tenantPolicy struct {
		id string
		p  scalefield.RetentionPolicy
	}
	policies, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tenantPolicy, error) {
		var tp tenantPolicy
		err := row.Scan(&tp.id, &tp.p.BronzeDays, &tp.p.SilverDays, &tp.p.GoldDays)
		return tp, err
	})
	if err != nil {
		return nil, fmt.Errorf("retention: policies: %w", err)
	}
	// One statement per table for every tenant's cutoff, so each table is
	// read once however many tenants there are.
	tenantIDs := make([]string, len(policies))
	for i, tp := range policies {
		tenantIDs[i] = tp.id
	}
	for _, l := range retentionLayers {
		cutoffs := make([]time.Time, len(policies))
		for i, tp := range policies {
			cutoffs[i] = now.AddDate(0, 0, -l.days(&tp.p))
		}
		for _, t := range l.tables {
			tag, err := tx.Exec(ctx, `DELETE FROM `+t.name+` x USING unnest($1::uuid[], $2::timestamptz[]) AS c(tenant_id, cutoff)
				WHERE x.tenant_id = c.tenant_id AND x.`+t.column+` < c.cutoff`, tenantIDs, cutoffs)
			if err != nil {
				return nil, fmt.Errorf("retention: %s: %w", t.name, err)
			}
			res.RowsDeleted += tag.RowsAffected()
		}
		if l.name == "SILVER" {
			// Risk profiles of users last seen before Silver's cutoff go with them.
			if _, err := tx.Exec(ctx, `DELETE FROM gold_user_risk_profiles x USING unnest($1::uuid[], $2::timestamptz[]) AS c(tenant_id, cutoff)
				WHERE x.tenant_id = c.tenant_id AND x.last_seen < c.cutoff`, tenantIDs, cutoffs); err != nil {
				return nil, fmt.Errorf("retention: risk profiles: %w", err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("retention: commit: %w", err)
	}
	slices.Sort(res.PartitionsDropped)
	return res, nil
}
