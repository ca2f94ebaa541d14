package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// goldFacts is what Gold counts of one Silver event.
type goldFacts struct {
	tenantID, severity, source, srcIP, user, country string
	class                                            int
	time                                             time.Time
	threat                                           bool
}

// critical reports a critical finding raised by another tool.
func (f goldFacts) critical() bool {
	return f.class == scalefield.ClassDetectionFinding && f.severity == string(scalefield.SeverityCritical)
}

// highSeverity reports a high or critical severity.
func highSeverity(s string) bool {
	return s == string(scalefield.SeverityHigh) || s == string(scalefield.SeverityCritical)
}

func factsOf(e *scalefield.SecurityEvent) goldFacts {
	src := e.Sourcetype
	if src == "" {
		src = e.Source
	}
	return goldFacts{
		tenantID: e.TenantID, severity: string(e.Severity), source: src, srcIP: e.SrcIP,
		user: strings.ToLower(e.User), country: geoCountry(e.SrcGeo), class: e.ClassUID, time: e.Time,
		threat: len(e.ThreatMatch) > 0,
	}
}

type goldKey struct {
	tenantID  string
	period    scalefield.Interval
	dimension scalefield.Dimension
	bucket    time.Time
	value     string
}

// goldDeltas are count changes to gold_threat_metrics, summed per row.
type goldDeltas map[goldKey]int64

// add counts n at t's hour. The fold adds each hour's delta to the day
// and month holding it as well: Gold keeps hour, day and month rows, but
// a refine batch writes a third of the deltas.
func (d goldDeltas) add(tenantID string, t time.Time, dim scalefield.Dimension, value string, n int64) {
	d[goldKey{tenantID, scalefield.IntervalHour, dim, scalefield.IntervalHour.Truncate(t), value}] += n
}

// addEvent counts (n = 1) or uncounts (n = -1) one Silver event.
func (d goldDeltas) addEvent(f goldFacts, n int64) {
	d.add(f.tenantID, f.time, scalefield.DimTotal, "", n)
	d.add(f.tenantID, f.time, scalefield.DimSeverity, f.severity, n)
	d.add(f.tenantID, f.time, scalefield.DimClass, strconv.Itoa(f.class), n)
	d.add(f.tenantID, f.time, scalefield.DimSource, f.source, n)
	if f.srcIP != "" {
		d.add(f.tenantID, f.time, scalefield.DimSrcIP, f.srcIP, n)
	}
	if f.user != "" {
		d.add(f.tenantID, f.time, scalefield.DimUser, f.user, n)
	}
	if f.country != "" {
		d.add(f.tenantID, f.time, scalefield.DimCountry, f.country, n)
	}
	if f.threat {
		d.add(f.tenantID, f.time, scalefield.DimThreat, "", n)
	}
	if f.critical() {
		d.add(f.tenantID, f.time, scalefield.DimCritical, "", n)
	}
}

// addDuplicate counts copies folded into the event at eventTime.
func (d goldDeltas) addDuplicate(tenantID string, eventTime time.Time, n int64) {
	d.add(tenantID, eventTime, scalefield.DimDuplicates, "", n)
}

// enqueue appends the non-zero deltas to gold_deltas for the aggregate
// stage. COPY into a table without keys takes no row locks, so concurrent
// refine batches never wait for each other here.
func (d goldDeltas) enqueue(ctx context.Context, tx pgx.Tx) error {
	c := newBinaryCopy(len(d) * 96)
	tenants := uuids{}
	for k, n := range d {
		if n == 0 {
			continue
		}
		tenant, err := tenants.parse(k.tenantID)
		if err != nil {
			return err
		}
		c.row(6)
		c.uuid(tenant)
		c.text(string(k.period))
		c.text(string(k.dimension))
		c.timestamptz(k.bucket)
		c.text(k.value)
		c.int64(n)
	}
	if c.rows == 0 {
		return nil
	}
	if _, err := c.send(ctx, tx.Conn().PgConn(), "gold_deltas", []string{"tenant_id", "period", "dimension", "bucket", "value", "count"}); err != nil {
		return fmt.Errorf("gold deltas: %w", err)
	}
	return nil
}

// userRisk is what a set of events adds to (or, negated, takes from) a
// user's risk profile.
type userRisk struct {
	events, failures, threats, high int64
	maxRisk                         float64
	privileged                      bool
	first, last                     time.Time
}

