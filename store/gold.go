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
	threat, critical                                 bool
}

func factsOf(e *scalefield.SecurityEvent) goldFacts {
	src := e.Sourcetype
	if src == "" {
		src = e.Source
	}
	return goldFacts{
		tenantID: e.TenantID, severity: string(e.Severity), source: src, srcIP: e.SrcIP,
		user: strings.ToLower(e.User), country: geoCountry(e.SrcGeo), class: e.ClassUID, time: e.Time,
		threat:   len(e.ThreatMatch) > 0,
		critical: e.ClassUID == scalefield.ClassDetectionFinding && e.Severity == scalefield.SeverityCritical,
	}
}

// goldPeriods are the bucket widths Gold keeps.
var goldPeriods = []scalefield.Interval{scalefield.IntervalHour, scalefield.IntervalDay, scalefield.IntervalMonth}

type goldKey struct {
	tenantID  string
	period    scalefield.Interval
	dimension scalefield.Dimension
	bucket    time.Time
	value     string
}

// goldDeltas are count changes to gold_threat_metrics, summed per row.
type goldDeltas map[goldKey]int64

func (d goldDeltas) add(tenantID string, t time.Time, dim scalefield.Dimension, value string, n int64) {
	for _, p := range goldPeriods {
		d[goldKey{tenantID, p, dim, p.Truncate(t), value}] += n
	}
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
	if f.critical {
		d.add(f.tenantID, f.time, scalefield.DimCritical, "", n)
	}
}

// addDuplicate counts copies folded into the event at eventTime.
func (d goldDeltas) addDuplicate(tenantID string, eventTime time.Time, n int64) {
	d.add(tenantID, eventTime, scalefield.DimDuplicates, "", n)
}

// apply upserts the deltas in a stable order (so concurrent batches take
// row locks in the same order and cannot deadlock) and removes rows that
// reach zero.
func (d goldDeltas) apply(ctx context.Context, tx pgx.Tx) error {
	keys := make([]goldKey, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b goldKey) int {
		return cmpGold(a, b)
	})
	n := len(keys)
	tenants, periods, dims, values := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	buckets, counts := make([]time.Time, n), make([]int64, n)
	anyNegative := false
	for i, k := range keys {
		tenants[i], periods[i], dims[i], values[i], buckets[i], counts[i] = k.tenantID, string(k.period), string(k.dimension), k.value, k.bucket, d[k]
		anyNegative = anyNegative || counts[i] < 0
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO gold_threat_metrics AS g (tenant_id, period, dimension, bucket, value, count)
		SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::bigint[])
		ON CONFLICT (tenant_id, period, dimension, bucket, value) DO UPDATE SET count = g.count + EXCLUDED.count`,
		tenants, periods, dims, buckets, values, counts); err != nil {
		return fmt.Errorf("gold metrics: %w", err)
	}
	if anyNegative {
		if _, err := tx.Exec(ctx, `
			DELETE FROM gold_threat_metrics g
			USING unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS k(tenant_id, period, dimension, bucket, value)
			WHERE g.tenant_id = k.tenant_id AND g.period = k.period AND g.dimension = k.dimension
			  AND g.bucket = k.bucket AND g.value = k.value AND g.count <= 0`,
			tenants, periods, dims, buckets, values); err != nil {
			return fmt.Errorf("gold metrics: prune: %w", err)
		}
	}
	return nil
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
