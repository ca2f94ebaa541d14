package scalefield

import (
	"context"
	"time"
)

// Metric is a quantity Gold counts.
type Metric string

// Metrics.
const (
	MetricEvents         Metric = "events"
	MetricThreats        Metric = "threats"
	MetricCriticalAlerts Metric = "critical"
	MetricDuplicates     Metric = "duplicates"
)

// Interval is the width of a Gold bucket.
type Interval string

// Intervals.
const (
	IntervalHour  Interval = "hour"
	IntervalDay   Interval = "day"
	IntervalMonth Interval = "month"
)

// Truncate returns the start of t's bucket in UTC.
func (i Interval) Truncate(t time.Time) time.Time {
	t = t.UTC()
	switch i {
	case IntervalDay:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case IntervalMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		return t.Truncate(time.Hour)
	}
}

// Next returns the start of the bucket after the one starting at t.
func (i Interval) Next(t time.Time) time.Time {
	switch i {
	case IntervalDay:
		return t.AddDate(0, 0, 1)
	case IntervalMonth:
		return t.AddDate(0, 1, 0)
	default:
		return t.Add(time.Hour)
	}
}

// Dimension is what Gold groups event counts by.
type Dimension string

// Dimensions of gold_threat_metrics.
const (
	DimTotal      Dimension = "total"
	DimSeverity   Dimension = "severity"
	DimClass      Dimension = "class"
	DimSource     Dimension = "source"
	DimSrcIP      Dimension = "src_ip"
	DimUser       Dimension = "user"
	DimCountry    Dimension = "country"
	DimThreat     Dimension = "threat"
	DimCritical   Dimension = "critical"
	DimDuplicates Dimension = "duplicates"
)

// TimeseriesQuery asks Gold for one metric over time.
type TimeseriesQuery struct {
	Metric   Metric
	From, To time.Time
	// Interval is chosen from the range when empty.
	Interval Interval
	// GroupBy splits MetricEvents into one series per value of a dimension
	// (severity, class, source, src_ip, user, country); the Limit values
	// with the most events are kept.
	GroupBy Dimension
	Limit   int
}

// MaxTimeseriesPoints bounds the buckets of one series.
const MaxTimeseriesPoints = 5000

// Validate checks the query and fills the defaults.
func (q *TimeseriesQuery) Validate() error {
	if !q.From.Before(q.To) {
		return Errorf(EINVALID, "from must be before to")
	}
	switch q.Metric {
	case MetricEvents, MetricThreats, MetricCriticalAlerts, MetricDuplicates:
	default:
		return Errorf(EINVALID, "unknown metric %q", q.Metric)
	}
	if q.GroupBy != "" {
		if q.Metric != MetricEvents {
			return Errorf(EINVALID, "groupBy applies to the EVENTS metric only")
		}
		switch q.GroupBy {
		case DimSeverity, DimClass, DimSource, DimSrcIP, DimUser, DimCountry:
		default:
			return Errorf(EINVALID, "cannot group by %q", q.GroupBy)
		}
	}
	if q.Limit == 0 {
		q.Limit = 10
	}
	if q.Limit < 1 || q.Limit > 50 {
		return Errorf(EINVALID, "limit must be between 1 and 50")
	}
	span := q.To.Sub(q.From)
	if q.Interval == "" {
		switch {
		case span <= 1000*time.Hour:
			q.Interval = IntervalHour
		case span <= 1000*24*time.Hour:
			q.Interval = IntervalDay
		default:
			q.Interval = IntervalMonth
		}
	}
	var width time.Duration
	switch q.Interval {
	case IntervalHour:
		width = time.Hour
	case IntervalDay:
		width = 24 * time.Hour
	case IntervalMonth:
		width = 28 * 24 * time.Hour
	default:
		return Errorf(EINVALID, "unknown interval %q", q.Interval)
	}
	if span/width > MaxTimeseriesPoints {
		return Errorf(EINVALID, "%s buckets over this range would exceed %d points; use a wider interval", q.Interval, MaxTimeseriesPoints)
	}
	return nil
}

// TimeseriesPoint is one bucket of one series.
type TimeseriesPoint struct {
	Time  time.Time
	Value float64
	// Group is the GroupBy value; empty without GroupBy.
	Group string
}

// MetricsSummary totals Gold over a period.
type MetricsSummary struct {
	From, To                                    time.Time
	Events, Threats, CriticalAlerts, Duplicates int64
	BySeverity, ByClass, BySource               []FacetValue
	TopTalkers, TopUsers, TopCountries          []FacetValue
}

// UserRiskProfile is a user's risk as Silver saw it.
type UserRiskProfile struct {
	User                                          string
	RiskScore                                     float64
	Events, Failures, ThreatMatches, HighSeverity int64
	Privileged                                    bool
	FirstSeen, LastSeen                           time.Time
}

// UserRiskPage is one page of risk profiles, riskiest first.
type UserRiskPage struct {
	Profiles    []*UserRiskProfile
	Cursors     []string
	HasNextPage bool
}

// RetentionPolicy is how many days each layer keeps a tenant's data.
type RetentionPolicy struct {
	BronzeDays, SilverDays, GoldDays int
	// Custom is false while the defaults apply.
	Custom bool
}

// DefaultRetention applies to tenants without a policy of their own.
var DefaultRetention = RetentionPolicy{BronzeDays: 30, SilverDays: 180, GoldDays: 730}

// Validate checks the bounds.
func (p *RetentionPolicy) Validate() error {
	if p.BronzeDays < 1 || p.BronzeDays > 3650 || p.SilverDays < 1 || p.SilverDays > 3650 {
		return Errorf(EINVALID, "Bronze and Silver keep data 1 to 3650 days")
	}
	if p.GoldDays < 1 || p.GoldDays > 36500 {
		return Errorf(EINVALID, "Gold keeps data 1 to 36500 days")
	}
	return nil
}

// RetentionLayerPreview says what retention would delete in one layer.
type RetentionLayerPreview struct {
	Layer      string
	Cutoff     time.Time
	Rows       int64
	Partitions []string
}

// ReprocessResult counts what a reprocess request did.
type ReprocessResult struct {
	Queued, Removed int64
}

// GoldService reads Gold and manages retention and reprocessing for the
// caller's tenant. Every method returns EUNAUTHORIZED without a session.
type GoldService interface {
	// Timeseries returns one or more series. EINVALID for a bad query.
	Timeseries(ctx context.Context, q TimeseriesQuery) ([]TimeseriesPoint, error)
	// Summary totals Gold over [from, to). EINVALID when from is not before to.
	Summary(ctx context.Context, from, to time.Time) (*MetricsSummary, error)
	// UserRiskProfiles pages through users, riskiest first. EINVALID for a bad cursor.
	UserRiskProfiles(ctx context.Context, first int, after *string) (*UserRiskPage, error)

	// RetentionPolicy returns the tenant's policy (the defaults when unset).
	RetentionPolicy(ctx context.Context) (*RetentionPolicy, error)
	// SetRetentionPolicy stores the policy. EINVALID for out-of-range days.
	SetRetentionPolicy(ctx context.Context, p RetentionPolicy, audit *AuditEntry) (*RetentionPolicy, error)
	// PreviewRetention says what the policy would delete now.
	PreviewRetention(ctx context.Context, p RetentionPolicy) ([]RetentionLayerPreview, error)

	// Reprocess removes the Silver events (and their Gold counts) of the
	// Bronze records received in [from, to) and queues the records for
	// refinement again. EINVALID for a bad range.
	Reprocess(ctx context.Context, from, to time.Time, audit *AuditEntry) (*ReprocessResult, error)
}
