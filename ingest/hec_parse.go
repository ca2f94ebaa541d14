package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// hecEnvelope is the part of an HEC event the receiver checks.
type hecEnvelope struct {
	Time       json.RawMessage
	Host       *string
	Source     *string
	Sourcetype *string
	Index      json.RawMessage
	Event      json.RawMessage
	Fields     json.RawMessage
}

// decodeEnvelope reads the envelope's keys as Splunk does: exactly, so
// "Event" is not "event" (encoding/json's struct decoding would match
// keys case-insensitively). A key given twice counts with its last value.
// Metadata strings must be JSON strings or null.
func decodeEnvelope(keys map[string]json.RawMessage, env *hecEnvelope) error {
	env.Time, env.Index, env.Event, env.Fields = keys["time"], keys["index"], keys["event"], keys["fields"]
	for _, m := range []struct {
		key string
		dst **string
	}{{"host", &env.Host}, {"source", &env.Source}, {"sourcetype", &env.Sourcetype}} {
		if v, ok := keys[m.key]; ok {
			if err := json.Unmarshal(v, m.dst); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseEvents splits the body into event envelopes and checks each; each
// record's payload is its envelope, a slice of body. On the first bad event
// it returns the event's 0-based number and the HEC code.
func (h *HEC) parseEvents(body []byte, token *store.IngestToken, channel string, now time.Time) ([]scalefield.BronzeRecord, int, int) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var records []scalefield.BronzeRecord
	for n := 0; ; n++ {
		start := dec.InputOffset()
		var keys map[string]json.RawMessage
		err := dec.Decode(&keys)
		if err == io.EOF {
			return records, 0, hecSuccess
		}
		if n >= h.Config.MaxEvents {
			return records, n, hecInvalidFormat
		}
		raw := bytes.TrimSpace(body[start:dec.InputOffset()])
		var env hecEnvelope
		if err != nil || len(raw) == 0 || raw[0] != '{' || decodeEnvelope(keys, &env) != nil {
			return records, n, hecInvalidFormat
		}
		if code := checkEnvelope(&env); code != hecSuccess {
			return records, n, code
		}
		rec := scalefield.BronzeRecord{
			TenantID: token.TenantID, ReceivedAt: now, Kind: store.IngestKindHEC,
			Source: token.Source, Sourcetype: token.Sourcetype, Channel: channel, Payload: raw,
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
	if i := bytes.TrimSpace(env.Index); len(i) > 0 && string(i) != "null" && i[0] != '"' {
		return hecIncorrectIndex
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

// rawMeta is what the raw endpoint takes from the query string.
type rawMeta struct{ Host, Source, Sourcetype string }

// parseRaw splits a raw body into one record per line (LF or CRLF);
// blank lines are skipped. Payloads are slices of body.
func parseRaw(body []byte, token *store.IngestToken, channel string, meta rawMeta, now time.Time) []scalefield.BronzeRecord {
	rec := scalefield.BronzeRecord{
		TenantID: token.TenantID, ReceivedAt: now, Kind: store.IngestKindHECRaw,
		Source: token.Source, Sourcetype: token.Sourcetype, Host: meta.Host, Channel: channel,
	}
	if meta.Source != "" {
		rec.Source = meta.Source
	}
	if meta.Sourcetype != "" {
		rec.Sourcetype = meta.Sourcetype
	}
	records := make([]scalefield.BronzeRecord, 0, bytes.Count(body, []byte{'\n'})+1)
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec.Payload = line
		records = append(records, rec)
	}
	return records
}

// dedupKey is the idempotency key of a request: from the client's request
// id when it sent one, else (when byContent and the request names a
// channel) from its content. Nil means the request is not deduplicated.
// The key covers the endpoint, token and channel, so equal ids or bodies
// elsewhere do not collide.
func dedupKey(kind, tokenID, channel, requestID, query string, body []byte, byContent bool) []byte {
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	switch {
	case requestID != "":
		write("request-id", kind, tokenID, channel, requestID)
	case byContent && channel != "":
		write("content", kind, tokenID, channel, query)
		h.Write(body)
	default:
		return nil
	}
	return h.Sum(nil)
}
