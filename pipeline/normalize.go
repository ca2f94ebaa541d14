// Package pipeline holds the background stages that refine Bronze records
// into Silver events, and the parsers they use. Stages know nothing of HTTP
// or GraphQL.
package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
)

// MaxMessageLen bounds the Silver message of every normalizer; the full
// record stays in Bronze.
const MaxMessageLen = 8192

// Well-known field names, in order of preference, looked up first in the
// event object and then in the HEC "fields".
var (
	timeKeys     = []string{"time", "timestamp", "@timestamp", "_time", "event_time"}
	messageKeys  = []string{"message", "msg", "description", "signature", "name", "summary"}
	severityKeys = []string{"severity", "level", "priority", "severity_name"}
	userKeys     = []string{"user", "username", "user_name", "src_user", "actor"}
	srcIPKeys    = []string{"src_ip", "src", "source_ip", "client_ip", "srcip"}
	dstIPKeys    = []string{"dst_ip", "dest_ip", "dst", "destination_ip", "dstip"}
	actionKeys   = []string{"action", "event_type", "activity"}
)

// hecEnvelope is the Splunk HEC event envelope as stored in Bronze.
type hecEnvelope struct {
	Time   json.RawMessage            `json:"time"`
	Event  json.RawMessage            `json:"event"`
	Fields map[string]json.RawMessage `json:"fields"`
}

// NormalizeHEC turns a Bronze record holding one HEC event envelope into a
// Silver event. It returns an error saying what is wrong when the content
// cannot be normalized; the caller quarantines the record with it.
func NormalizeHEC(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error) {
	e, _, err := NormalizeHECFields(b)
	return e, err
}

// NormalizeHECFields is NormalizeHEC that also returns the fields it read
// the event from, by lowercase key: the event object's own keys over the
// envelope's indexed fields, each value as sent. A mapper reads more of
// them there without decoding the payload again.
func NormalizeHECFields(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, map[string]json.RawMessage, error) {
	// The envelope is read as a Decoder reads it: its first JSON value,
	// whatever follows. Unmarshal does that without the Decoder's buffer
	// for a payload that is one value and nothing else (nearly all); the
	// rest go through the Decoder, which also words the error.
	var env hecEnvelope
	if json.Unmarshal(b.Payload, &env) != nil {
		env = hecEnvelope{}
		dec := json.NewDecoder(bytes.NewReader(b.Payload))
		dec.UseNumber()
		if err := dec.Decode(&env); err != nil {
			return nil, nil, fmt.Errorf("payload is not an HEC event object: %v", err)
		}
	}
	e := &scalefield.SecurityEvent{
		Host: b.Host, Source: b.Source, Sourcetype: b.Sourcetype,
		Time: b.ReceivedAt, Severity: scalefield.SeverityUnknown,
	}

	fields := map[string]json.RawMessage{}
	for k, v := range env.Fields {
		fields[strings.ToLower(k)] = v
	}
	trimmed := bytes.TrimSpace(env.Event)
	switch {
	case len(trimmed) == 0 || string(trimmed) == "null":
		return nil, nil, errors.New("event is missing")
	case trimmed[0] == '"':
		var s string
		if err := json.Unmarshal(trimmed, &s); err != nil {
			return nil, nil, fmt.Errorf("event: %v", err)
		}
		e.Message = s
	case trimmed[0] == '{':
		// One JSON value (reading the envelope delimited it), read into
		// raw values: Unmarshal reads it as a Decoder would, without the
		// Decoder's buffer.
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			return nil, nil, fmt.Errorf("event: %v", err)
		}
		for k, v := range obj {
			fields[strings.ToLower(k)] = v // the event's own fields win over indexed fields
		}
		e.Message = lookupString(fields, messageKeys)
		if e.Message == "" {
			e.Message = string(trimmed)
		}
	default:
		e.Message = string(trimmed) // a number or array: keep it as text
	}
	e.Message = CleanText(e.Message)
	if strings.TrimSpace(e.Message) == "" {
		return nil, nil, errors.New("event is blank")
	}
	if len(e.Message) > MaxMessageLen {
		e.Message = TruncateUTF8(e.Message, MaxMessageLen)
	}

	var err error
	if len(env.Time) > 0 && string(env.Time) != "null" {
		if e.Time, err = parseTime(env.Time); err != nil {
			return nil, nil, fmt.Errorf("envelope time: %w", err)
		}
	} else if key, raw := lookup(fields, timeKeys); raw != nil {
		if e.Time, err = parseTime(raw); err != nil {
			return nil, nil, fmt.Errorf("field %q: %w", key, err)
		}
	}
	if key, raw := lookup(fields, severityKeys); raw != nil {
		if e.Severity, err = parseSeverity(raw); err != nil {
			return nil, nil, fmt.Errorf("field %q: %w", key, err)
		}
	}
	e.User = CleanText(lookupString(fields, userKeys))
	e.Action = CleanText(lookupString(fields, actionKeys))

	if e.SrcIP, err = lookupIP(fields, srcIPKeys); err != nil {
		return nil, nil, err
	}
	if e.DstIP, err = lookupIP(fields, dstIPKeys); err != nil {
		return nil, nil, err
	}
	return e, fields, nil
}

