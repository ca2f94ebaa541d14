package parse

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// CEF is one ArcSight Common Event Format record:
//
//	CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
type CEF struct {
	// Version is the CEF format version (0 or 1).
	Version int `json:"version"`
	// DeviceVendor, DeviceProduct and DeviceVersion identify the sender.
	DeviceVendor  string `json:"deviceVendor"`
	DeviceProduct string `json:"deviceProduct"`
	DeviceVersion string `json:"deviceVersion"`
	// SignatureID is the Device Event Class ID: what kind of event this is.
	SignatureID string `json:"signatureId"`
	// Name describes the event for people.
	Name string `json:"name"`
	// Severity is the severity as written: 0-10 or a word.
	Severity string `json:"severity"`
	// SeverityLevel is Severity on the 0-10 scale. The words are placed at
	// the top of their ArcSight band: Low 3 (0-3), Medium 6 (4-6), High 8
	// (7-8), Very-High 10 (9-10); Unknown is -1.
	SeverityLevel int `json:"severityLevel"`
	// Extensions are the key=value pairs, in the order written.
	Extensions []Extension `json:"extensions,omitempty"`

	// ReceiptTime (rt), StartTime (start) and EndTime (end) are the
	// dictionary's event times, parsed; zero when absent.
	ReceiptTime time.Time `json:"receiptTime,omitzero"`
	StartTime   time.Time `json:"startTime,omitzero"`
	EndTime     time.Time `json:"endTime,omitzero"`
}

// Extension is one key=value pair of a CEF extension, with escapes resolved.
type Extension struct {
	// Key is the key as written: "src", "sourceAddress", "cs1", "cs1Label"
	// or a vendor's own key such as "TrendMicroDsTenant".
	Key string `json:"key"`
	// Name is the dictionary's full name for Key ("sourceAddress" for both
	// "src" and "sourceAddress"), or Key itself for keys not in it.
	Name string `json:"name"`
	// Label is the name a label key gives this custom field: "Host ID" for
	// cn1 in "cn1=1 cn1Label=Host ID". Empty when the field has no label.
	Label string `json:"label,omitempty"`
	// Value is the value, with \=, \\, \n and \r resolved and trailing
	// white space removed.
	Value string `json:"value"`
}

var headerNames = [...]string{"Device Vendor", "Device Product", "Device Version", "Signature ID", "Name", "Severity"}

// ParseCEF reads one bare CEF record (starting "CEF:"). It is ParseCEFAt
// with no reference time: times without a zone are UTC and CEF dates
// without a year are an error.
func ParseCEF(b []byte) (*CEF, error) {
	return ParseCEFAt(b, time.Time{})
}

// ParseCEFAt reads one bare CEF record (starting "CEF:"). ref, the time the
// record was received, supplies the location of rt/start/end times written
// without a zone and the year of those written without one (as
// ParseRFC3164 picks it).
//
// The header's fields are split on unescaped pipes, with \| and \\ resolved
// (other backslashes are kept). Device Vendor must not be empty and Severity
// must be 0-10 or Unknown, Low, Medium, High, Very-High (any case). A record
// ending after Severity without the final pipe has no extension.
//
// Extension keys are [A-Za-z0-9_.,\[\]-]+ (the comma, as in "ad.Error_,Code",
// is accepted as Elastic and Logstash do). A value runs until the next
// space-separated "key=" and may hold spaces; \=, \\, \n and \r are
// resolved, other backslashes kept, and an unescaped '=' that does not start
// a key is kept as text. Trailing white space is removed from values.
// rt, start and end must be epoch milliseconds (or seconds), a CEF date
// (MMM dd [yyyy] HH:mm:ss[.SSS][ zone]) or RFC 3339.
func ParseCEFAt(b []byte, ref time.Time) (*CEF, error) {
	if !cefStart(b) {
		return nil, errorf(CEFFormat, 0, `expected "CEF:<version>|" at the start`)
	}
	c, err := parseCEF(string(trimTrailer(b)), ref)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// cefStart reports whether b starts with "CEF:", digits and '|'.
func cefStart[T text](b T) bool {
	if len(b) < 6 || b[0] != 'C' || b[1] != 'E' || b[2] != 'F' || b[3] != ':' {
		return false
	}
	_, j, n := digits(b, 4, 3)
	return n > 0 && j < len(b) && b[j] == '|'
}

// FindCEF returns the CEF record inside a syslog message body or any other
// line: the text from the first "CEF:<version>|" that starts b or follows a
// byte other than a letter or digit. ok is false when there is none.
func FindCEF(b []byte) (record []byte, ok bool) {
	for off := 0; off < len(b); {
		k := bytes.Index(b[off:], []byte("CEF:"))
		if k < 0 {
			break
		}
		if i := off + k; (i == 0 || !isAlnum(b[i-1])) && cefStart(b[i:]) {
			return b[i:], true
		}
		off += k + 1
	}
	return nil, false
}

func indexCEF(s string) int {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], "CEF:")
		if k < 0 {
			break
		}
		if i := off + k; (i == 0 || !isAlnum(s[i-1])) && cefStart(s[i:]) {
			return i
		}
		off += k + 1
	}
	return -1
}

