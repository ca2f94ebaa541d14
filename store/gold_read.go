package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

var _ scalefield.GoldService = (*GoldService)(nil)

// GoldService reads Gold and manages retention and reprocessing.
type GoldService struct{ db *DB }

// NewGoldService returns a GoldService on db.
func NewGoldService(db *DB) *GoldService { return &GoldService{db: db} }

// metricDimension is the Gold dimension each metric counts.
var metricDimension = map[scalefield.Metric]scalefield.Dimension{
	scalefield.MetricEvents:         scalefield.DimTotal,
	scalefield.MetricThreats:        scalefield.DimThreat,
	scalefield.MetricCriticalAlerts: scalefield.DimCritical,
	scalefield.MetricDuplicates:     scalefield.DimDuplicates,
}

// Timeseries reads one metric per bucket from the Gold period matching the
// interval; with GroupBy, one series per value of the Limit values with the
// most events in the range. Empty buckets are returned as zeros.
func (s *GoldService) Timeseries(ctx context.Context, q scalefield.TimeseriesQuery) ([]scalefield.TimeseriesPoint, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)

	from, to := q.Interval.Truncate(q.From), q.To.UTC()
	sql, args := timeseriesSQL(tenantID, &q)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("timeseries: %w", err)
	}
	type cell struct {
		bucket time.Time
		value  string
	}
	counts := map[cell]int64{}
	var groups []string
	seen := map[string]bool{}
	var bucket time.Time
	var value string
	var count int64
	_, err = pgx.ForEachRow(rows, []any{&bucket, &value, &count}, func() error {
		counts[cell{bucket.UTC(), value}] = count
		if !seen[value] {
			seen[value] = true
			groups = append(groups, value)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("timeseries: %w", err)
	}
	if q.GroupBy == "" {
		groups = []string{""}
	}
	slices.Sort(groups)
	var out []scalefield.TimeseriesPoint
	for _, g := range groups {
		for b := from; b.Before(to); b = q.Interval.Next(b) {
			out = append(out, scalefield.TimeseriesPoint{Time: b, Value: float64(counts[cell{b, g}]), Group: g})
		}
	}
	return out, nil
}

// timeseriesSQL builds the statement of a validated time series query.
func timeseriesSQL(tenantID string, q *scalefield.TimeseriesQuery) (string, []any) {
	from, to := q.Interval.Truncate(q.From), q.To.UTC()
	if q.GroupBy == "" {
		return `
			SELECT bucket, '' AS value, count FROM gold_threat_metrics
			WHERE tenant_id = $1 AND period = $2 AND dimension = $3 AND value = '' AND bucket >= $4 AND bucket < $5
			ORDER BY bucket`, []any{tenantID, string(q.Interval), string(metricDimension[q.Metric]), from, to}
	}
	// The values are ranked on the next coarser period (whole days for
	// hourly series, whole months for daily and monthly ones): far fewer
	// rows, and the ranking of the few values shown rarely differs.
	rank := scalefield.IntervalMonth
	if q.Interval == scalefield.IntervalHour {
		rank = scalefield.IntervalDay
	}
	return `
		WITH top AS (
			SELECT value FROM gold_threat_metrics
			WHERE tenant_id = $1 AND period = $6 AND dimension = $3 AND bucket >= $7 AND bucket < $5
			GROUP BY value ORDER BY sum(count) DESC, value LIMIT $8
		)
		SELECT g.bucket, g.value, g.count FROM top
		JOIN gold_threat_metrics g ON g.tenant_id = $1 AND g.period = $2 AND g.dimension = $3 AND g.value = top.value
		WHERE g.bucket >= $4 AND g.bucket < $5
		ORDER BY g.bucket, g.value`, []any{tenantID, string(q.Interval), string(q.GroupBy), from, to,
			string(rank), rank.Truncate(q.From), q.Limit}
}

// ExplainTimeseries runs EXPLAIN (ANALYZE, BUFFERS) on a time series query
// of the caller's tenant.
func (s *GoldService) ExplainTimeseries(ctx context.Context, q scalefield.TimeseriesQuery) (string, error) {
	if err := q.Validate(); err != nil {
		return "", err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	sql, args := timeseriesSQL(tenantID, &q)
	return explain(ctx, tx, sql, args)
}

// summaryPeriod picks the coarsest Gold period whose buckets tile [from, to)
// exactly once both ends are rounded out to whole hours.
func summaryPeriod(from, to time.Time) (scalefield.Interval, time.Time, time.Time) {
	from = from.UTC().Truncate(time.Hour)
	if t := to.UTC().Truncate(time.Hour); t.Before(to) {
		to = t.Add(time.Hour)
	}
	to = to.UTC()
	for _, p := range []scalefield.Interval{scalefield.IntervalMonth, scalefield.IntervalDay} {
		if p.Truncate(from).Equal(from) && p.Truncate(to).Equal(to) {
			return p, from, to
		}
	}
	return scalefield.IntervalHour, from, to
}

// Summary totals Gold over [from, to), rounded out to whole hours.
func (s *GoldService) Summary(ctx context.Context, from, to time.Time) (*scalefield.MetricsSummary, error) {
	if !from.Before(to) {
		return nil, scalefield.Errorf(scalefield.EINVALID, "from must be before to")
	}
	period, from, to := summaryPeriod(from, to)
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `
		SELECT dimension, value, sum(count)::bigint FROM gold_threat_metrics
		WHERE tenant_id = $1 AND period = $2 AND bucket >= $3 AND bucket < $4
		GROUP BY dimension, value`, tenantID, string(period), from, to)
	if err != nil {
		return nil, fmt.Errorf("metrics summary: %w", err)
	}
	sum := &scalefield.MetricsSummary{From: from, To: to}
	by := map[scalefield.Dimension][]scalefield.FacetValue{}
	var dim, value string
	var count int64
	_, err = pgx.ForEachRow(rows, []any{&dim, &value, &count}, func() error {
		switch d := scalefield.Dimension(dim); d {
		case scalefield.DimTotal:
			sum.Events = count
		case scalefield.DimThreat:
			sum.Threats = count
		case scalefield.DimCritical:
			sum.CriticalAlerts = count
		case scalefield.DimDuplicates:
			sum.Duplicates = count
		default:
			by[d] = append(by[d], scalefield.FacetValue{Value: value, Count: count})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("metrics summary: %w", err)
	}
	top := func(d scalefield.Dimension, n int) []scalefield.FacetValue {
		vs := by[d]
		slices.SortFunc(vs, func(a, b scalefield.FacetValue) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(vs) > n {
			vs = vs[:n]
		}
		return vs
	}
	sum.BySeverity, sum.ByClass, sum.BySource = top(scalefield.DimSeverity, 10), top(scalefield.DimClass, 20), top(scalefield.DimSource, 10)
	sum.TopTalkers, sum.TopUsers, sum.TopCountries = top(scalefield.DimSrcIP, 10), top(scalefield.DimUser, 10), top(scalefield.DimCountry, 10)
	return sum, nil
}

// UserRiskProfiles pages through the tenant's users, riskiest first, with
// a keyset cursor on (risk_score, user_name).
func (s *GoldService) UserRiskProfiles(ctx context.Context, first int, after *string) (*scalefield.UserRiskPage, error) {
	if err := scalefield.ValidatePage(&first); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	where, args := "tenant_id = $1", []any{tenantID}
	if after != nil {
		score, user, err := decodeRiskCursor(*after)
		if err != nil {
			return nil, err
		}
		where += " AND (risk_score, user_name) < ($2, $3)"
		args = append(args, score, user)
	}
	args = append(args, first+1)
	rows, err := tx.Query(ctx, `
		SELECT user_name, risk_score, events, failures, threat_matches, high_severity, privileged, first_seen, last_seen
		FROM gold_user_risk_profiles WHERE `+where+`
		ORDER BY risk_score DESC, user_name DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("user risk profiles: %w", err)
	}
	profiles, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.UserRiskProfile, error) {
		var p scalefield.UserRiskProfile
		var score float32
		err := row.Scan(&p.User, &score, &p.Events, &p.Failures, &p.ThreatMatches, &p.HighSeverity, &p.Privileged, &p.FirstSeen, &p.LastSeen)
		p.RiskScore = float64(score)
		p.FirstSeen, p.LastSeen = p.FirstSeen.UTC(), p.LastSeen.UTC()
		return &p, err
	})
	if err != nil {
		return nil, fmt.Errorf("user risk profiles: %w", err)
	}
	page := &scalefield.UserRiskPage{}
	page.Profiles, page.Cursors, page.HasNextPage = trimPage(profiles, first, func(p *scalefield.UserRiskProfile) string {
		return encodeRiskCursor(float32(p.RiskScore), p.User)
	})
	return page, nil
}

func encodeRiskCursor(score float32, user string) string {
	return encodeStringCursor(strconv.FormatFloat(float64(score), 'g', -1, 32) + "\x00" + user)
}

func decodeRiskCursor(s string) (float32, string, error) {
	raw, err := decodeStringCursor(s)
	if err == nil {
		if score, user, ok := strings.Cut(raw, "\x00"); ok {
			f, err := strconv.ParseFloat(score, 32)
			if err == nil {
				return float32(f), user, nil
			}
		}
	}
	return 0, "", scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
}

// RetentionPolicy returns the tenant's policy, or the defaults.
func (s *GoldService) RetentionPolicy(ctx context.Context) (*scalefield.RetentionPolicy, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	return retentionPolicy(ctx, tx, tenantID)
}

func retentionPolicy(ctx context.Context, tx pgx.Tx, tenantID string) (*scalefield.RetentionPolicy, error) {
	p := scalefield.RetentionPolicy{Custom: true}
	err := tx.QueryRow(ctx, `SELECT bronze_days, silver_days, gold_days FROM retention_policies WHERE tenant_id = $1`, tenantID).
		Scan(&p.BronzeDays, &p.SilverDays, &p.GoldDays)
	if errors.Is(err, pgx.ErrNoRows) {
		d := scalefield.DefaultRetention
		return &d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retention policy: %w", err)
	}
	return &p, nil
}

// SetRetentionPolicy stores the tenant's policy and audits the change.
func (s *GoldService) SetRetentionPolicy(ctx context.Context, p scalefield.RetentionPolicy, audit *scalefield.AuditEntry) (*scalefield.RetentionPolicy, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `
		INSERT INTO retention_policies (tenant_id, bronze_days, silver_days, gold_days, updated_at)
		VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (tenant_id) DO UPDATE SET bronze_days = $2, silver_days = $3, gold_days = $4, updated_at = now()`,
		tenantID, p.BronzeDays, p.SilverDays, p.GoldDays); err != nil {
		return nil, fmt.Errorf("set retention policy: %w", err)
	}
	if audit != nil {
		audit.Details = map[string]any{"bronze_days": p.BronzeDays, "silver_days": p.SilverDays, "gold_days": p.GoldDays}
		if err := AppendAuditTx(ctx, tx, audit); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("set retention policy: commit: %w", err)
	}
	p.Custom = true
	return &p, nil
}
