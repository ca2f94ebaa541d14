package mapper

import (
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// CrowdStrike Falcon streaming API events (Event Streams):
// {"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":…},
// "event":{…}}. Detections are mapped in full, audit events in part, other
// event types minimally.

func isCrowdStrike(o map[string]any) bool {
	md, _ := o["metadata"].(map[string]any)
	ev, _ := o["event"].(map[string]any)
	typ, _ := md["eventType"].(string)
	return ev != nil && typ != ""
}

// crowdStrikeSeverities are Falcon's detection severities 1-5 and their
// names.
var crowdStrikeSeverities = map[string]scalefield.Severity{
	"1": scalefield.SeverityInfo, "informational": scalefield.SeverityInfo,
	"2": scalefield.SeverityLow, "low": scalefield.SeverityLow,
	"3": scalefield.SeverityMedium, "medium": scalefield.SeverityMedium,
	"4": scalefield.SeverityHigh, "high": scalefield.SeverityHigh,
	"5": scalefield.SeverityCritical, "critical": scalefield.SeverityCritical,
}

func mapCrowdStrike(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	rd := &reader{prefix: "crowdstrike: "}
	rd.obj(o, "metadata")
	ev := rd.obj(o, "event")
	typ := rd.str(o, "metadata.eventType")
	if rd.err != nil {
		return nil, rd.err
	}
	if ev == nil || typ == "" {
		return nil, fmt.Errorf("crowdstrike: not a streaming API event (needs metadata.eventType and an event object)")
	}
	rd.prefix = fmt.Sprintf("crowdstrike: %s: ", clean(typ, 64))
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	e.Time = rd.time(o, "metadata.eventCreationTime")

	switch typ {
	case "DetectionSummaryEvent", "EppDetectionSummaryEvent":
		// The name is authoritative; the number is read when there is none.
		if name := rd.str(o, "event.SeverityName"); name != "" {
			sev, ok := crowdStrikeSeverities[strings.ToLower(name)]
			if !ok {
				rd.fail("event.SeverityName", "%q is not a severity (Informational, Low, Medium, High, Critical)", clean(name, 64))
			}
			e.Severity = sev
		} else if n := rd.str(o, "event.Severity"); n != "" {
			sev, ok := crowdStrikeSeverities[n]
			if !ok {
				rd.fail("event.Severity", "%s is not 1-5", clean(n, 64))
			}
			e.Severity = sev
		}
		e.Message = joinMessage(rd.first(o, "event.DetectName", "event.Name"), rd.first(o, "event.DetectDescription", "event.Description"))
		e.Host = rd.first(o, "event.ComputerName", "event.Hostname")
		e.User = rd.first(o, "event.UserName")
		e.SrcIP = rd.ip(o, "event.LocalIP")
		e.Action = rd.first(o, "event.PatternDispositionDescription")
		if e.Time.IsZero() {
			e.Time = rd.firstTime(o, "event.ProcessStartTime", "event.ContextTimeStamp")
		}
		e.FindingTitle = rd.first(o, "event.DetectName", "event.Name")
		// A detection is reported once, under its ID.
		e.FindingUID = rd.first(o, "event.DetectId", "event.CompositeId")
		e.VendorEventID = e.FindingUID
		classify(e, scalefield.ClassDetectionFinding, findingCreate, "")
	case "AuthActivityAuditEvent", "UserActivityAuditEvent":
		e.Severity = scalefield.SeverityInfo
		op := rd.first(o, "event.OperationName")
		e.Message = strings.TrimSpace(typ + ": " + rd.first(o, "event.ServiceName") + " " + op)
		switch s := rd.str(o, "event.Success"); {
		case strings.EqualFold(s, "false"):
			e.Severity = scalefield.SeverityLow
			e.Message += " (failed)"
			e.Status = statusFailure
		case strings.EqualFold(s, "true"):
			e.Status = statusSuccess
		}
		if typ == "AuthActivityAuditEvent" {
			classify(e, scalefield.ClassAuthentication, crowdStrikeAuthActivity(op), op)
		}
		e.User = rd.first(o, "event.UserId")
		e.SrcIP = rd.ip(o, "event.UserIp")
		e.Action = op
		if e.Time.IsZero() {
			e.Time = rd.time(o, "event.UTCTimestamp")
		}
	default:
		e.Message = joinMessage(typ, rd.first(o, "event.Description", "event.Name", "event.DetectName"))
		e.Host = rd.first(o, "event.ComputerName", "event.Hostname")
		e.User = rd.first(o, "event.UserName", "event.UserId")
		if e.Time.IsZero() {
			e.Time = rd.time(o, "event.UTCTimestamp")
		}
	}
	if in.source == "" {
		e.Source = "CrowdStrike Falcon"
	}
	e.Device = "CrowdStrike Falcon"
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("crowdstrike", in, e)
}

// crowdStrikeAuthActivity reads an AuthActivityAuditEvent's OperationName
// as an Authentication activity: sign-ins are Logon, sign-outs Logoff.
func crowdStrikeAuthActivity(op string) int {
	switch l := strings.ToLower(op); {
	case strings.Contains(l, "logout") || strings.Contains(l, "logoff") || strings.Contains(l, "signout"):
		return authLogoff
	case strings.Contains(l, "authenticate") || strings.Contains(l, "login") || strings.Contains(l, "logon"):
		return authLogon
	}
	return activityOther
}
