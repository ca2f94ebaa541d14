// Package ingest holds the receivers that accept security events from
// outside and write them to Bronze. Receivers validate only what they must
// to acknowledge honestly; normalization happens later in the pipeline.
package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	scalefield "github.com/scalefield/scalefield"
)

// HEC status codes and texts, as Splunk's HTTP Event Collector replies.
const (
	hecSuccess           = 0
	hecTokenRequired     = 2
	hecInvalidAuth       = 3
	hecInvalidToken      = 4
	hecNoData            = 5
	hecInvalidFormat     = 6
	hecInternalError     = 8
	hecServerBusy        = 9
	hecEventRequired     = 12
	hecEventBlank        = 13
	hecIndexedFieldError = 15
	hecHealthy           = 17
)

var hecTexts = map[int]string{
	hecSuccess:           "Success",
	hecTokenRequired:     "Token is required",
	hecInvalidAuth:       "Invalid authorization",
	hecInvalidToken:      "Invalid token",
	hecNoData:            "No data",
	hecInvalidFormat:     "Invalid data format",
	hecInternalError:     "Internal server error",
	hecServerBusy:        "Server is busy",
	hecEventRequired:     "Event field is required",
	hecEventBlank:        "Event field cannot be blank",
	hecIndexedFieldError: "Error in handling indexed fields",
	hecHealthy:           "HEC is healthy",
}

var (
	ingestEvents = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_events_total",
		Help: "Events received by ingest channel and outcome (accepted, rejected).",
	}, []string{"channel", "outcome"})
	ingestBytes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_bytes_total",
		Help: "Request body bytes received by ingest channel.",
	}, []string{"channel"})
	ingestRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "scalefield_ingest_requests_total",
		Help: "Ingest requests by channel and HEC reply code.",
	}, []string{"channel", "code"})
)

// HECConfig configures the HEC receiver.
type HECConfig struct {
	// MaxBodyBytes bounds a request body after decompression.
	MaxBodyBytes int64
	// MaxEvents bounds the events of one request.
	MaxEvents int
	// WriteTimeout bounds the Bronze commit of one request.
	WriteTimeout time.Duration
}

// DefaultHECConfig returns the defaults.
func DefaultHECConfig() HECConfig {
	return HECConfig{MaxBodyBytes: 8 << 20, MaxEvents: 10000, WriteTimeout: 10 * time.Second}
}

// HEC is a Splunk HTTP Event Collector receiver.
type HEC struct {
	Config HECConfig
	Tokens scalefield.HECTokenService
	Bronze scalefield.BronzeWriter
	Log    *slog.Logger
	Now    scalefield.Clock
}

// hecEnvelope is the part of an HEC event the receiver checks.
type hecEnvelope struct {
	Time       json.RawMessage `json:"time"`
	Host       *string         `json:"host"`
	Source     *string         `json:"source"`
	Sourcetype *string         `json:"sourcetype"`
	Index      *string         `json:"index"`
	Event      json.RawMessage `json:"event"`
	Fields     json.RawMessage `json:"fields"`
}

type hecReply struct {
	Text               string `json:"text"`
	Code               int    `json:"code"`
	InvalidEventNumber *int   `json:"invalid-event-number,omitempty"`
}

func writeHEC(w http.ResponseWriter, status, code int, invalidEvent *int) {
	ingestRequests.WithLabelValues("hec", http.StatusText(status)).Inc()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if code == hecServerBusy {
		w.Header().Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(hecReply{Text: hecTexts[code], Code: code, InvalidEventNumber: invalidEvent})
}

// Health answers /services/collector/health.
func (h *HEC) Health(w http.ResponseWriter, r *http.Request) {
	writeHEC(w, http.StatusOK, hecHealthy, nil)
}

// ServeEvents answers POST /services/collector/event: one or more
// concatenated JSON event envelopes. Either every event of the request is
// committed to Bronze before the 200 reply, or none is.
func (h *HEC) ServeEvents(w http.ResponseWriter, r *http.Request) {
	token, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	body, err := h.readBody(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "Content too large", http.StatusRequestEntityTooLarge)
			return
		}
		writeHEC(w, http.StatusBadRequest, hecInvalidFormat, nil)
		return
	}
	ingestBytes.WithLabelValues("hec").Add(float64(len(body)))
	if len(bytes.TrimSpace(body)) == 0 {
		writeHEC(w, http.StatusBadRequest, hecNoData, nil)
		return
	}

	records, bad, code := h.parseEvents(body, token)
	if code != hecSuccess {
		ingestEvents.WithLabelValues("hec", "rejected").Add(float64(max(len(records), 1)))
		writeHEC(w, http.StatusBadRequest, code, &bad)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.Config.WriteTimeout)
	defer cancel()
	if _, err := h.Bronze.AppendBronze(ctx, records); err != nil {
		if errors.Is(err, context.DeadlineExceeded) || scalefield.ErrorCode(err) == scalefield.EUNAVAILABLE {
			h.Log.Warn("hec: bronze write timed out", "tenant_id", token.TenantID, "events", len(records), "error", err)
			writeHEC(w, http.StatusServiceUnavailable, hecServerBusy, nil)
			return
		}
		h.Log.Error("hec: bronze write failed", "tenant_id", token.TenantID, "events", len(records), "error", err)
		writeHEC(w, http.StatusInternalServerError, hecInternalError, nil)
		return
	}
	ingestEvents.WithLabelValues("hec", "accepted").Add(float64(len(records)))
	writeHEC(w, http.StatusOK, hecSuccess, nil)
}

