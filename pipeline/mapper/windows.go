package mapper

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// Windows event log records as JSON, in three shapes: Winlogbeat
// (winlog.event_id, winlog.event_data, winlog.computer_name, @timestamp),
// the XML rendering converted to JSON (Event.System + Event.EventData or
// Event.UserData), and Sentinel / Log Analytics SecurityEvent rows
// (EventID, Computer, Account, IpAddress, Activity, TimeGenerated).

func strictWindows(o map[string]any) bool {
	if w, ok := o["winlog"].(map[string]any); ok {
		return has(w, "event_id")
	}
	if ev, ok := o["Event"].(map[string]any); ok {
		_, ok := ev["System"].(map[string]any)
		return ok
	}
	return has(o, "EventID") && has(o, "Computer") &&
		(o["Type"] == "SecurityEvent" || has(o, "Activity") || has(o, "EventSourceName") || has(o, "Channel"))
}

func looseWindows(o map[string]any) bool {
	return has(o, "winlog") || has(o, "Event.System") || has(o, "EventID")
}

// winRecord is a Windows event read from any of the shapes.
type winRecord struct {
	id                           int
	channel, provider, computer  string
	level, message, activity     string
	time                         time.Time
	data                         map[string]string
	dataPath                     string // where data was found, for errors
	ecsAction, ecsUser, ecsSrcIP string
	// recordID is the record's number in its log (EventRecordID);
	// originID Log Analytics' ID of the row (EventOriginId).
	recordID, originID string
	// audit is "success" or "failure" from the keywords (Audit Success,
	// Audit Failure) or ECS event.outcome; "" when neither says.
	audit                    string
	ecsSrcPort, ecsSrcDomain string
}

func mapWindows(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	rd := &reader{prefix: "windows: "}
	var w *winRecord
	switch {
	case has(o, "winlog"):
		w = readWinlogbeat(rd, o)
	case has(o, "Event.System"):
		w = readEventXML(rd, o)
	case has(o, "EventID"):
		w = readSecurityEventRow(rd, o)
	default:
		return nil, fmt.Errorf("windows: not an event record (no winlog, Event.System or EventID)")
	}
	if rd.err != nil {
		return nil, rd.err
	}
	rd.prefix = fmt.Sprintf("windows: event %d: ", w.id)
	info, known := lookupWinEvent(w.channel, w.id)

	e := &scalefield.SecurityEvent{Time: w.time, Host: w.computer, Severity: winLevelSeverity(w.level), Action: w.ecsAction}
	if known {
		e.Severity, e.Action = info.severity, info.action
	}
	e.User = w.user(info, known)
	if e.User == "" {
		e.User = w.ecsUser
	}
	for _, k := range []string{"IpAddress", "SourceAddress", "ClientAddress"} {
		if e.SrcIP = w.ip(rd, k); e.SrcIP != "" || rd.err != nil {
			break
		}
	}
	if e.SrcIP == "" && !placeholder(w.ecsSrcIP) {
		a, err := canonicalIP(w.ecsSrcIP)
		if err != nil {
			rd.fail("source.ip", "%v", err)
		}
		e.SrcIP = a
	}
	e.DstIP = w.ip(rd, "DestAddress")
	w.ocsf(e, known)
	e.Message = w.messageFor(info, known)
	if in.source == "" {
		e.Source = w.provider
		if w.channel != "" {
			e.Source = "WinEventLog:" + w.channel
		}
	}
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("windows", in, e)
}

// ocsf sets the event's class, activity, outcome, endpoints, device and
// vendor event ID.
func (w *winRecord) ocsf(e *scalefield.SecurityEvent, known bool) {
	e.Device = "Microsoft Windows"
	c, ok := winClasses[w.id]
	if !known || !ok || !strings.EqualFold(w.channel, "security") && w.channel != "" {
		c = winClass{class: scalefield.ClassBase}
	}
	classify(e, c.class, c.activity, c.name)
	e.Status = c.status
	if w.audit != "" {
		e.Status = w.audit
	}
	if c.statusCode {
		// Kerberos and NTLM events report the result code in Status.
		switch code := strings.ToLower(w.data["Status"]); code {
		case "":
		case "0x0", "0":
			e.Status = statusSuccess
		default:
			e.Status = statusFailure
		}
	}

	p := w.data["IpPort"]
	if placeholder(p) || p == "0" {
		p = w.ecsSrcPort
	}
	readPort(e, &e.SrcPort, strings.TrimPrefix(w.dataPath+".IpPort", "."), p)
	for _, k := range []string{"WorkstationName", "Workstation"} {
		if h := strings.TrimPrefix(w.data[k], `\\`); !placeholder(h) {
			e.SrcHostname = h
			break
		}
	}
	if e.SrcHostname == "" && !placeholder(w.ecsSrcDomain) {
		e.SrcHostname = w.ecsSrcDomain
	}
	if e.ClassUID == scalefield.ClassAuthentication {
		e.DstHostname = w.computer
		if t := w.data["TargetServerName"]; !placeholder(t) && !strings.EqualFold(t, "localhost") {
			e.DstHostname = t // 4648: the server the credentials were used on
		}
	}
	switch {
	case w.recordID != "":
		e.VendorEventID = joinID(w.computer, w.channel, w.recordID)
	case w.originID != "":
		e.VendorEventID = w.originID
	}
}

