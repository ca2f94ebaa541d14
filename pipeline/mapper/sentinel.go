package mapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// Azure Sentinel / Log Analytics rows: SecurityAlert (AlertName,
// AlertSeverity, TimeGenerated, CompromisedEntity, Entities…) here, and
// SecurityEvent rows (EventID, Account, Computer, IpAddress, Activity…)
// with the Windows mapper.

func strictSentinelAlert(o map[string]any) bool {
	return has(o, "AlertName") && (has(o, "AlertSeverity") || o["Type"] == "SecurityAlert" || has(o, "SystemAlertId"))
}

func looseSentinel(o map[string]any) bool {
	return has(o, "AlertName") || has(o, "AlertSeverity") || has(o, "EventID")
}

// mapSentinel maps a SecurityAlert row, or a SecurityEvent row as Windows.
func mapSentinel(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	if has(o, "EventID") && !has(o, "AlertName") {
		return mapWindows(in, o)
	}
	return mapSentinelAlert(in, o)
}

var sentinelSeverities = map[string]scalefield.Severity{
	"informational": scalefield.SeverityInfo, "low": scalefield.SeverityLow,
	"medium": scalefield.SeverityMedium, "high": scalefield.SeverityHigh,
}

func mapSentinelAlert(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	if !has(o, "AlertName") && !has(o, "DisplayName") {
		return nil, fmt.Errorf("sentinel: neither a SecurityAlert row (no AlertName) nor a SecurityEvent row (no EventID)")
	}
	rd := &reader{prefix: "sentinel: SecurityAlert: "}
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	e.Time = rd.firstTime(o, "TimeGenerated", "StartTime")
	if s := rd.str(o, "AlertSeverity"); s != "" {
		sev, ok := sentinelSeverities[strings.ToLower(s)]
		if !ok {
			rd.fail("AlertSeverity", "%q is not one of High, Medium, Low, Informational", clean(s, 64))
		}
		e.Severity = sev
	}
	e.Message = joinMessage(rd.first(o, "AlertName", "DisplayName"), rd.str(o, "Description"))

	for i, el := range sentinelEntities(rd, o) {
		ent, ok := el.(map[string]any)
		if !ok {
			continue // "$ref" stubs and the like
		}
		r := &reader{prefix: fmt.Sprintf("%sEntities[%d]: ", rd.prefix, i)}
		switch strings.ToLower(r.str(ent, "Type")) {
		case "host":
			if e.Host == "" {
				e.Host = r.first(ent, "HostName")
				if d := r.first(ent, "DnsDomain"); e.Host != "" && d != "" && !strings.Contains(e.Host, ".") {
					e.Host += "." + d
				}
			}
		case "account":
			if e.User == "" {
				name := r.first(ent, "Name")
				if upn := r.first(ent, "UPNSuffix"); name != "" && upn != "" {
					e.User = name + "@" + upn
				} else {
					e.User = domainUser(r.str(ent, "NTDomain"), name)
				}
			}
		case "ip":
			if e.SrcIP == "" {
				e.SrcIP = r.ip(ent, "Address")
			}
		}
		if rd.err == nil {
			rd.err = r.err
		}
	}
	if c := rd.first(o, "CompromisedEntity"); e.Host == "" && c != "" && !strings.EqualFold(c, e.User) {
		e.Host = c
	}
	if in.source == "" {
		e.Source = rd.first(o, "ProductName", "ProviderName")
		if e.Source == "" {
			e.Source = "Azure Sentinel"
		}
	}
	e.Device = device(rd.first(o, "VendorName"), rd.first(o, "ProductName"))
	if e.Device == "" {
		e.Device = "Microsoft Sentinel"
	}
	e.FindingTitle = rd.first(o, "AlertName", "DisplayName")
	e.FindingUID = rd.first(o, "SystemAlertId")
	st := rd.str(o, "Status")
	classify(e, scalefield.ClassDetectionFinding, findingActivity(sentinelFindingStatus, st), st)
	// Sentinel writes a new row each time an alert changes, under the same
	// SystemAlertId: the row is the alert at TimeGenerated.
	if e.FindingUID != "" {
		e.VendorEventID = findingEventID(e.FindingUID, rd.str(o, "TimeGenerated"))
	}
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("sentinel", in, e)
}

// sentinelFindingStatus maps SecurityAlert Status to the finding's
// activity.
var sentinelFindingStatus = map[string]int{
	"new": findingCreate, "inprogress": findingUpdate, "resolved": findingClose, "dismissed": findingClose,
}

// findingActivity reads a finding's lifecycle status through m (keys
// lowercase, without spaces or dashes): a finding without a status is
// taken to be new, one with a status m does not list is Other.
func findingActivity(m map[string]int, status string) int {
	if status == "" {
		return findingCreate
	}
	if a, ok := m[strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(status))]; ok {
		return a
	}
	return activityOther
}

// findingEventID identifies one report of a finding that its product
// re-sends under the same ID as it changes: the ID and the time of the
// change.
func findingEventID(uid, updated string) string {
	if updated == "" {
		return uid
	}
	return uid + "@" + updated
}

// sentinelEntities returns the elements of Entities, which Log Analytics
// stores as a JSON string and exports either as that string or as the
// array.
func sentinelEntities(rd *reader, o map[string]any) []any {
	v, ok := lookup(o, "Entities")
	if !ok || v == nil {
		return nil
	}
	switch x := v.(type) {
	case []any:
		return x
	case string:
		if strings.TrimSpace(x) == "" {
			return nil
		}
		var list []any
		d := json.NewDecoder(bytes.NewReader([]byte(x)))
		d.UseNumber()
		if err := d.Decode(&list); err != nil {
			rd.fail("Entities", "is not a JSON array: %v", err)
			return nil
		}
		return list
	}
	rd.fail("Entities", "is %s, not an array", kind(v))
	return nil
}
