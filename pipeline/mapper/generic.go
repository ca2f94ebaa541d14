package mapper

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
)

// Time formats a FieldMapping understands besides Go layouts.
const (
	// TimeAuto reads epoch numbers (seconds, milliseconds, microseconds or
	// nanoseconds, told apart by magnitude), RFC 3339, and ISO 8601 without
	// a zone as UTC. It is the default.
	TimeAuto = ""
	// TimeUnix reads epoch seconds, with an optional fraction.
	TimeUnix = "unix"
	// TimeUnixMilli, TimeUnixMicro and TimeUnixNano read epoch milliseconds,
	// microseconds and nanoseconds.
	TimeUnixMilli = "unix_ms"
	TimeUnixMicro = "unix_us"
	TimeUnixNano  = "unix_ns"
	// TimeRFC3339 reads RFC 3339 with an optional fraction.
	TimeRFC3339 = "rfc3339"
)

// FieldMapping reads a JSON event object with a configurable field
// mapping. Each field lists dotted JSON paths ("user.name",
// "evidence.0.ipAddress"; a key holding dots is found too) tried in order;
// the first that holds a non-empty value is used.
type FieldMapping struct {
	// Time, Message, Severity, User, SrcIP, DstIP, Host and Action list the
	// paths tried for each Silver field. A field without paths keeps what
	// every mapper starts from: the HEC envelope time (else the receive
	// time), the record's Host, the whole JSON object as the message,
	// severity unknown.
	Time     []string `json:"time,omitempty"`
	Message  []string `json:"message,omitempty"`
	Severity []string `json:"severity,omitempty"`
	User     []string `json:"user,omitempty"`
	SrcIP    []string `json:"src_ip,omitempty"`
	DstIP    []string `json:"dst_ip,omitempty"`
	Host     []string `json:"host,omitempty"`
	Action   []string `json:"action,omitempty"`

	// The OCSF fields, all optional. ClassUID and ActivityID paths hold
	// numbers (a class Silver assigns, an activity 0-99); Status a word
	// read through StatusMap, else as success/failure words; ports
	// numbers 0-65535. A value that cannot be read is left out with a
	// warning on the event (it lowers the quality score) rather than an
	// error. Without a class path the event is a Base event.
	ClassUID      []string `json:"class_uid,omitempty"`
	ActivityID    []string `json:"activity_id,omitempty"`
	ActivityName  []string `json:"activity_name,omitempty"`
	Status        []string `json:"status,omitempty"`
	SrcPort       []string `json:"src_port,omitempty"`
	DstPort       []string `json:"dst_port,omitempty"`
	SrcHostname   []string `json:"src_hostname,omitempty"`
	DstHostname   []string `json:"dst_hostname,omitempty"`
	Device        []string `json:"device,omitempty"`
	VendorEventID []string `json:"vendor_event_id,omitempty"`

	// TimeFormat is TimeAuto (""), TimeUnix, TimeUnixMilli, TimeUnixMicro,
	// TimeUnixNano, TimeRFC3339, or a Go time layout with a date; a layout
	// without a zone reads UTC.
	TimeFormat string `json:"time_format,omitempty"`
	// SeverityMap maps source values (compared without regard to case) to
	// severities. Values it does not list are read as the generic rules
	// read them: a number on the 0-10 scale or a usual word; other words
	// are unknown.
	SeverityMap map[string]scalefield.Severity `json:"severity_map,omitempty"`
	// StatusMap maps source values (any case) to "success" or "failure".
	StatusMap map[string]string `json:"status_map,omitempty"`
}

// Validate checks the mapping: at least one path, no empty path or path
// segment, a known time format (a layout must have a year, month and day),
// and severities that exist.
func (m *FieldMapping) Validate() error {
	var errs []error
	n := 0
	for _, f := range m.fields() {
		for i, p := range *f.paths {
			n++
			if strings.TrimSpace(p) == "" || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, "..") {
				errs = append(errs, fmt.Errorf("%s path %d %q is empty or has an empty segment", f.name, i, p))
			}
		}
	}
	if n == 0 {
		errs = append(errs, errors.New("field mapping maps no field"))
	}
	switch m.TimeFormat {
	case TimeAuto, TimeUnix, TimeUnixMilli, TimeUnixMicro, TimeUnixNano, TimeRFC3339:
	default:
		ref := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
		t, err := time.Parse(m.TimeFormat, ref.Format(m.TimeFormat))
		if err != nil || t.Year() != 2026 || t.Month() != 3 || t.Day() != 4 {
			errs = append(errs, fmt.Errorf("time format %q is neither a known format nor a Go layout with year, month and day", m.TimeFormat))
		}
	}
	for k, v := range m.SeverityMap {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("severity map has an empty value"))
		}
		if !v.Valid() {
			errs = append(errs, fmt.Errorf("severity map: %q maps to %q, which is not a severity", k, v))
		}
	}
	for k, v := range m.StatusMap {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("status map has an empty value"))
		}
		if v != statusSuccess && v != statusFailure {
			errs = append(errs, fmt.Errorf("status map: %q maps to %q, which is neither success nor failure", k, v))
		}
	}
	return errors.Join(errs...)
}