type userKey struct{ tenantID, user string }

// userDeltas are changes to gold_user_risk_profiles, per user.
type userDeltas map[userKey]*userRisk

// add counts (n = 1) or uncounts (n = -1) one event of its actor.
func (d userDeltas) add(tenantID, user string, t time.Time, status string, threat, high bool, risk float64, privileged bool, n int64) {
	if user == "" {
		return
	}
	k := userKey{tenantID, strings.ToLower(user)}
	a := d[k]
	if a == nil {
		a = &userRisk{first: t, last: t}
		d[k] = a
	}
	a.events += n
	if status == "failure" {
		a.failures += n
	}
	if threat {
		a.threats += n
	}
	if high {
		a.high += n
	}
	// The riskiest event, first and last seen are kept as seen: removing an
	// event (reprocess) does not lower them.
	a.maxRisk = max(a.maxRisk, risk)
	a.privileged = a.privileged || privileged
	if t.Before(a.first) {
		a.first = t
	}
	if t.After(a.last) {
		a.last = t
	}
}

func (d userDeltas) addEvent(e *scalefield.SecurityEvent) {
	d.add(e.TenantID, e.User, e.Time, e.Status, len(e.ThreatMatch) > 0,
		highSeverity(string(e.Severity)), e.RiskScore,
		e.UserContext != nil && e.UserContext.Privileged, 1)
}

func (d userDeltas) enqueue(ctx context.Context, tx pgx.Tx) error {
	if len(d) == 0 {
		return nil
	}
	c := newBinaryCopy(len(d) * 128)
	tenants := uuids{}
	for k, a := range d {
		tenant, err := tenants.parse(k.tenantID)
		if err != nil {
			return err
		}
		c.row(10)
		c.uuid(tenant)
		c.text(k.user)
		c.int64(a.events)
		c.int64(a.failures)
		c.int64(a.threats)
		c.int64(a.high)
		c.float32(float32(a.maxRisk))
		c.bool(a.privileged)
		c.timestamptz(a.first)
		c.timestamptz(a.last)
	}
	if _, err := c.send(ctx, tx.Conn().PgConn(), "gold_user_deltas", []string{"tenant_id", "user_name", "events", "failures", "threat_matches",
		"high_severity", "max_risk", "privileged", "first_seen", "last_seen"}); err != nil {
		return fmt.Errorf("gold user deltas: %w", err)
	}
	return nil
}

// foldLock keeps one aggregate stage folding at a time across replicas.
const foldLock = "scalefield:gold-fold"

// FoldResult says what one fold did.
type FoldResult struct {
	Deltas, UserDeltas int64
	// Tenants whose Gold changed.
	Tenants []string
}

