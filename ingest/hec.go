// Package ingest holds the receivers that accept security events from
// outside and write them to Bronze: Splunk's HTTP Event Collector (HEC) and
// syslog over UDP, TCP and TLS. Receivers validate only what they must to
// acknowledge honestly; normalization happens later in the pipeline.
//
// Every receiver hands its records to a Committer, which commits many
// requests per transaction (group commit) and pushes back when its bounded
// queue is full.
package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// HECConfig configures the HEC receiver.
type HECConfig struct {
	// MaxBodyBytes bounds a request body after decompression (413 above).
	MaxBodyBytes int64
	// MaxEvents bounds the events of one /event request, and the ack ids of
	// one /ack request.
	MaxEvents int
	// WriteTimeout bounds how long a request waits for its commit; then it
	// is answered 503 code 9 (the commit may still happen: a retry with the
	// same request id is recognised).
	WriteTimeout time.Duration
	// AllowQueryToken accepts the token as ?token=; when off such requests
	// get 400 code 16.
	AllowQueryToken bool
	// Acks enables indexer acknowledgement: a request naming a channel gets
	// an ackId, and /services/collector/ack answers for it. When off,
	// channels are ignored and /ack answers 400 code 14.
	Acks bool
	// DedupWindow is how long a committed request is remembered for
	// idempotent retries; 0 turns deduplication off. At most the
	// committer's RequestRetention.
	DedupWindow time.Duration
	// DedupByContent also deduplicates requests that name a channel but no
	// request id, by the hash of their content: an identical body resent
	// on the same channel within the window is not stored again.
	DedupByContent bool
	// RetryAfter is the Retry-After of 503 replies.
	RetryAfter time.Duration
}

// DefaultHECConfig returns the defaults.
func DefaultHECConfig() HECConfig {
	return HECConfig{
		MaxBodyBytes: 8 << 20, MaxEvents: 10000, WriteTimeout: 10 * time.Second,
		Acks: true, DedupWindow: 10 * time.Minute, DedupByContent: true, RetryAfter: 5 * time.Second,
	}
}

// Validate fails on any value that cannot work.
func (c HECConfig) Validate() error {
	var errs []error
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("hec max body bytes %d: must be at least 1024", c.MaxBodyBytes))
	}
	if c.MaxEvents < 1 {
		errs = append(errs, fmt.Errorf("hec max events %d: must be at least 1", c.MaxEvents))
	}
	if c.WriteTimeout <= 0 {
		errs = append(errs, fmt.Errorf("hec write timeout %s: must be positive", c.WriteTimeout))
	}
	if c.DedupWindow < 0 {
		errs = append(errs, fmt.Errorf("hec dedup window %s: must not be negative", c.DedupWindow))
	}
	if c.RetryAfter < 0 {
		errs = append(errs, fmt.Errorf("hec retry-after %s: must not be negative", c.RetryAfter))
	}
	return errors.Join(errs...)
}

// TokenStore finds HEC tokens; *store.HECTokenService implements it.
type TokenStore interface {
	// AuthenticateIngestToken returns the token with the secret.
	// ENOTFOUND if none; EFORBIDDEN if it is revoked.
	AuthenticateIngestToken(ctx context.Context, secret string) (*store.IngestToken, error)
}

// Store commits requests and answers ack queries; *store.EventService
// implements it.
type Store interface {
	CommitStore
	// IngestAcks reports which ack ids of a tenant's channel are committed.
	IngestAcks(ctx context.Context, tenantID, channel string, ackIDs []int64) (map[int64]bool, error)
}

// HEC is a Splunk HTTP Event Collector receiver. A 200 reply (or an ack
// reported true) means every event of the request is committed to Bronze.
type HEC struct {
	Config HECConfig
	Tokens TokenStore
	Bronze Store
	// Committer, when set, commits requests in groups; without one each
	// request commits on its own (slower, same guarantees).
	Committer *Committer
	Log       *slog.Logger
	Now       scalefield.Clock
}

// Route is one HEC endpoint: a ServeMux pattern, a short name for metrics
// and logs, and its handler.
type Route struct {
	Pattern string
	Name    string
	Handler http.Handler
}