// ParseSyslogCEF reads a syslog message (either format, see ParseSyslog)
// whose message holds a CEF record, as ArcSight connectors and most
// appliances send it, and parses both. The CEF record is found as FindCEF
// does; its times take the syslog timestamp (or ref, when the header has
// none) as reference. Error offsets are in b.
func ParseSyslogCEF(b []byte, ref time.Time) (*Syslog, *CEF, error) {
	s, err := ParseSyslog(b, ref)
	if err != nil {
		return nil, nil, err
	}
	msgOff := len(trimTrailer(b)) - len(s.Message) // the message is a suffix
	k := indexCEF(s.Message)
	if k < 0 {
		return nil, nil, errorf(CEFFormat, msgOff, "no CEF record in the syslog message")
	}
	if !s.Timestamp.IsZero() {
		ref = s.Timestamp
	}
	c, perr := parseCEF(s.Message[k:], ref)
	if perr != nil {
		perr.Offset += msgOff + k
		return nil, nil, perr
	}
	return s, c, nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isKeyChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '.' || c == ',' || c == '[' || c == ']' || c == '-'
}

// parseCEF parses s, which starts with "CEF:<digits>|". Every string field
// is a substring of s unless escapes had to be resolved.
func parseCEF(s string, ref time.Time) (*CEF, *Error) {
	v, i, _ := digits(s, 4, 3)
	c := &CEF{Version: v}
	i++ // past the '|' cefStart saw
	var hdr [6]string
	var at [6]int
	for k := range hdr {
		start, esc := i, false
		for i < len(s) && s[i] != '|' {
			if s[i] == '\\' {
				esc, i = true, i+1
			}
			i++
		}
		i = min(i, len(s))
		hdr[k], at[k] = s[start:i], start
		if esc {
			hdr[k] = unescapeHeader(hdr[k])
		}
		if i == len(s) {
			if k < len(hdr)-1 {
				return nil, errorf(CEFFormat, i, "header ends after %d of 7 fields; %s is missing", k+2, headerNames[k+1])
			}
			break
		}
		i++
	}
	c.DeviceVendor, c.DeviceProduct, c.DeviceVersion, c.SignatureID, c.Name = hdr[0], hdr[1], hdr[2], hdr[3], hdr[4]
	if c.DeviceVendor == "" {
		return nil, errorf(CEFFormat, at[0], "Device Vendor is empty")
	}
	c.Severity = strings.Trim(hdr[5], trimmed)
	var ok bool
	if c.SeverityLevel, ok = severityLevel(c.Severity); !ok {
		return nil, errorf(CEFFormat, at[5], "severity %q is neither 0-10 nor Unknown, Low, Medium, High or Very-High", c.Severity)
	}
	if i < len(s) {
		if err := c.parseExtensions(s, i, ref); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// trimmed is the white space removed around values.
const trimmed = " \t\r\n\x00"

// severityLevel reads a CEF severity onto the 0-10 scale (-1: Unknown).
func severityLevel(s string) (int, bool) {
	if v, j, n := digits(s, 0, 3); n > 0 && j == len(s) {
		return v, v <= 10
	}
	switch {
	case strings.EqualFold(s, "Unknown"):
		return -1, true
	case strings.EqualFold(s, "Low"):
		return 3, true
	case strings.EqualFold(s, "Medium"):
		return 6, true
	case strings.EqualFold(s, "High"):
		return 8, true
	case strings.EqualFold(s, "Very-High"), strings.EqualFold(s, "Very High"):
		return 10, true
	}
	return 0, false
}

// parseExtensions reads the key=value pairs of s from i.
func (c *CEF) parseExtensions(s string, i int, ref time.Time) *Error {
	p := skipSpaces(s, i)
	if p == len(s) {
		return nil // Extensions stays nil, as without the final pipe
	}
	c.Extensions = make([]Extension, 0, strings.Count(s[p:], "="))
	labels := false
	for p < len(s) {
		ks := p
		for p < len(s) && isKeyChar(s[p]) {
			p++
		}
		if p == ks {
			return errorf(CEFFormat, p, "expected an extension key, found %q", s[p])
		}
		if p == len(s) || s[p] != '=' {
			return errorf(CEFFormat, p, "expected '=' after extension key %q", s[ks:p])
		}
		key, vs := s[ks:p], p+1
		q, vend, next, esc := vs, len(s), len(s), false
	scan:
		for q < len(s) {
			switch s[q] {
			case '\\':
				esc, q = true, q+2
				continue
			case ' ':
				r := skipSpaces(s, q)
				k := r
				for r < len(s) && isKeyChar(s[r]) {
					r++
				}
				if r > k && r < len(s) && s[r] == '=' {
					vend, next = q, k
					break scan
				}
				q = max(r, q+1) // nothing skipped can start an escape or a key
				continue
			}
			q++
		}
		e := Extension{Key: key, Name: key, Value: strings.TrimRight(s[vs:vend], trimmed)}
		if esc {
			e.Value = unescapeValue(e.Value)
		}
		if info := keyIndex[key]; info != nil {
			e.Name = info.Name
			labels = labels || info.LabelOf != ""
			if info.Type == TypeTime {
				if err := c.setTime(info.Name, e.Value, vs, ref); err != nil {
					return err
				}
			}
		} else {
			labels = labels || strings.HasSuffix(key, "Label")
		}
		c.Extensions = append(c.Extensions, e)
		p = next
	}
	if labels {
		c.applyLabels()
	}
	return nil
}

// setTime parses the event times rt, start and end; other time fields are
// kept as text.
func (c *CEF) setTime(name, v string, at int, ref time.Time) *Error {
	var dst *time.Time
	switch name {
	case "deviceReceiptTime":
		dst = &c.ReceiptTime
	case "startTime":
		dst = &c.StartTime
	case "endTime":
		dst = &c.EndTime
	default:
		return nil
	}
	t, serr := parseCEFTime(v, ref)
	if serr != nil {
		return errorf(CEFFormat, at+serr.off, "%s %q: %s", name, v, serr.reason)
	}
	*dst = t
	return nil
}

// parseCEFTime reads epoch milliseconds (seconds, below 1e11, which as
// milliseconds would fall before 1973), a CEF date or RFC 3339.
func parseCEFTime(v string, ref time.Time) (time.Time, *stampError) {
	if isDigits(v) {
		if len(v) > 14 {
			return time.Time{}, &stampError{0, "epoch time has more than 14 digits"}
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		if n < 1e11 {
			return time.Unix(n, 0).UTC(), nil
		}
		return time.UnixMilli(n).UTC(), nil
	}
	var (
		t    time.Time
		n    int
		serr *stampError
	)
	switch {
	case looksLikeISOStamp(v):
		t, n, serr = parseISOStamp(v, ref)
	case looksLikeBSDStamp(v):
		t, n, serr = parseBSDStamp(v, ref, false)
	default:
		return time.Time{}, &stampError{0, "not epoch milliseconds, a CEF date or RFC 3339"}
	}
	if serr != nil {
		return time.Time{}, serr
	}
	if n != len(v) {
		return time.Time{}, &stampError{n, "unexpected text after the time"}
	}
	return t, nil
}

// applyLabels gives each custom field the value of its label key.
func (c *CEF) applyLabels() {
	for i := range c.Extensions {
		target := labelTarget(c.Extensions[i].Key)
		if target == "" {
			continue
		}
		for j := range c.Extensions {
			if c.Extensions[j].Name == target {
				c.Extensions[j].Label = c.Extensions[i].Value
			}
		}
	}
}

// labelTarget returns the Name of the field a key labels, or "": cs1Label
// labels deviceCustomString1, and a vendor's "fooLabel" labels "foo".
func labelTarget(key string) string {
	if info := keyIndex[key]; info != nil {
		return info.LabelOf
	}
	if base, ok := strings.CutSuffix(key, "Label"); ok && base != "" {
		if info := keyIndex[base]; info != nil {
			return info.Name
		}
		return base
	}
	return ""
}