// FoldGold folds up to limit pending deltas of each kind into Gold in one
// transaction, summed per row first and applied in key order. Only one
// replica folds at a time; the others find the lock taken and return an
// empty result.
func (s *GoldService) FoldGold(ctx context.Context, limit int) (*FoldResult, error) {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("fold gold: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	// Like refinement, a lost fold is redone from its deltas.
	if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return nil, fmt.Errorf("fold gold: %w", err)
	}
	var locked bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext($1))`, foldLock).Scan(&locked); err != nil {
		return nil, fmt.Errorf("fold gold: lock: %w", err)
	}
	res := &FoldResult{}
	if !locked {
		return res, nil
	}
	tenants := map[string]bool{}
	rows, err := tx.Query(ctx, `
		WITH d AS (
			DELETE FROM gold_deltas WHERE ctid = ANY(ARRAY(SELECT ctid FROM gold_deltas LIMIT $1))
			RETURNING tenant_id, period, dimension, bucket, value, count
		), h AS (
			-- Summed per row first: many batches' deltas share a row.
			SELECT tenant_id, period, dimension, bucket, value, sum(count)::bigint AS count, count(*) AS n
			FROM d GROUP BY tenant_id, period, dimension, bucket, value
		), s AS (
			-- An hour's delta also counts in its day and month (deltas of
			-- other periods, written before hours alone were, count as
			-- they are).
			SELECT h.tenant_id, p.period, h.dimension,
			       CASE WHEN p.period = h.period THEN h.bucket ELSE date_trunc(p.period, h.bucket, 'UTC') END AS bucket, h.value,
			       sum(h.count)::bigint AS count, coalesce(sum(h.n) FILTER (WHERE p.period = h.period), 0)::bigint AS n
			FROM h CROSS JOIN LATERAL unnest(CASE WHEN h.period = 'hour' THEN ARRAY['hour', 'day', 'month'] ELSE ARRAY[h.period] END) AS p(period)
			GROUP BY h.tenant_id, p.period, h.dimension, 4, h.value
		), up AS (
			INSERT INTO gold_threat_metrics AS g (tenant_id, period, dimension, bucket, value, count)
			SELECT tenant_id, period, dimension, bucket, value, count FROM s
			ORDER BY tenant_id, period, dimension, bucket, value
			ON CONFLICT (tenant_id, period, dimension, bucket, value) DO UPDATE SET count = g.count + EXCLUDED.count
		)
		SELECT tenant_id::text, sum(n)::bigint FROM s GROUP BY tenant_id`, limit)
	if err != nil {
		return nil, fmt.Errorf("fold gold: %w", err)
	}
	var tenant string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&tenant, &n}, func() error {
		tenants[tenant] = true
		res.Deltas += n
		return nil
	}); err != nil {
		return nil, fmt.Errorf("fold gold: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM gold_threat_metrics WHERE count <= 0`); err != nil {
		return nil, fmt.Errorf("fold gold: prune: %w", err)
	}
	rows, err = tx.Query(ctx, `
		WITH d AS (
			DELETE FROM gold_user_deltas WHERE ctid = ANY(ARRAY(SELECT ctid FROM gold_user_deltas LIMIT $1))
			RETURNING *
		), s AS (
			SELECT tenant_id, user_name, sum(events)::bigint AS events, sum(failures)::bigint AS failures,
			       sum(threat_matches)::bigint AS threat_matches, sum(high_severity)::bigint AS high_severity,
			       max(max_risk) AS max_risk, bool_or(privileged) AS privileged,
			       min(first_seen) AS first_seen, max(last_seen) AS last_seen, count(*) AS n
			FROM d GROUP BY tenant_id, user_name
		), up AS (
			INSERT INTO gold_user_risk_profiles AS p
			    (tenant_id, user_name, events, failures, threat_matches, high_severity, max_risk, privileged, first_seen, last_seen)
			SELECT tenant_id, user_name, events, failures, threat_matches, high_severity, max_risk, privileged, first_seen, last_seen
			FROM s ORDER BY tenant_id, user_name
			ON CONFLICT (tenant_id, user_name) DO UPDATE SET
			    events = p.events + EXCLUDED.events,
			    failures = p.failures + EXCLUDED.failures,
			    threat_matches = p.threat_matches + EXCLUDED.threat_matches,
			    high_severity = p.high_severity + EXCLUDED.high_severity,
			    max_risk = greatest(p.max_risk, EXCLUDED.max_risk),
			    privileged = p.privileged OR EXCLUDED.privileged,
			    first_seen = least(p.first_seen, EXCLUDED.first_seen),
			    last_seen = greatest(p.last_seen, EXCLUDED.last_seen),
			    updated_at = now()
		)
		SELECT tenant_id::text, sum(n)::bigint FROM s GROUP BY tenant_id`, limit)
	if err != nil {
		return nil, fmt.Errorf("fold user risk: %w", err)
	}
	if _, err := pgx.ForEachRow(rows, []any{&tenant, &n}, func() error {
		tenants[tenant] = true
		res.UserDeltas += n
		return nil
	}); err != nil {
		return nil, fmt.Errorf("fold user risk: %w", err)
	}
	if res.UserDeltas > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM gold_user_risk_profiles WHERE events <= 0`); err != nil {
			return nil, fmt.Errorf("fold user risk: prune: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("fold gold: commit: %w", err)
	}
	for t := range tenants {
		res.Tenants = append(res.Tenants, t)
	}
	slices.Sort(res.Tenants)
	return res, nil
}

// PendingGold counts the deltas waiting to be folded.
func (s *GoldService) PendingGold(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM gold_deltas) + (SELECT count(*) FROM gold_user_deltas)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("pending gold: %w", err)
	}
	return n, nil
}

func cmpGold(a, b goldKey) int {
	if c := strings.Compare(a.tenantID, b.tenantID); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.period), string(b.period)); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.dimension), string(b.dimension)); c != 0 {
		return c
	}
	if c := a.bucket.Compare(b.bucket); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}
