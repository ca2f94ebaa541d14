package mapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
)

// maxFieldLen bounds Silver text fields other than the message (which
// pipeline.MaxMessageLen bounds); the full record stays in Bronze.
const maxFieldLen = 1024

// clean makes s safe to store as PostgreSQL text and bounded: invalid UTF-8
// becomes U+FFFD, NUL bytes go, surrounding white space is trimmed and the
// result is cut to at most n bytes on a character boundary.
func clean(s string, n int) string {
	if len(s) <= n && cleanASCII(s) {
		return s // the common case, without the scans below
	}
	s = strings.TrimSpace(pipeline.CleanText(s))
	if len(s) > n {
		s = strings.TrimSpace(pipeline.TruncateUTF8(s, n))
	}
	return s
}

// cleanASCII reports whether s is ASCII without NUL and without white
// space (or other bytes up to ' ') at either end: text clean leaves as is.
func cleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] <= ' ' || s[len(s)-1] <= ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= 0x80 {
			return false
		}
	}
	return true
}

// finish cleans every text field of e, checks what every mapper must
// guarantee (a message, a time in range, a known severity, canonical IPs)
// and fills what is missing from in. prefix names the mapper in errors.
func finish(prefix string, in *input, e *scalefield.SecurityEvent) (*scalefield.SecurityEvent, error) {
	e.Message = clean(e.Message, pipeline.MaxMessageLen)
	if e.Message == "" {
		return nil, fmt.Errorf("%s: nothing to use as the message", prefix)
	}
	e.Host = clean(e.Host, maxFieldLen)
	e.Source = clean(e.Source, maxFieldLen)
	e.Sourcetype = clean(e.Sourcetype, maxFieldLen)
	e.User = clean(e.User, maxFieldLen)
	e.Action = clean(e.Action, maxFieldLen)
	for _, f := range [...]*string{&e.ActivityName, &e.SrcHostname, &e.DstHostname, &e.Device, &e.VendorEventID,
		&e.DBName, &e.DBObject, &e.FindingUID, &e.FindingTitle} {
		if *f != "" {
			*f = clean(*f, maxFieldLen)
		}
	}
	if e.DBStatement != "" {
		e.DBStatement = clean(e.DBStatement, pipeline.MaxMessageLen)
	}
	for i, w := range e.Warnings {
		e.Warnings[i] = clean(w, maxFieldLen)
	}
	if err := checkOCSF(e); err != nil {
		return nil, fmt.Errorf("%s: %w", prefix, err)
	}
	if e.Host == "" {
		e.Host = clean(in.host, maxFieldLen)
	}
	if e.Source == "" {
		e.Source = clean(in.source, maxFieldLen)
	}
	if e.Sourcetype == "" {
		e.Sourcetype = clean(in.sourcetype, maxFieldLen)
	}
	var err error
	if e.SrcIP, err = canonicalIP(e.SrcIP); err != nil {
		return nil, fmt.Errorf("%s: source IP: %w", prefix, err)
	}
	if e.DstIP, err = canonicalIP(e.DstIP); err != nil {
		return nil, fmt.Errorf("%s: destination IP: %w", prefix, err)
	}
	if e.Time.IsZero() {
		e.Time = in.ref
		if in.refIsReceipt {
			warnf(e, "no event time; the receive time is used")
		}
	}
	if err := checkTime(e.Time); err != nil {
		return nil, fmt.Errorf("%s: event time %w", prefix, err)
	}
	e.Time = e.Time.UTC().Round(time.Microsecond) // what PostgreSQL keeps
	if e.Severity == "" {
		e.Severity = scalefield.SeverityUnknown
	}
	if !e.Severity.Valid() {
		return nil, fmt.Errorf("%s: severity %q is not a severity", prefix, e.Severity)
	}
	return e, nil
}

// checkOCSF checks what mappers set of the OCSF fields: a known class, an
// activity in 0-99, an outcome, ports in 0-65535, a row count not below 0.
// These are mapper mistakes, not bad input: input is checked where read.
func checkOCSF(e *scalefield.SecurityEvent) error {
	switch {
	case !knownClass(e.ClassUID):
		return fmt.Errorf("class %d is not one Silver assigns", e.ClassUID)
	case e.ActivityID < 0 || e.ActivityID > activityOther:
		return fmt.Errorf("activity %d is outside 0-99", e.ActivityID)
	case e.Status != "" && e.Status != statusSuccess && e.Status != statusFailure:
		return fmt.Errorf("status %q is not success or failure", e.Status)
	case e.SrcPort < 0 || e.SrcPort > 65535 || e.DstPort < 0 || e.DstPort > 65535:
		return fmt.Errorf("port %d/%d is outside 0-65535", e.SrcPort, e.DstPort)
	case e.DBRows < 0:
		return fmt.Errorf("row count %d is negative", e.DBRows)
	}
	if e.ActivityName == "" {
		e.ActivityName = activityName(e.ClassUID, e.ActivityID)
	}
	return nil
}

// canonicalIP parses s as an IP address and returns it in canonical form:
// IPv4-mapped IPv6 unmapped, zone dropped (PostgreSQL inet has none).
func canonicalIP(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address", clean(s, 64))
	}
	return a.Unmap().WithZone("").String(), nil
}