type namedPaths struct {
	name  string
	paths *[]string
}

func (m *FieldMapping) fields() []namedPaths {
	return []namedPaths{{"time", &m.Time}, {"message", &m.Message}, {"severity", &m.Severity}, {"user", &m.User},
		{"src_ip", &m.SrcIP}, {"dst_ip", &m.DstIP}, {"host", &m.Host}, {"action", &m.Action},
		{"class_uid", &m.ClassUID}, {"activity_id", &m.ActivityID}, {"activity_name", &m.ActivityName}, {"status", &m.Status},
		{"src_port", &m.SrcPort}, {"dst_port", &m.DstPort}, {"src_hostname", &m.SrcHostname}, {"dst_hostname", &m.DstHostname},
		{"device", &m.Device}, {"vendor_event_id", &m.VendorEventID}}
}

// normalized returns a copy with trimmed paths and lowercase severity keys.
func (m *FieldMapping) normalized() FieldMapping {
	c := *m
	for _, f := range c.fields() {
		ps := make([]string, len(*f.paths))
		for i, p := range *f.paths {
			ps[i] = strings.TrimSpace(p)
		}
		*f.paths = ps
	}
	c.SeverityMap = make(map[string]scalefield.Severity, len(m.SeverityMap))
	for k, v := range m.SeverityMap {
		c.SeverityMap[strings.ToLower(strings.TrimSpace(k))] = v
	}
	c.StatusMap = make(map[string]string, len(m.StatusMap))
	for k, v := range m.StatusMap {
		c.StatusMap[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return c
}

// value returns the first of paths holding a value other than null, ""
// or a placeholder such as "-".
func (m *FieldMapping) value(o map[string]any, paths []string) (any, string) {
	for _, p := range paths {
		v, ok := lookup(o, p)
		if !ok || v == nil {
			continue
		}
		if s, isText := v.(string); isText && placeholder(s) {
			continue
		}
		return v, p
	}
	return nil, ""
}

// apply maps o; raw is its JSON text, the message when no path gives one.
func (m *FieldMapping) apply(in *input, sourcetype string, o map[string]any, raw []byte) (*scalefield.SecurityEvent, error) {
	rd := &reader{prefix: fmt.Sprintf("mapping %q: ", sourcetype)}
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	if v, p := m.value(o, m.Time); v != nil {
		e.Time = m.readTime(rd, v, p)
	}
	if v, p := m.value(o, m.Severity); v != nil {
		e.Severity = m.readSeverity(rd, v, p)
	}
	str := func(paths []string) string {
		if _, p := m.value(o, paths); p != "" {
			return rd.str(o, p)
		}
		return ""
	}
	e.Message, e.User, e.Host, e.Action = str(m.Message), str(m.User), str(m.Host), str(m.Action)
	if _, p := m.value(o, m.SrcIP); p != "" {
		e.SrcIP = rd.ip(o, p)
	}
	if _, p := m.value(o, m.DstIP); p != "" {
		e.DstIP = rd.ip(o, p)
	}
	m.applyOCSF(rd, e, str, o)
	if rd.err != nil {
		return nil, rd.err
	}
	if e.Message == "" {
		if raw == nil {
			raw, _ = json.Marshal(o)
		}
		e.Message = string(raw)
	}
	return finish(strings.TrimSuffix(rd.prefix, ": "), in, e)
}

func (m *FieldMapping) readTime(rd *reader, v any, path string) time.Time {
	s, ok := text(v)
	if !ok {
		rd.fail(path, "is %s, not a time", kind(v))
		return time.Time{}
	}
	s = strings.TrimSpace(s)
	var t time.Time
	var err error
	switch m.TimeFormat {
	case TimeAuto:
		return rd.timeValue(v, path)
	case TimeUnix, TimeUnixMilli, TimeUnixMicro, TimeUnixNano:
		f, perr := strconv.ParseFloat(s, 64)
		if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			rd.fail(path, "%q is not a number of %s", clean(s, 64), m.TimeFormat)
			return time.Time{}
		}
		scale := map[string]float64{TimeUnix: 1, TimeUnixMilli: 1e3, TimeUnixMicro: 1e6, TimeUnixNano: 1e9}[m.TimeFormat]
		f /= scale
		if f < float64(pipeline.MinEventTime.Unix()) || f >= float64(pipeline.MaxEventTime.Unix()) {
			rd.fail(path, "%s is out of range (1990-2199)", clean(s, 64))
			return time.Time{}
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	case TimeRFC3339:
		t, err = time.Parse(time.RFC3339Nano, s)
	default:
		t, err = time.Parse(m.TimeFormat, s)
	}
	if err != nil {
		rd.fail(path, "%q does not match the time format %q", clean(s, 64), m.TimeFormat)
		return time.Time{}
	}
	if err := checkTime(t); err != nil {
		rd.fail(path, "%v", err)
		return time.Time{}
	}
	return t.UTC()
}

func (m *FieldMapping) readSeverity(rd *reader, v any, path string) scalefield.Severity {
	s, ok := text(v)
	if !ok {
		rd.fail(path, "is %s, not a severity", kind(v))
		return ""
	}
	if sev, ok := m.SeverityMap[strings.ToLower(strings.TrimSpace(s))]; ok {
		return sev
	}
	if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		sev, ok := scale10(n)
		if !ok {
			rd.fail(path, "%s is outside 0-10 and not in the severity map", s)
		}
		return sev
	}
	if sev, ok := severityWord(s); ok {
		return sev
	}
	return scalefield.SeverityUnknown
}

// applyOCSF reads the optional OCSF fields; what it cannot read becomes a
// warning on the event.
func (m *FieldMapping) applyOCSF(rd *reader, e *scalefield.SecurityEvent, str func([]string) string, o map[string]any) {
	e.SrcHostname, e.DstHostname = str(m.SrcHostname), str(m.DstHostname)
	e.Device, e.VendorEventID = str(m.Device), str(m.VendorEventID)
	readOCSFText(e, pathOf(m, o, m.ClassUID), str(m.ClassUID), str(m.ActivityID), str(m.ActivityName))
	if _, p := m.value(o, m.SrcPort); p != "" {
		readPort(e, &e.SrcPort, p, rd.str(o, p))
	}
	if _, p := m.value(o, m.DstPort); p != "" {
		readPort(e, &e.DstPort, p, rd.str(o, p))
	}
	if _, p := m.value(o, m.Status); p != "" {
		v := rd.str(o, p)
		st, ok := m.StatusMap[strings.ToLower(v)]
		if !ok {
			st = outcome(v)
		}
		if st == "" {
			warnf(e, fmt.Sprintf("%s %q is neither success nor failure", p, clean(v, 64)))
		}
		e.Status = st
	}
}

// pathOf names the first of paths holding a value, for warnings.
func pathOf(m *FieldMapping, o map[string]any, paths []string) string {
	_, p := m.value(o, paths)
	return p
}

// readOCSFText reads a class UID, an activity ID and an activity name
// given as text (from a field mapping or an HEC event's well-known keys).
// A class Silver does not assign, or an activity outside 0-99, is left out
// with a warning; an activity name alone names an Other activity.
func readOCSFText(e *scalefield.SecurityEvent, classField, class, activity, name string) {
	if class == "" {
		return
	}
	c, err := strconv.Atoi(strings.TrimSpace(class))
	if err != nil || !knownClass(c) {
		warnf(e, fmt.Sprintf("%s %q is not an OCSF class Silver assigns", classField, clean(class, 64)))
		return
	}
	a := activityUnknown
	if activity != "" {
		n, err := strconv.Atoi(strings.TrimSpace(activity))
		if err != nil || n < 0 || n > activityOther {
			warnf(e, fmt.Sprintf("activity %q is not an OCSF activity ID (0-99)", clean(activity, 64)))
		} else {
			a = n
		}
	} else if name != "" {
		a = activityOther
	}
	classify(e, c, a, name)
	if name != "" && a != activityOther && activityName(c, a) == "" {
		e.ActivityName = name // an activity this table does not name
	}
}
