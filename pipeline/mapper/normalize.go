package mapper

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
)

// Bronze record kinds this package reads (BronzeRecord.Kind).
const (
	// KindHEC is one Splunk HEC event envelope {"time","host","source",
	// "sourcetype","event","fields"}.
	KindHEC = "hec"
	// KindHECRaw is one line received on the HEC raw endpoint.
	KindHECRaw = "hec-raw"
	// KindSyslog is one syslog message, RFC 5424 or RFC 3164.
	KindSyslog = "syslog"
	// KindGather is one database audit record from a gather collector: a
	// JSON-encoded scalefield.DBActivity, sourcetype "db:<engine>".
	KindGather = "gather"
)

// Routes name the mapper that produced an event; tests and docs use them.
const (
	routeHEC     = "hec-generic"
	routeText    = "text"
	routeCEF     = "cef"
	routeSyslog  = "syslog"
	routeMapping = "mapping"
	routeGather  = "gather"
)

// Normalize maps one Bronze record onto a Silver event with the built-in
// mappers only (no per-sourcetype configuration). It has the signature of
// store.NormalizeFunc; an error is the quarantine reason. See
// (*Registry).Normalize for the rules.
func Normalize(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error) {
	return (*Registry)(nil).Normalize(b)
}

// input is what a mapper knows besides the payload: the record, the
// Host/Source/Sourcetype to keep unless the payload says better, and the
// time to use when the payload has none.
type input struct {
	b                        *scalefield.BronzeEvent
	host, source, sourcetype string
	// ref is the HEC envelope time, else the syslog timestamp, else the
	// receive time; refIsReceipt says it is the receive time, which makes
	// an event without a time of its own worth a warning.
	ref          time.Time
	refIsReceipt bool
}

// Normalize maps one Bronze record onto a Silver event, choosing the mapper
// from the record's kind, its sourcetype and, for JSON, the payload's
// shape:
//
//   - "hec": an HEC envelope. A string event holding CEF or a syslog message
//     is parsed; an object event (or a string holding one) goes to the
//     mapper configured for the sourcetype, else to the vendor mapper its
//     sourcetype or shape names, else to pipeline.NormalizeHEC.
//   - "hec-raw": one raw line: CEF, syslog, a JSON object (as an HEC event
//     object), else plain text as the message.
//   - "syslog": one syslog message; CEF in its message is mapped as CEF, a
//     JSON object that a vendor mapper claims as that vendor's.
//   - "gather": one database audit record (scalefield.DBActivity as JSON).
//
// Every result has a known severity, a non-empty message, text that is
// valid UTF-8 without NUL bytes and bounded in length, canonical IP
// addresses and a UTC time in 1990-2199. A payload a mapper claims but
// cannot read is an error saying what is wrong and where. A nil Registry
// has the built-in mappers only.
func (r *Registry) Normalize(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, error) {
	e, _, err := r.normalize(b)
	if err != nil {
		return nil, safeError(err)
	}
	return e, nil
}

// maxReasonLen bounds an error's text, which is stored as the quarantine
// reason.
const maxReasonLen = 2048

// cleanError is an error whose text was made safe to store.
type cleanError struct {
	msg string
	err error
}

func (e *cleanError) Error() string { return e.msg }
func (e *cleanError) Unwrap() error { return e.err }

// safeError returns err with its text made valid UTF-8 without NUL bytes
// and bounded, as the quarantine table stores it.
func safeError(err error) error {
	msg := err.Error()
	if len(msg) <= maxReasonLen && utf8.ValidString(msg) && strings.IndexByte(msg, 0) < 0 {
		return err
	}
	return &cleanError{msg: clean(msg, maxReasonLen), err: err}
}

// normalize is Normalize that also says which mapper answered.
func (r *Registry) normalize(b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, string, error) {
	if b == nil {
		return nil, "", fmt.Errorf("no record")
	}
	in := &input{b: b, host: b.Host, source: b.Source, sourcetype: b.Sourcetype, ref: b.ReceivedAt.UTC(), refIsReceipt: true}
	switch b.Kind {
	case KindHEC:
		return r.hec(in)
	case KindHECRaw:
		return r.hecRaw(in)
	case KindSyslog:
		return r.syslog(in, b.Payload)
	case KindGather:
		e, err := mapGather(in)
		return e, routeGather, err
	}
	return nil, "", fmt.Errorf("record kind %q is not one of %s, %s, %s, %s", clean(b.Kind, 64), KindHEC, KindHECRaw, KindSyslog, KindGather)
}