func lookup(fields map[string]json.RawMessage, keys []string) (string, json.RawMessage) {
	for _, k := range keys {
		if v, ok := fields[k]; ok && string(v) != "null" {
			return k, v
		}
	}
	return "", nil
}

// lookupString returns the first of keys holding a string or number.
func lookupString(fields map[string]json.RawMessage, keys []string) string {
	for _, k := range keys {
		if s, ok := ScalarString(fields[k]); ok && s != "" {
			return s
		}
	}
	return ""
}

// ScalarString returns the text of a JSON string (trimmed of spaces) or a
// JSON number as written; ok is false for anything else.
func ScalarString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	if raw[0] == '"' {
		if s, ok := plainJSONString(raw); ok {
			return strings.TrimSpace(s), true
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		return string(raw), true
	}
	return "", false
}

// plainJSONString returns the text of a quoted JSON string that needs no
// decoding: no escapes, no control characters, valid UTF-8 (encoding/json
// would replace invalid bytes). Most field values are such, and reading
// them directly skips a validation pass and a decode per value.
func plainJSONString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

func lookupIP(fields map[string]json.RawMessage, keys []string) (string, error) {
	for _, k := range keys {
		s, ok := ScalarString(fields[k])
		if !ok || s == "" {
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", fmt.Errorf("field %q: %q is not an IP address", k, s)
		}
		// An IPv6 zone (fe80::1%eth0) names an interface of the sender,
		// meaningless here, and PostgreSQL's inet cannot hold it.
		return a.Unmap().WithZone("").String(), nil
	}
	return "", nil
}

// Times outside [MinEventTime, MaxEventTime) are taken to be mistakes, not
// events, by every normalizer. Read-only.
var (
	MinEventTime = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxEventTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseTime accepts epoch seconds (number or numeric string, with
// fraction, as HEC sends), epoch milliseconds, and RFC 3339 text.
func parseTime(raw json.RawMessage) (time.Time, error) {
	s, ok := ScalarString(raw)
	if !ok || s == "" {
		return time.Time{}, fmt.Errorf("%s is not a time", raw)
	}
	var t time.Time
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return time.Time{}, fmt.Errorf("%q is not a time", s)
		}
		if f > 1e11 { // milliseconds
			f /= 1000
		}
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	} else if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
		return time.Time{}, fmt.Errorf("%q is neither epoch seconds nor RFC 3339", s)
	}
	if t.Before(MinEventTime) || !t.Before(MaxEventTime) {
		return time.Time{}, fmt.Errorf("%s is out of range", t.UTC().Format(time.RFC3339))
	}
	return t.UTC(), nil
}

var severityWords = map[string]scalefield.Severity{
	"unknown": scalefield.SeverityUnknown, "none": scalefield.SeverityInfo,
	"debug": scalefield.SeverityInfo, "info": scalefield.SeverityInfo, "informational": scalefield.SeverityInfo,
	"information": scalefield.SeverityInfo, "notice": scalefield.SeverityLow, "low": scalefield.SeverityLow,
	"warn": scalefield.SeverityMedium, "warning": scalefield.SeverityMedium, "medium": scalefield.SeverityMedium,
	"moderate": scalefield.SeverityMedium, "err": scalefield.SeverityHigh, "error": scalefield.SeverityHigh,
	"high": scalefield.SeverityHigh, "crit": scalefield.SeverityCritical, "critical": scalefield.SeverityCritical,
	"alert": scalefield.SeverityCritical, "emerg": scalefield.SeverityCritical, "emergency": scalefield.SeverityCritical,
	"fatal": scalefield.SeverityCritical, "very-high": scalefield.SeverityCritical,
}

// parseSeverity accepts the usual words (syslog, CEF, vendor) and a number
// on CEF's 0-10 scale.
func parseSeverity(raw json.RawMessage) (scalefield.Severity, error) {
	s, ok := ScalarString(raw)
	if !ok {
		return "", fmt.Errorf("%s is not a severity", raw)
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		switch {
		case n < 0 || n > 10 || math.IsNaN(n):
			return "", fmt.Errorf("severity %s is outside 0-10", s)
		case n < 1:
			return scalefield.SeverityInfo, nil
		case n < 4:
			return scalefield.SeverityLow, nil
		case n < 7:
			return scalefield.SeverityMedium, nil
		case n < 9:
			return scalefield.SeverityHigh, nil
		default:
			return scalefield.SeverityCritical, nil
		}
	}
	if sev, ok := severityWords[strings.ToLower(strings.ReplaceAll(s, " ", "-"))]; ok {
		return sev, nil
	}
	return scalefield.SeverityUnknown, nil
}

// CleanText makes s storable as PostgreSQL text: invalid UTF-8 becomes
// U+FFFD and NUL bytes go.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// TruncateUTF8 cuts s to at most n bytes on a character boundary.
func TruncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}