// auditOutcome reads the Keywords of the System element (a hex mask:
// 0x0010000000000000 Audit Failure, 0x0020000000000000 Audit Success) or
// the words Winlogbeat writes for them.
func auditOutcome(keywords string) string {
	k := strings.ToLower(strings.TrimSpace(keywords))
	if h, ok := strings.CutPrefix(k, "0x"); ok {
		n, err := strconv.ParseUint(h, 16, 64)
		switch {
		case err != nil:
		case n&0x0010000000000000 != 0:
			return statusFailure
		case n&0x0020000000000000 != 0:
			return statusSuccess
		}
		return ""
	}
	switch {
	case strings.Contains(k, "audit failure"):
		return statusFailure
	case strings.Contains(k, "audit success"):
		return statusSuccess
	}
	return ""
}

// ip reads the address in data field k; "" when absent or "-".
func (w *winRecord) ip(rd *reader, k string) string {
	s := w.data[k]
	if placeholder(s) {
		return ""
	}
	a, err := canonicalIP(s)
	if err != nil {
		rd.fail(strings.TrimPrefix(w.dataPath+"."+k, "."), "%v", err)
	}
	return a
}

// account returns a DOMAIN\name account or "" for Sentinel's "-\-".
func account(s string) string {
	d, n, found := strings.Cut(s, `\`)
	if !found {
		if placeholder(s) {
			return ""
		}
		return s
	}
	return domainUser(d, n)
}

// user picks the account the event is about (see winEventInfo.about).
func (w *winRecord) user(info winEventInfo, known bool) string {
	d := w.data
	side := info.about
	if !known {
		side = subject
		if !placeholder(d["TargetUserName"]) || account(d["TargetAccount"]) != "" {
			side = target
		}
	}
	var u string
	switch side {
	case target:
		if info.noDomain {
			u = d["TargetUserName"]
			if placeholder(u) {
				u = ""
			}
		} else {
			u = domainUser(d["TargetDomainName"], d["TargetUserName"])
		}
		if u == "" {
			u = account(d["TargetAccount"])
		}
	case subject:
		u = domainUser(d["SubjectDomainName"], d["SubjectUserName"])
		if u == "" {
			u = account(d["SubjectAccount"])
		}
	}
	if u == "" {
		u = account(d["Account"])
	}
	return u
}

// messageFor returns the rendered message, else a line built from the
// title (Sentinel's Activity, or the table's) and the notable data.
func (w *winRecord) messageFor(info winEventInfo, known bool) string {
	if strings.TrimSpace(w.message) != "" {
		return w.message
	}
	title := w.activity
	switch {
	case title != "":
	case known:
		title = fmt.Sprintf("%s (event %d)", info.title, w.id)
	case w.provider != "":
		title = fmt.Sprintf("Windows event %d from %s", w.id, w.provider)
	default:
		title = fmt.Sprintf("Windows event %d", w.id)
	}
	var details []string
	for _, k := range winDetailKeys {
		if v := w.data[k]; !placeholder(v) {
			details = append(details, k+"="+v)
		}
	}
	return joinMessage(title, strings.Join(details, " "))
}

// eventID reads an event ID: a number, digits, or the XML element
// {"#text": "4624", "Qualifiers": ""}.
func eventID(rd *reader, v any, path string) int {
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"#text", "Value", "value", "text"} {
			if x, ok := m[k]; ok {
				return eventID(rd, x, path+"."+k)
			}
		}
	}
	s, ok := text(v)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if !ok || err != nil || n < 0 || n > 65535 {
		if ok {
			rd.fail(path, "%q is not an event ID (0-65535)", clean(s, 64))
		} else {
			rd.fail(path, "is %s, not an event ID", kind(v))
		}
		return 0
	}
	return n
}

// flatten adds the text fields of m to data; nested values are skipped.
func flatten(data map[string]string, m map[string]any) {
	for k, v := range m {
		if s, ok := text(v); ok {
			data[k] = strings.TrimSpace(s)
		}
	}
}

func readWinlogbeat(rd *reader, o map[string]any) *winRecord {
	w := &winRecord{data: map[string]string{}, dataPath: "winlog.event_data"}
	rd.obj(o, "winlog")
	idPath := "winlog.event_id"
	v, ok := lookup(o, idPath)
	if !ok || v == nil {
		idPath = "event.code"
		v, ok = lookup(o, idPath)
	}
	if !ok || v == nil {
		rd.fail("winlog.event_id", "is missing")
		return w
	}
	w.id = eventID(rd, v, idPath)
	w.channel = rd.str(o, "winlog.channel")
	w.provider = rd.str(o, "winlog.provider_name")
	w.computer = rd.first(o, "winlog.computer_name", "host.name", "host.hostname")
	w.time = rd.firstTime(o, "@timestamp", "event.created")
	w.level = rd.first(o, "log.level", "winlog.level")
	w.message = rd.str(o, "message")
	flatten(w.data, rd.obj(o, "winlog.event_data"))
	flatten(w.data, rd.obj(o, "winlog.user_data"))
	w.ecsAction = rd.first(o, "event.action")
	w.ecsUser = domainUser(rd.str(o, "user.domain"), rd.str(o, "user.name"))
	w.ecsSrcIP = rd.str(o, "source.ip")
	w.ecsSrcPort = rd.str(o, "source.port")
	w.ecsSrcDomain = rd.str(o, "source.domain")
	w.recordID = rd.str(o, "winlog.record_id")
	var kw []string
	for _, k := range rd.list(o, "winlog.keywords") {
		if t, ok := text(k); ok {
			kw = append(kw, t)
		}
	}
	w.audit = auditOutcome(strings.Join(kw, ","))
	if w.audit == "" {
		w.audit = outcome(rd.str(o, "event.outcome"))
	}
	return w
}

func readEventXML(rd *reader, o map[string]any) *winRecord {
	w := &winRecord{data: map[string]string{}, dataPath: "Event.EventData"}
	sys := rd.obj(o, "Event.System")
	v, ok := lookup(sys, "EventID")
	if !ok || v == nil {
		rd.fail("Event.System.EventID", "is missing")
		return w
	}
	w.id = eventID(rd, v, "Event.System.EventID")
	w.channel = rd.str(o, "Event.System.Channel")
	w.provider = rd.first(o, "Event.System.Provider.Name", "Event.System.Provider.@Name")
	w.computer = rd.first(o, "Event.System.Computer")
	w.time = rd.firstTime(o, "Event.System.TimeCreated.SystemTime", "Event.System.TimeCreated.@SystemTime")
	w.level = rd.str(o, "Event.System.Level")
	w.message = rd.first(o, "Event.RenderingInfo.Message")
	w.recordID = rd.first(o, "Event.System.EventRecordID", "Event.System.EventRecordID.#text")
	w.audit = auditOutcome(rd.first(o, "Event.System.Keywords"))

	ed, _ := lookup(o, "Event.EventData")
	switch x := ed.(type) {
	case map[string]any:
		data, hasData := x["Data"]
		switch d := data.(type) {
		case []any:
			for _, el := range d {
				if m, ok := el.(map[string]any); ok {
					addNamedData(w.data, m)
				}
			}
		case map[string]any:
			addNamedData(w.data, d)
		}
		if !hasData {
			flatten(w.data, x) // EventData rendered as name → value
		}
	case nil:
	default:
		rd.fail("Event.EventData", "is %s, not an object", kind(ed))
	}
	// UserData holds one element named after the event (LogFileCleared…).
	if ud := rd.obj(o, "Event.UserData"); ud != nil {
		keys := make([]string, 0, len(ud))
		for k := range ud {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m, ok := ud[k].(map[string]any); ok {
				flatten(w.data, m)
			}
		}
	}
	return w
}

// addNamedData adds one <Data Name="…">value</Data> element as converted
// to JSON: {"Name"|"@Name": …, "#text"|"Value"|"text": …}.
func addNamedData(data map[string]string, m map[string]any) {
	var name string
	for _, k := range []string{"Name", "@Name", "name"} {
		if s, ok := m[k].(string); ok {
			name = s
			break
		}
	}
	if name == "" {
		return
	}
	for _, k := range []string{"#text", "Value", "value", "text"} {
		if s, ok := text(m[k]); ok {
			data[name] = strings.TrimSpace(s)
			return
		}
	}
	data[name] = ""
}

func readSecurityEventRow(rd *reader, o map[string]any) *winRecord {
	w := &winRecord{data: map[string]string{}}
	v, _ := lookup(o, "EventID")
	w.id = eventID(rd, v, "EventID")
	w.channel = rd.str(o, "Channel")
	if w.channel == "" {
		w.channel = "Security"
	}
	w.provider = rd.str(o, "EventSourceName")
	w.computer = rd.first(o, "Computer")
	w.time = rd.firstTime(o, "TimeGenerated", "TimeCreated")
	w.level = rd.str(o, "Level")
	w.activity = rd.str(o, "Activity")
	w.recordID = rd.first(o, "EventRecordId", "EventRecordID")
	w.originID = rd.first(o, "EventOriginId")
	w.audit = auditOutcome(rd.first(o, "Keywords"))
	flatten(w.data, o)
	return w
}