func checkTime(t time.Time) error {
	if t.Before(pipeline.MinEventTime) || !t.Before(pipeline.MaxEventTime) {
		return fmt.Errorf("%s is out of range (1990-2199)", t.UTC().Format(time.RFC3339))
	}
	return nil
}

// Layouts tried for text times, after RFC 3339: ISO 8601 without a zone
// (read as UTC) and with a space instead of the T.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// parseTimeText reads epoch seconds, milliseconds, microseconds or
// nanoseconds (told apart by magnitude) written as digits, RFC 3339, or ISO
// 8601 without a zone (UTC). The result is in range and in UTC.
func parseTimeText(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("is empty")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epoch(f)
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if err := checkTime(t); err != nil {
				return time.Time{}, err
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither epoch time nor RFC 3339", clean(s, 64))
}

// epoch reads an epoch time in seconds, milliseconds, microseconds or
// nanoseconds, told apart by magnitude (each unit's range starts after the
// previous one's ends, near the year 5000).
func epoch(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return time.Time{}, fmt.Errorf("%v is not an epoch time", f)
	}
	switch {
	case f > 1e17:
		f /= 1e9
	case f > 1e14:
		f /= 1e6
	case f > 1e11:
		f /= 1e3
	}
	if f >= float64(pipeline.MaxEventTime.Unix()) {
		return time.Time{}, fmt.Errorf("%v is out of range (1990-2199)", f)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	if err := checkTime(t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// scale10 reads a severity on CEF's 0-10 scale, as pipeline.NormalizeHEC
// does: below 1 info, 1-3 low, 4-6 medium, 7-8 high, 9-10 critical.
func scale10(n float64) (scalefield.Severity, bool) {
	switch {
	case math.IsNaN(n) || n < 0 || n > 10:
		return "", false
	case n < 1:
		return scalefield.SeverityInfo, true
	case n < 4:
		return scalefield.SeverityLow, true
	case n < 7:
		return scalefield.SeverityMedium, true
	case n < 9:
		return scalefield.SeverityHigh, true
	}
	return scalefield.SeverityCritical, true
}

// severityWords are the usual severity words of syslog, CEF and vendors,
// read as pipeline.NormalizeHEC reads them (lowercase, spaces as dashes).
var severityWords = map[string]scalefield.Severity{
	"unknown": scalefield.SeverityUnknown, "unspecified": scalefield.SeverityUnknown,
	"none": scalefield.SeverityInfo, "debug": scalefield.SeverityInfo, "verbose": scalefield.SeverityInfo,
	"info": scalefield.SeverityInfo, "informational": scalefield.SeverityInfo, "information": scalefield.SeverityInfo,
	"notice": scalefield.SeverityLow, "low": scalefield.SeverityLow,
	"warn": scalefield.SeverityMedium, "warning": scalefield.SeverityMedium,
	"medium": scalefield.SeverityMedium, "moderate": scalefield.SeverityMedium,
	"error": scalefield.SeverityHigh, "err": scalefield.SeverityHigh, "high": scalefield.SeverityHigh,
	"crit": scalefield.SeverityCritical, "critical": scalefield.SeverityCritical, "alert": scalefield.SeverityCritical,
	"emerg": scalefield.SeverityCritical, "emergency": scalefield.SeverityCritical, "fatal": scalefield.SeverityCritical,
	"very-high": scalefield.SeverityCritical,
}

// severityWord looks s up in severityWords.
func severityWord(s string) (scalefield.Severity, bool) {
	sev, ok := severityWords[strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "-"))]
	return sev, ok
}

// syslogSeverity maps a syslog severity 0-7: 0-2 critical, 3 high,
// 4 medium, 5 low, 6-7 info.
func syslogSeverity(n uint8) scalefield.Severity {
	switch {
	case n <= 2:
		return scalefield.SeverityCritical
	case n == 3:
		return scalefield.SeverityHigh
	case n == 4:
		return scalefield.SeverityMedium
	case n == 5:
		return scalefield.SeverityLow
	}
	return scalefield.SeverityInfo
}

// joinMessage joins a title and a description as "title: description"
// ("title. description" when the title ends a sentence), leaving out
// whichever is empty and the title when the description starts with it.
func joinMessage(title, desc string) string {
	title, desc = strings.TrimSpace(title), strings.TrimSpace(desc)
	switch {
	case desc == "":
		return title
	case title == "" || strings.HasPrefix(desc, title):
		return desc
	case strings.HasSuffix(title, ".") || strings.HasSuffix(title, "!") || strings.HasSuffix(title, "?"):
		return title + " " + desc
	}
	return title + ": " + desc
}

// placeholder reports whether s is one of the values sources write for
// "no value": "-", "N/A", "(no user)", "null".
func placeholder(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "-", "n/a", "(no user)", "null", "none":
		return true
	}
	return false
}

// decodeObject decodes raw as one JSON object, numbers kept as
// json.Number.
func decodeObject(raw []byte) (map[string]any, error) {
	var o map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&o); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if d.More() {
		return nil, fmt.Errorf("text after the JSON object")
	}
	return o, nil
}