func (r *Registry) hec(in *input) (*scalefield.SecurityEvent, string, error) {
	p := in.b.Payload
	if r.plainHEC(in.sourcetype, p) {
		return generic(in, in.b)
	}
	env, err := decodeObject(p)
	if err != nil {
		return generic(in, in.b) // NormalizeHEC says what is wrong
	}
	for _, f := range []struct {
		dst *string
		key string
	}{{&in.host, "host"}, {&in.source, "source"}, {&in.sourcetype, "sourcetype"}} {
		if s, ok := env[f.key].(string); ok && *f.dst == "" {
			*f.dst = s
		}
	}
	if v := env["time"]; v != nil {
		s, _ := text(v)
		ref, err := parseTimeText(s)
		if err != nil {
			return generic(in, in.b) // NormalizeHEC says what is wrong, in its words
		}
		in.ref, in.refIsReceipt = ref, false
	}
	switch ev := env["event"].(type) {
	case string:
		if e, route, ok, err := r.line(in, ev, false); ok {
			return e, route, err
		}
	case map[string]any:
		if e, route, ok, err := r.object(in, ev, nil); ok {
			return e, route, err
		}
	}
	return generic(in, in.b)
}

// vendorMarkers are byte strings at least one of which any payload a
// vendor mapper recognises by shape contains (the keys the shape tests
// require). A payload with none of them, no '<', no "CEF:" and no \u escape
// can only go to pipeline.NormalizeHEC, so it is not decoded twice.
var vendorMarkers = [][]byte{
	[]byte("indings"), []byte("SchemaVersion"), []byte("ProductArn"), []byte("metadata"),
	[]byte("AlertName"), []byte("alertCreationTime"), []byte("createdDateTime"), []byte("offense_source"),
	[]byte("winlog"), []byte("Event"), []byte("records"),
	[]byte("<"), []byte("CEF:"), []byte(`\u`),
}

// plainHEC reports whether an HEC payload can go straight to the generic
// rules: no mapping or vendor for its sourcetype and none of vendorMarkers.
func (r *Registry) plainHEC(sourcetype string, p []byte) bool {
	if sourcetype == "" || r.lookup(sourcetype) != nil || vendorForSourcetype(sourcetype) != nil {
		return false // an empty sourcetype may be set by the envelope
	}
	for _, m := range vendorMarkers {
		if bytes.Contains(p, m) {
			return false
		}
	}
	return true
}

// generic applies pipeline.NormalizeHECFields to b, reads the OCSF fields
// from what it decoded, and cleans the result.
func generic(in *input, b *scalefield.BronzeEvent) (*scalefield.SecurityEvent, string, error) {
	e, fields, err := pipeline.NormalizeHECFields(b)
	if err != nil {
		return nil, routeHEC, err
	}
	hecOCSF(fields, e)
	if !bytes.Contains(b.Payload, []byte("time")) {
		// NormalizeHEC used the receive time: no envelope time, no time key.
		warnf(e, "no event time; the receive time is used")
	}
	e, err = finish("hec", in, e)
	return e, routeHEC, err
}

func (r *Registry) hecRaw(in *input) (*scalefield.SecurityEvent, string, error) {
	e, route, ok, err := r.line(in, string(in.b.Payload), true)
	if ok {
		return e, route, err
	}
	msg := clean(string(in.b.Payload), pipeline.MaxMessageLen)
	if msg == "" {
		return nil, routeText, fmt.Errorf("hec-raw: line is blank")
	}
	e, err = finish("hec-raw", in, &scalefield.SecurityEvent{Message: msg})
	return e, routeText, err
}

// line maps one line of text, from an HEC string event or the raw
// endpoint: CEF, syslog (with CEF or vendor JSON inside), a JSON object
// (for raw lines always, for HEC strings when a mapper claims it) or a
// line with CEF after a non-syslog prefix. ok is false when the line is
// none of these and should be read as a plain message.
func (r *Registry) line(in *input, s string, raw bool) (e *scalefield.SecurityEvent, route string, ok bool, err error) {
	t := strings.TrimSpace(strings.TrimRight(s, "\r\n\x00"))
	switch {
	case t == "":
		return nil, "", false, nil
	case strings.HasPrefix(t, "CEF:"):
		if rec, found := findCEF(t); found && len(rec) == len(t) {
			e, err := cefLine(in, nil, rec)
			return e, routeCEF, true, err
		}
	case syslogStart(t):
		e, route, err := r.syslog(in, []byte(t))
		return e, route, true, err
	case t[0] == '{':
		o, derr := decodeObject([]byte(t))
		if derr != nil {
			return nil, "", false, nil
		}
		if e, route, ok, err := r.object(in, o, []byte(t)); ok || !raw {
			return e, route, ok, err
		}
		// A raw JSON line no mapper claims: the generic rules, as for an
		// HEC event object.
		b := *in.b
		b.Payload = append(append([]byte(`{"event":`), t...), '}')
		e, route, err := generic(in, &b)
		return e, route, true, err
	}
	if rec, found := findCEF(t); found {
		e, err := cefLine(in, prefixedSyslog(t, in.ref), rec)
		return e, routeCEF, true, err
	}
	return nil, "", false, nil
}

// syslogStart reports whether s starts with a syslog PRI "<N>", N 1-3 digits.
func syslogStart(s string) bool {
	if len(s) < 3 || s[0] != '<' {
		return false
	}
	for i := 1; i < len(s) && i <= 4; i++ {
		switch c := s[i]; {
		case c == '>':
			return i > 1
		case c < '0' || c > '9':
			return false
		}
	}
	return false
}
