package mapper

import (
	"bytes"
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
				inner.ref, inner.refIsReceipt = s.Timestamp.UTC(), false
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
	e.Device = s.AppName
	switch s.Cisco.Facility {
	case "":
	case "ASA":
		e.Device = "Cisco ASA"
	case "FTD":
		e.Device = "Cisco FTD"
	case "FWSM":
		e.Device = "Cisco FWSM"
	case "PIX":
		e.Device = "Cisco PIX"
	default:
		e.Device = "Cisco IOS" // %LINEPROTO-5-UPDOWN, %SYS-5-CONFIG_I: IOS facilities
	}
	// RFC 5424 MSGID names a type of message, not one message: no vendor
	// event ID.
	syslogAuth(e, s.AppName, s.Message)
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
	var x cefFields
	x.read(c)
	// The first of the names that holds something other than a placeholder.
	get := func(vs ...string) string {
		for _, v := range vs {
			if !placeholder(v) {
				return v
			}
		}
		return ""
	}
	dvc := get(x.deviceHostName, x.deviceAddress)
	if dvc != "" {
		e.Host = dvc
	}
	e.Severity = scalefield.SeverityUnknown
	if c.SeverityLevel >= 0 {
		e.Severity, _ = scale10(float64(c.SeverityLevel))
	}
	e.Message = joinMessage(c.Name, x.message)
	if e.Message == "" {
		e.Message = joinMessage(c.DeviceVendor+" "+c.DeviceProduct, c.SignatureID)
	}
	e.User = get(x.sourceUserName, x.destinationUserName)
	e.Action = get(x.deviceAction)
	vendor, product := strings.TrimSpace(c.DeviceVendor), strings.TrimSpace(c.DeviceProduct)
	e.Device = device(vendor, product)
	if in.source == "" {
		e.Source = e.Device
		if vendor != "" && product != "" && e.Device == product {
			e.Source = vendor + " " + product // device() left out the vendor the product repeats
		}
	}
	for _, f := range [...]struct {
		name, v string
		dst     *string
	}{{"sourceAddress", x.sourceAddress, &e.SrcIP}, {"destinationAddress", x.destinationAddress, &e.DstIP}} {
		if placeholder(f.v) {
			continue
		}
		a, err := canonicalIP(f.v)
		if err != nil {
			return nil, fmt.Errorf("cef: %s: %v", f.name, err)
		}
		*f.dst = a
	}
	readPort(e, &e.SrcPort, "spt", get(x.sourcePort))
	readPort(e, &e.DstPort, "dpt", get(x.destinationPort))
	e.SrcHostname, e.DstHostname = get(x.sourceHostName), get(x.destinationHostName)
	e.Status = outcome(get(x.eventOutcome))
	// externalId is unique per reporting device, not across devices.
	if id := get(x.externalID); id != "" {
		e.VendorEventID = joinID(e.Device, dvc, id)
	}
	cefClass(e, c, get(x.deviceEventCategory))
	return finish("cef", in, e)
}

// cefFields holds the extension values mapCEF reads, as written (the last
// one of a key wins).
type cefFields struct {
	deviceHostName, deviceAddress, message, sourceUserName, destinationUserName, deviceAction string
	sourceAddress, destinationAddress, sourcePort, destinationPort, sourceHostName            string
	destinationHostName, eventOutcome, externalID, deviceEventCategory                        string
}

// read reads them in one pass over the extension. A key matches by full
// name or by label, as c.Get matches: a value is the last one written
// under either.
func (x *cefFields) read(c *parse.CEF) {
	for i := range c.Extensions {
		ext := &c.Extensions[i]
		if dst := x.field(ext.Name); dst != nil {
			*dst = ext.Value
		}
		if ext.Label != "" {
			if dst := x.field(ext.Label); dst != nil {
				*dst = ext.Value
			}
		}
	}
}

// field returns where the value of the extension key name goes; nil for a
// key mapCEF does not read.
func (x *cefFields) field(name string) *string {
	switch name {
	case "deviceHostName":
		return &x.deviceHostName
	case "deviceAddress":
		return &x.deviceAddress
	case "message":
		return &x.message
	case "sourceUserName":
		return &x.sourceUserName
	case "destinationUserName":
		return &x.destinationUserName
	case "deviceAction":
		return &x.deviceAction
	case "sourceAddress":
		return &x.sourceAddress
	case "destinationAddress":
		return &x.destinationAddress
	case "sourcePort":
		return &x.sourcePort
	case "destinationPort":
		return &x.destinationPort
	case "sourceHostName":
		return &x.sourceHostName
	case "destinationHostName":
		return &x.destinationHostName
	case "eventOutcome":
		return &x.eventOutcome
	case "externalId":
		return &x.externalID
	case "deviceEventCategory":
		return &x.deviceEventCategory
	}
	return nil
}