// Routes returns every HEC endpoint.
func (h *HEC) Routes() []Route {
	events, raw := http.HandlerFunc(h.ServeEvents), http.HandlerFunc(h.ServeRaw)
	ack, health := http.HandlerFunc(h.ServeAck), http.HandlerFunc(h.Health)
	return []Route{
		{"POST /services/collector", "hec_event", events},
		{"POST /services/collector/event", "hec_event", events},
		{"POST /services/collector/event/1.0", "hec_event", events},
		{"POST /services/collector/raw", "hec_raw", raw},
		{"POST /services/collector/raw/1.0", "hec_raw", raw},
		{"POST /services/collector/ack", "hec_ack", ack},
		{"POST /services/collector/ack/1.0", "hec_ack", ack},
		{"GET /services/collector/health", "hec_health", health},
		{"GET /services/collector/health/1.0", "hec_health", health},
	}
}

// Register adds every HEC endpoint to mux, each wrapped by wrap when it is
// not nil (say, with request metrics).
func (h *HEC) Register(mux *http.ServeMux, wrap func(name string, next http.Handler) http.Handler) {
	for _, r := range h.Routes() {
		handler := r.Handler
		if wrap != nil {
			handler = wrap(r.Name, handler)
		}
		mux.Handle(r.Pattern, handler)
	}
}

// Health answers /services/collector/health: 200 code 17, or 503 code 18
// while the commit queue is full.
func (h *HEC) Health(w http.ResponseWriter, r *http.Request) {
	if h.Committer != nil && h.Committer.Full() {
		h.writeHEC(w, "hec-health", hecQueuesFull, nil, nil)
		return
	}
	h.writeHEC(w, "hec-health", hecHealthy, nil, nil)
}

// ServeEvents answers POST /services/collector/event: one or more
// concatenated JSON event envelopes. Either every event of the request is
// committed to Bronze before the 200 reply, or none is.
func (h *HEC) ServeEvents(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, store.IngestKindHEC)
}

// ServeRaw answers POST /services/collector/raw: raw text, one Bronze record
// per non-blank line, with host, source and sourcetype from the query
// string (the token's defaults otherwise).
func (h *HEC) ServeRaw(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, store.IngestKindHECRaw)
}

func (h *HEC) serve(w http.ResponseWriter, r *http.Request, kind string) {
	channel, validChannel := requestChannel(r)
	token := h.authenticate(w, r, kind)
	if token == nil {
		return
	}
	switch {
	case !validChannel:
		h.writeHEC(w, kind, hecInvalidChannel, nil, nil)
		return
	case channel == "" && token.AckEnabled && h.Config.Acks:
		h.writeHEC(w, kind, hecChannelMissing, nil, nil)
		return
	}
	body, err := h.readBody(r)
	if err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			h.writeTooLarge(w, kind)
			return
		}
		h.writeHEC(w, kind, hecInvalidFormat, nil, nil)
		return
	}
	ingestBytes.WithLabelValues(kind, token.Name).Add(float64(len(body)))
	if len(bytes.TrimSpace(body)) == 0 {
		h.writeHEC(w, kind, hecNoData, nil, nil)
		return
	}

	now := time.Now().UTC()
	if h.Now != nil {
		now = h.Now().UTC()
	}
	var records []scalefield.BronzeRecord
	query := ""
	if kind == store.IngestKindHECRaw {
		q := r.URL.Query()
		records = parseRaw(body, token, channel, rawMeta{Host: q.Get("host"), Source: q.Get("source"), Sourcetype: q.Get("sourcetype")}, now)
		query = q.Get("host") + "\x00" + q.Get("source") + "\x00" + q.Get("sourcetype")
		if len(records) == 0 {
			h.writeHEC(w, kind, hecNoData, nil, nil)
			return
		}
	} else {
		var bad, code int
		if records, bad, code = h.parseEvents(body, token, channel, now); code != hecSuccess {
			ingestEvents.WithLabelValues(kind, token.Name, outcomeRejected).Add(float64(len(records) + 1))
			h.writeHEC(w, kind, code, &bad, nil)
			return
		}
	}
	ingestEvents.WithLabelValues(kind, token.Name, outcomeReceived).Add(float64(len(records)))

	req := &store.IngestRequest{
		TenantID: token.TenantID, Kind: kind, Source: token.Name, Records: records, Bytes: int64(len(body)), AckID: -1,
	}
	if h.Config.Acks {
		req.AckChannel = channel
	}
	if h.Config.DedupWindow > 0 {
		req.DedupKey = dedupKey(kind, token.ID, channel, r.Header.Get(HeaderRequestID), query, body, h.Config.DedupByContent)
		req.DedupAfter = now.Add(-h.Config.DedupWindow)
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.Config.WriteTimeout)
	defer cancel()
	if err := h.commit(ctx, req); err != nil {
		switch {
		case errors.Is(err, ErrBusy) || errors.Is(err, ErrStopped) || errors.Is(err, context.DeadlineExceeded) ||
			scalefield.ErrorCode(err) == scalefield.EUNAVAILABLE:
			h.log().Warn("hec: busy", "kind", kind, "tenant_id", token.TenantID, "events", len(records), "error", err)
			h.writeHEC(w, kind, hecServerBusy, nil, nil)
		case errors.Is(err, context.Canceled):
			// The client went away; nobody reads the reply.
		default:
			h.logError(r, "hec: bronze write failed", err, "tenant_id", token.TenantID, "events", len(records))
			h.writeHEC(w, kind, hecInternalError, nil, nil)
		}
		return
	}
	var ackID *int64
	if req.AckChannel != "" && req.AckID >= 0 {
		ackID = &req.AckID
	}
	h.writeHEC(w, kind, hecSuccess, nil, ackID)
}

