package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	refinedTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "scalefield_pipeline_refined_total",
		Help: "Bronze records refined into Silver events.",
	})
	duplicatesTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "scalefield_pipeline_duplicates_total",
		Help: "Bronze records folded into an existing Silver event as duplicates.",
	})
	quarantinedTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_pipeline_quarantined_total",
		Help: "Records a pipeline stage quarantined, by stage.",
	}, []string{"stage"})
	sourceQuarantined = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_pipeline_source_quarantined_total",
		Help: "Records the refine stage quarantined, by the registry source (kind, source) they came in under.",
	}, []string{"kind", "source"})
	sourceRefined = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_pipeline_source_refined_total",
		Help: "Records the refine stage refined (or folded into a duplicate), by registry source.",
	}, []string{"kind", "source"})
	sourceLag = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "scalefield_pipeline_source_lag_seconds",
		Help:    "Time from receipt to refinement of the oldest record of each refine batch, by registry source.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 16),
	}, []string{"kind", "source"})
	queueDepth = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "scalefield_pipeline_refine_queue_depth",
		Help: "Bronze records waiting for the refine stage.",
	})
	lagSeconds = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "scalefield_pipeline_refine_lag_seconds",
		Help: "How long the oldest Bronze record waiting for refinement has waited.",
	})
	batchSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "scalefield_pipeline_refine_batch_seconds",
		Help:    "Duration of one refine batch.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	})
)
