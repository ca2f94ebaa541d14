package parse

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// Syslog is one syslog message, read from RFC 5424 or RFC 3164 (BSD) text.
// Fields the message leaves out (or sets to the NILVALUE "-") are zero.
type Syslog struct {
	// Format is the syntax the message was read as.
	Format Format `json:"format"`
	// Priority is the PRI value, Facility*8 + Severity.
	Priority uint8 `json:"priority"`
	// Facility is 0-23 (0 kern, 1 user, … 16-23 local0-local7).
	Facility uint8 `json:"facility"`
	// Severity is 0 (emergency) to 7 (debug).
	Severity uint8 `json:"severity"`
	// Version is the RFC 5424 protocol version; 0 for RFC 3164.
	Version uint16 `json:"version,omitempty"`
	// Timestamp is when the message was created; zero when it carries none.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// Hostname is the originating host.
	Hostname string `json:"hostname,omitempty"`
	// AppName is the RFC 5424 APP-NAME or the RFC 3164 TAG (without "[pid]").
	AppName string `json:"appName,omitempty"`
	// ProcID is the process ID (RFC 5424 PROCID, RFC 3164 "[pid]").
	ProcID string `json:"procId,omitempty"`
	// MsgID is the RFC 5424 MSGID.
	MsgID string `json:"msgId,omitempty"`
	// StructuredData maps each RFC 5424 SD-ID to its parameters, unescaped.
	StructuredData map[string]map[string]string `json:"structuredData,omitempty"`
	// Message is the free-form message, without a leading UTF-8 BOM or
	// trailing line feeds, carriage returns and NULs.
	Message string `json:"message,omitempty"`

	// MessageCounter and Sequence are the numbers Cisco IOS puts between the
	// PRI and the timestamp ("<189>237: 000485: *Jan  8 …"); 0 when absent.
	MessageCounter uint64 `json:"messageCounter,omitempty"`
	Sequence       uint64 `json:"sequence,omitempty"`
	// Cisco is the parsed Cisco-style tag (%ASA-6-302013), if the TAG is one.
	Cisco CiscoTag `json:"cisco,omitzero"`
}

// CiscoTag is a Cisco message tag %FACILITY-SEVERITY-MNEMONIC, such as
// %ASA-6-302013 or %LINEPROTO-5-UPDOWN.
type CiscoTag struct {
	// Facility is the part before the severity, e.g. "ASA".
	Facility string `json:"facility"`
	// Severity is Cisco's 0-7 level, which may differ from the PRI's.
	Severity uint8 `json:"severity"`
	// Mnemonic names the message, e.g. "302013" or "UPDOWN".
	Mnemonic string `json:"mnemonic"`
}

var (
	facilityNames = [...]string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}
	severityNames = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}
)

// FacilityName returns the facility keyword, e.g. "auth" or "local7".
func (s *Syslog) FacilityName() string {
	if int(s.Facility) < len(facilityNames) {
		return facilityNames[s.Facility]
	}
	return strconv.Itoa(int(s.Facility))
}

// SeverityName returns the severity keyword, e.g. "err" or "info".
func (s *Syslog) SeverityName() string {
	if int(s.Severity) < len(severityNames) {
		return severityNames[s.Severity]
	}
	return strconv.Itoa(int(s.Severity))
}

// ParseSyslog reads one syslog message of either format: RFC 5424 when the
// PRI is followed by a version number and a space ("<34>1 "), RFC 3164
// otherwise. ref is used as ParseRFC3164 describes.
func ParseSyslog(b []byte, ref time.Time) (*Syslog, error) {
	if isRFC5424(b) {
		return ParseRFC5424(b)
	}
	return ParseRFC3164(b, ref)
}

// isRFC5424 reports whether b starts with "<PRI>VERSION ".
func isRFC5424(b []byte) bool {
	i := bytes.IndexByte(b, '>')
	if i < 2 || i > 4 || b[0] != '<' {
		return false
	}
	_, j, n := digits(b, i+1, 3)
	return n > 0 && b[i+1] != '0' && j < len(b) && b[j] == ' '
}

// rfc5424Machines reuses go-syslog state machines, which are not safe for
// concurrent use, across goroutines.
var rfc5424Machines = sync.Pool{New: func() any { return rfc5424.NewMachine() }}

const bom = "\xef\xbb\xbf"

// ParseRFC5424 reads one RFC 5424 message (without octet-count framing).
// Trailing line feeds, carriage returns and NULs are ignored, and a UTF-8
// BOM at the start of MSG is dropped. The grammar is enforced strictly,
// including field lengths, timestamp validity and SD escaping; the work is
// done by github.com/leodido/go-syslog/v4/rfc5424.
func ParseRFC5424(b []byte) (*Syslog, error) {
	b = trimTrailer(b)
	m := rfc5424Machines.Get().(syslog.Machine)
	msg, err := m.Parse(b)
	rfc5424Machines.Put(m)
	if err != nil {
		return nil, syslogError(RFC5424, err)
	}
	sm, ok := msg.(*rfc5424.SyslogMessage)
	if !ok || sm == nil || sm.Priority == nil {
		return nil, &Error{Format: RFC5424, Reason: "no message"}
	}
	s := &Syslog{Format: RFC5424, Priority: *sm.Priority, Facility: *sm.Facility, Severity: *sm.Severity, Version: sm.Version}
	if sm.Timestamp != nil {
		s.Timestamp = *sm.Timestamp
	}
	s.Hostname = deref(sm.Hostname)
	s.AppName = deref(sm.Appname)
	s.ProcID = deref(sm.ProcID)
	s.MsgID = deref(sm.MsgID)
	if sm.StructuredData != nil && len(*sm.StructuredData) > 0 {
		s.StructuredData = *sm.StructuredData
	}
	s.Message = strings.TrimPrefix(deref(sm.Message), bom)
	return s, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// syslogError turns go-syslog's "reason [col N]" into an *Error.
func syslogError(f Format, err error) *Error {
	msg, off := err.Error(), 0
	if i := strings.LastIndex(msg, " [col "); i >= 0 && strings.HasSuffix(msg, "]") {
		if n, e := strconv.Atoi(msg[i+len(" [col ") : len(msg)-1]); e == nil {
			off = n
		}
		msg = msg[:i]
	}
	return &Error{Format: f, Offset: off, Reason: msg}
}