// commit stores req through the Committer, or on its own without one.
func (h *HEC) commit(ctx context.Context, req *store.IngestRequest) error {
	if h.Committer != nil {
		if err := h.Committer.Commit(ctx, req); err != nil {
			if errors.Is(err, ErrBusy) || errors.Is(err, ErrStopped) {
				ingestEvents.WithLabelValues(req.Kind, req.Source, outcomeRejected).Add(float64(len(req.Records)))
			}
			return err
		}
		return nil
	}
	err := h.Bronze.CommitIngest(ctx, []*store.IngestRequest{req})
	switch {
	case err != nil:
		ingestEvents.WithLabelValues(req.Kind, req.Source, outcomeRejected).Add(float64(len(req.Records)))
	case req.Duplicate:
		ingestEvents.WithLabelValues(req.Kind, req.Source, outcomeDuplicate).Add(float64(len(req.Records)))
	default:
		ingestEvents.WithLabelValues(req.Kind, req.Source, outcomeAccepted).Add(float64(len(req.Records)))
	}
	return err
}

// ServeAck answers POST /services/collector/ack: {"acks":[0,1,…]} for the
// request's channel, replying {"acks":{"0":true,"1":false,…}}: true only for
// a committed request of that channel and tenant. 400 code 14 when acks are
// off, 10 without a channel, 11 for a bad channel, 6 for a bad body.
func (h *HEC) ServeAck(w http.ResponseWriter, r *http.Request) {
	const label = "hec-ack"
	channel, validChannel := requestChannel(r)
	token := h.authenticate(w, r, label)
	if token == nil {
		return
	}
	switch {
	case !h.Config.Acks:
		h.writeHEC(w, label, hecAckDisabled, nil, nil)
		return
	case !validChannel:
		h.writeHEC(w, label, hecInvalidChannel, nil, nil)
		return
	case channel == "":
		h.writeHEC(w, label, hecChannelMissing, nil, nil)
		return
	}
	body, err := h.readBody(r)
	if err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			h.writeTooLarge(w, label)
			return
		}
		h.writeHEC(w, label, hecInvalidFormat, nil, nil)
		return
	}
	var query struct {
		Acks []int64 `json:"acks"`
	}
	if err := json.Unmarshal(body, &query); err != nil || query.Acks == nil || len(query.Acks) > h.Config.MaxEvents {
		h.writeHEC(w, label, hecInvalidFormat, nil, nil)
		return
	}
	acks, err := h.Bronze.IngestAcks(r.Context(), token.TenantID, channel, query.Acks)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			h.logError(r, "hec: ack query failed", err, "tenant_id", token.TenantID)
		}
		h.writeHEC(w, label, hecInternalError, nil, nil)
		return
	}
	reply := struct {
		Acks map[string]bool `json:"acks"`
	}{Acks: make(map[string]bool, len(acks))}
	for id, ok := range acks {
		reply.Acks[strconv.FormatInt(id, 10)] = ok
	}
	ingestRequests.WithLabelValues(label, "0").Inc()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(reply)
}

// readBody reads the body, gunzipping it when Content-Encoding is gzip,
// up to MaxBodyBytes (an *http.MaxBytesError above).
func (h *HEC) readBody(r *http.Request) ([]byte, error) {
	var body io.Reader = r.Body
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		body = zr
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 512), h.Config.MaxBodyBytes)+1))
	_, err := buf.ReadFrom(http.MaxBytesReader(nil, io.NopCloser(body), h.Config.MaxBodyBytes))
	return buf.Bytes(), err
}

func (h *HEC) logError(r *http.Request, msg string, err error, attrs ...any) {
	if errors.Is(err, context.Canceled) {
		return
	}
	h.log().ErrorContext(r.Context(), msg, append(attrs, "error", err)...)
}

func (h *HEC) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}
