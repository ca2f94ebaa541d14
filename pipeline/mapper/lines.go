package mapper

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/pipeline/parse"
)

// findCEF returns the CEF record in s as parse.FindCEF finds it.
func findCEF(s string) (string, bool) {
	rec, ok := parse.FindCEF([]byte(s))
	if !ok {
		return "", false
	}
	return s[len(s)-len(rec):], true
}

// syslog maps one syslog message: CEF in its message as CEF, a JSON object
// a mapper claims as that mapper's, anything else as syslog.
func (r *Registry) syslog(in *input, b []byte) (*scalefield.SecurityEvent, string, error) {
	s, err := parse.ParseSyslog(b, in.ref)
	if err != nil {
		return nil, routeSyslog, err
	}
	if rec, ok := findCEF(s.Message); ok {
		e, err := cefLine(in, s, rec)
		var perr *parse.Error
		if errors.As(err, &perr) {
			// Offsets in the whole message, as parse.ParseSyslogCEF gives them.
			perr.Offset += len(strings.TrimRight(string(b), "\r\n\x00")) - len(rec)
		}
		return e, routeCEF, err
	}
	if msg := strings.TrimSpace(s.Message); strings.HasPrefix(msg, "{") {
		if o, err := decodeObject([]byte(msg)); err == nil {
			inner := *in
			if s.Hostname != "" {
				inner.host = s.Hostname
			}
			if !s.Timestamp.IsZero() {
				inner.ref = s.Timestamp.UTC()
			}
			if e, route, ok, err := r.object(&inner, o, []byte(msg)); ok {
				return e, route, err
			}
		}
	}
	e, err := mapSyslog(in, s, b)
	return e, routeSyslog, err
}

// mapSyslog maps a syslog message that carries no CEF. The severity is
// the Cisco tag's when there is one (%ASA-4-106023: 4), else the PRI's.
func mapSyslog(in *input, s *parse.Syslog, raw []byte) (*scalefield.SecurityEvent, error) {
	e := &scalefield.SecurityEvent{Time: s.Timestamp, Host: s.Hostname, Severity: syslogSeverity(s.Severity)}
	if s.Cisco.Facility != "" {
		e.Severity = syslogSeverity(s.Cisco.Severity)
	}
	if in.source == "" {
		e.Source = s.AppName
		if s.Cisco.Facility != "" {
			e.Source = s.Cisco.Facility // "ASA", not the message ID %ASA-6-302013
		}
	}
	e.Message = s.Message
	if strings.TrimSpace(clean(e.Message, pipeline.MaxMessageLen)) == "" {
		e.Message = structuredData(s.StructuredData)
	}
	if strings.TrimSpace(clean(e.Message, pipeline.MaxMessageLen)) == "" {
		e.Message = string(raw) // a header alone: keep it as the message
	}
	return finish("syslog", in, e)
}

// structuredData renders RFC 5424 structured data in its own syntax, SD-IDs
// and parameters sorted: [id a="1" b="2"].
func structuredData(sd map[string]map[string]string) string {
	if len(sd) == 0 {
		return ""
	}
	var b strings.Builder
	ids := make([]string, 0, len(sd))
	for id := range sd {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString("[" + id)
		names := make([]string, 0, len(sd[id]))
		for n := range sd[id] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `]`, `\]`).Replace(sd[id][n])
			b.WriteString(" " + n + `="` + v + `"`)
		}
		b.WriteString("]")
	}
	return b.String()
}

// prefixedSyslog reads the text before a CEF record that does not start
// with a PRI, as connectors write files ("Sep 19 08:26:10 host CEF:0|…"),
// as an RFC 3164 header. nil when it is not one.
func prefixedSyslog(line string, ref time.Time) *parse.Syslog {
	s, err := parse.ParseRFC3164([]byte("<13>"+line), ref)
	if err != nil || s.Timestamp.IsZero() {
		return nil
	}
	return s
}

// cefLine parses rec, a CEF record found alone or in the message of s
// (nil when there is no syslog header), and maps it.
func cefLine(in *input, s *parse.Syslog, rec string) (*scalefield.SecurityEvent, error) {
	ref := in.ref
	if s != nil && !s.Timestamp.IsZero() {
		ref = s.Timestamp
	}
	c, err := parse.ParseCEFAt([]byte(rec), ref)
	if err != nil {
		return nil, err
	}
	return mapCEF(in, s, c)
}

// mapCEF maps a CEF record and the syslog header it came in, if any.
func mapCEF(in *input, s *parse.Syslog, c *parse.CEF) (*scalefield.SecurityEvent, error) {
	e := &scalefield.SecurityEvent{Time: c.ReceiptTime}
	if e.Time.IsZero() {
		e.Time = c.StartTime
	}
	if s != nil {
		if e.Time.IsZero() {
			e.Time = s.Timestamp
		}
		e.Host = s.Hostname
	}
	get := func(names ...string) string {
		for _, n := range names {
			if v, ok := c.Get(n); ok && !placeholder(v) {
				return v
			}
		}
		return ""
	}
	if h := get("deviceHostName", "deviceAddress"); h != "" {
		e.Host = h
	}
	e.Severity = scalefield.SeverityUnknown
	if c.SeverityLevel >= 0 {
		e.Severity, _ = scale10(float64(c.SeverityLevel))
	}
	msg, _ := c.Get("message")
	e.Message = joinMessage(c.Name, msg)
	if e.Message == "" {
		e.Message = joinMessage(c.DeviceVendor+" "+c.DeviceProduct, c.SignatureID)
	}
	e.User = get("sourceUserName", "destinationUserName")
	e.Action = get("deviceAction")
	if in.source == "" {
		e.Source = strings.TrimSpace(c.DeviceVendor + " " + c.DeviceProduct)
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"sourceAddress", &e.SrcIP}, {"destinationAddress", &e.DstIP}} {
		v, _ := c.Get(f.name)
		if placeholder(v) {
			continue
		}
		a, err := canonicalIP(v)
		if err != nil {
			return nil, fmt.Errorf("cef: %s: %v", f.name, err)
		}
		*f.dst = a
	}
	return finish("cef", in, e)
}
