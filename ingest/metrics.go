package ingest

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metric label values. The channel label is the ingest kind
// (store.IngestKindHEC, ...); the source label is a configured name (an HEC
// token's name, a syslog listener's source), never a client-supplied string.
const (
	outcomeReceived  = "received"
	outcomeAccepted  = "accepted"
	outcomeRejected  = "rejected"
	outcomeDuplicate = "duplicate"
	outcomeDropped   = "dropped"
)

var (
	ingestEvents = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_events_total",
		Help: "Events by ingest channel, configured source and outcome: received (read from a request or socket), " +
			"accepted (committed to Bronze), rejected (refused or failed to commit), duplicate (a retry of a committed request), " +
			"dropped (UDP datagrams lost to a full queue).",
	}, []string{"channel", "source", "outcome"})
	ingestBytes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_bytes_total",
		Help: "Bytes received by ingest channel and configured source (request bodies after decompression, syslog messages).",
	}, []string{"channel", "source"})
	ingestRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_requests_total",
		Help: "HEC requests by channel (hec, hec-raw, hec-ack, hec-health) and HEC reply code.",
	}, []string{"channel", "code"})
	ingestQueueEvents = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scalefield_ingest_queue_events",
		Help: "Events queued for commit or being committed, by ingest channel and configured source.",
	}, []string{"channel", "source"})
	ingestCommitEvents = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "scalefield_ingest_commit_batch_events",
		Help:    "Events per Bronze commit transaction (group commit across requests).",
		Buckets: prometheus.ExponentialBuckets(1, 4, 9),
	})
	ingestCommitRequests = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "scalefield_ingest_commit_batch_requests",
		Help:    "Receiver requests per Bronze commit transaction.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 12),
	})
	ingestCommitSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "scalefield_ingest_commit_seconds",
		Help:    "Duration of Bronze commit transactions, retries included.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	})
	ingestUDPDropped = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_udp_dropped_total",
		Help: "Syslog UDP datagrams dropped because the commit queue was full, by configured source.",
	}, []string{"source"})
	ingestConnections = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scalefield_ingest_connections",
		Help: "Open syslog TCP/TLS connections by channel and configured source.",
	}, []string{"channel", "source"})
	ingestConnectionsRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_connections_refused_total",
		Help: "Syslog TCP/TLS connections closed at once because the listener's connection cap was reached.",
	}, []string{"channel", "source"})
)
