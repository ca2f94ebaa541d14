package scalefield

import (
	"context"
	"time"
)

// IngestSource is one entry of a tenant's source registry: an ingest
// channel kind and a configured source name (an HEC token's name, a syslog
// listener's source), with what it has sent.
type IngestSource struct {
	Kind        string
	Name        string
	FirstSeen   time.Time
	LastSeen    time.Time
	EventsTotal int64
	BytesTotal  int64
	// Quarantined counts the source's records the refine stage could not
	// read (and that were not reprocessed since).
	Quarantined int64
	// Pending counts the source's records waiting for refinement, and Lag
	// is how long the oldest of them has waited (0 when none waits).
	Pending int64
	Lag     time.Duration
}

// IngestSourceStats is what one source sent in a time range.
type IngestSourceStats struct {
	Kind   string
	Name   string
	Events int64
	Bytes  int64
}

// IngestStatsPoint is what every source sent in one step of a time range.
type IngestStatsPoint struct {
	Time   time.Time
	Events int64
	Bytes  int64
}

// IngestStats sums a tenant's committed events and bytes in [From, To),
// per source and per Step.
type IngestStats struct {
	From, To time.Time
	// Step is the width of each point of Series.
	Step    time.Duration
	Events  int64
	Bytes   int64
	Sources []IngestSourceStats
	// Series holds the steps with data, oldest first.
	Series []IngestStatsPoint
}

// QuarantinedRecord is a record a stage could not process, with the raw
// record from Bronze.
type QuarantinedRecord struct {
	ID            int64
	BronzeID      int64
	Stage         string
	Reason        string
	QuarantinedAt time.Time
	Bronze        BronzeRecord
}

// QuarantinePage is one page of quarantined records, newest first.
type QuarantinePage struct {
	Records     []*QuarantinedRecord
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// PipelineHealth is the state of a tenant's records in the pipeline.
type PipelineHealth struct {
	// Quarantined counts records quarantined in the asked range.
	Quarantined int
	// Backlog counts records waiting for the refine stage now; OldestWait
	// is how long the oldest of them has waited.
	Backlog    int
	OldestWait time.Duration
}

// IngestService tells operators where a tenant's events come from and what
// the pipeline could not process. Every method works on the caller's
// tenant: EUNAUTHORIZED without a session.
type IngestService interface {
	// ListIngestSources returns the sources, most recently seen first.
	ListIngestSources(ctx context.Context) ([]*IngestSource, error)
	// IngestStats sums what arrived in [from, to). EINVALID for a bad range.
	IngestStats(ctx context.Context, from, to time.Time) (*IngestStats, error)
	// TenantPipelineHealth reports the refine backlog and what was
	// quarantined in [from, to).
	TenantPipelineHealth(ctx context.Context, from, to time.Time) (*PipelineHealth, error)
	// ListQuarantine pages through quarantined records. EINVALID.
	ListQuarantine(ctx context.Context, first int, after *string) (*QuarantinePage, error)
	// ReprocessQuarantine queues quarantined records (all when ids is nil)
	// for another try and returns how many. EINVALID for a malformed id.
	ReprocessQuarantine(ctx context.Context, ids []string, audit *AuditEntry) (int, error)
}