// authWords mark an authentication event in CEF's category, signature ID
// or name (lowercase, matched as substrings).
var authWords = []string{"login", "logon", "logout", "logoff", "log on", "log off", "logged in", "logged on", "logged out",
	"logged off", "sign in", "signin", "signed in", "sign-in", "sign out", "signout", "sign-out", "signed out",
	"authenticat", "password", "credential", "kerberos"}

// authGroups split authWords by a part each word of a group holds, so
// that most records are settled by a few searches.
var authGroups = func() map[string][]string {
	g := map[string][]string{}
	for _, w := range authWords {
		for _, stem := range []string{"log", "sign", "authenticat", "password", "credential", "kerberos"} {
			if strings.Contains(w, stem) {
				g[stem] = append(g[stem], w)
				break
			}
		}
	}
	return g
}()

// authStems are authGroups' keys, in a fixed order.
var authStems = []string{"log", "sign", "authenticat", "password", "credential", "kerberos"}

// authText reports whether text (lowercase) holds one of authWords.
func authText(text []byte) bool {
	for i, c := range text {
		switch c {
		case 'l', 's', 'a', 'p', 'c', 'k': // the stems' first letters
			for _, stem := range authStems {
				if stem[0] == c && bytes.HasPrefix(text[i:], []byte(stem)) && containsAnyBytes(text, authGroups[stem]) {
					return true
				}
			}
		}
	}
	return false
}

// logoffWords make an authentication a Logoff; failureWords a failure
// when the record has no outcome.
var (
	logoffWords  = []string{"logout", "logoff", "log off", "logged out", "logged off", "sign out", "signout", "sign-out", "signed out"}
	failureWords = []string{"fail", "denied", "invalid", "rejected"}
)

// cefClass classifies a CEF record: Authentication when its category,
// signature ID or name speaks of authentication; Network Activity when it
// has both endpoints' addresses or a port; else Base.
func cefClass(e *scalefield.SecurityEvent, c *parse.CEF, cat string) {
	var buf [256]byte
	text := lowerASCII(buf[:0], cat, c.SignatureID, c.Name)
	if authText(text) {
		a := authLogon
		if containsAnyBytes(text, logoffWords) {
			a = authLogoff
		}
		classify(e, scalefield.ClassAuthentication, a, "")
		if e.Status == "" && containsAnyBytes(text, failureWords) {
			e.Status = statusFailure
		}
		return
	}
	if e.SrcIP != "" && e.DstIP != "" || e.SrcPort != 0 || e.DstPort != 0 {
		a, name := cefNetworkActivity(e.Action)
		classify(e, scalefield.ClassNetworkActivity, a, name)
		return
	}
	classify(e, scalefield.ClassBase, activityUnknown, "")
}

// cefNetworkActivity reads the device action (act) as a Network Activity:
// refused (deny, drop, block, reject), reset, failed, closed, opened
// (allow, accept, permit, built), or traffic (no action, or "log"); other
// actions are Other, named by the action.
func cefNetworkActivity(act string) (int, string) {
	a := act
	if hasUpper(a) {
		a = strings.ToLower(a)
	}
	switch {
	case a == "" || a == "log" || a == "logged" || a == "alert" || a == "detect" || a == "detectonly":
		return networkTraffic, ""
	case strings.Contains(a, "reset"):
		return networkReset, ""
	case strings.Contains(a, "not block") || strings.Contains(a, "not deny") || strings.Contains(a, "not drop"):
		return activityOther, act
	case containsAny(a, []string{"deny", "denied", "drop", "block", "reject", "refuse"}):
		return networkRefuse, ""
	case strings.Contains(a, "fail"):
		return networkFail, ""
	case containsAny(a, []string{"close", "teardown", "end"}):
		return networkClose, ""
	case containsAny(a, []string{"allow", "accept", "permit", "pass", "built", "open", "start"}):
		return networkOpen, ""
	}
	return activityOther, act
}

// hasUpper reports whether s has an ASCII capital letter.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// lowerASCII appends texts to dst, ASCII lowercase, separated by
// newlines (so that no word spans two of them).
func lowerASCII(dst []byte, texts ...string) []byte {
	for _, t := range texts {
		for i := 0; i < len(t); i++ {
			c := t[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		dst = append(dst, '\n')
	}
	return dst
}

// containsAnyBytes reports whether b contains one of subs.
func containsAnyBytes(b []byte, subs []string) bool {
	for _, sub := range subs {
		if bytes.Contains(b, []byte(sub)) {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