// authenticate checks "Authorization: Splunk <token>" and replies itself
// when it fails.
func (h *HEC) authenticate(w http.ResponseWriter, r *http.Request) (*scalefield.HECToken, bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		writeHEC(w, http.StatusUnauthorized, hecTokenRequired, nil)
		return nil, false
	}
	scheme, secret, found := strings.Cut(header, " ")
	secret = strings.TrimSpace(secret)
	if !found || !strings.EqualFold(scheme, "Splunk") || secret == "" {
		writeHEC(w, http.StatusUnauthorized, hecInvalidAuth, nil)
		return nil, false
	}
	token, err := h.Tokens.AuthenticateHECToken(r.Context(), secret)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		writeHEC(w, http.StatusForbidden, hecInvalidToken, nil)
		return nil, false
	} else if err != nil {
		h.Log.Error("hec: token lookup failed", "error", err)
		writeHEC(w, http.StatusInternalServerError, hecInternalError, nil)
		return nil, false
	}
	return token, true
}

func (h *HEC) readBody(r *http.Request) ([]byte, error) {
	var body io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		body = zr
	}
	return io.ReadAll(http.MaxBytesReader(nil, io.NopCloser(body), h.Config.MaxBodyBytes))
}

// parseEvents splits the body into event envelopes and checks each. On the
// first bad event it returns its 0-based number and the HEC code.
func (h *HEC) parseEvents(body []byte, token *scalefield.HECToken) ([]scalefield.BronzeRecord, int, int) {
	now := h.Now().UTC()
	dec := json.NewDecoder(bytes.NewReader(body))
	var records []scalefield.BronzeRecord
	for n := 0; ; n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return records, 0, hecSuccess
		} else if err != nil {
			return records, n, hecInvalidFormat
		}
		if n >= h.Config.MaxEvents {
			return records, n, hecInvalidFormat
		}
		var env hecEnvelope
		if raw[0] != '{' || json.Unmarshal(raw, &env) != nil {
			return records, n, hecInvalidFormat
		}
		if code := checkEnvelope(&env); code != hecSuccess {
			return records, n, code
		}
		rec := scalefield.BronzeRecord{
			TenantID: token.TenantID, ReceivedAt: now, Kind: "hec",
			Source: token.Source, Sourcetype: token.Sourcetype, Payload: raw,
		}
		if env.Source != nil {
			rec.Source = *env.Source
		}
		if env.Sourcetype != nil {
			rec.Sourcetype = *env.Sourcetype
		}
		if env.Host != nil {
			rec.Host = *env.Host
		}
		records = append(records, rec)
	}
}

// checkEnvelope applies Splunk's rules for an event envelope.
func checkEnvelope(env *hecEnvelope) int {
	ev := bytes.TrimSpace(env.Event)
	switch {
	case len(ev) == 0 || string(ev) == "null":
		return hecEventRequired
	case string(ev) == `""` || string(ev) == "{}":
		return hecEventBlank
	}
	if f := bytes.TrimSpace(env.Fields); len(f) > 0 && string(f) != "null" && f[0] != '{' {
		return hecIndexedFieldError
	}
	if t := bytes.TrimSpace(env.Time); len(t) > 0 && string(t) != "null" {
		if !isEpoch(t) {
			return hecInvalidFormat
		}
	}
	return hecSuccess
}

// isEpoch reports whether t is epoch seconds as a JSON number or a numeric
// string, the forms HEC accepts for "time".
func isEpoch(t []byte) bool {
	s := strings.Trim(string(t), `"`)
	if s == "" {
		return false
	}
	dot := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}
