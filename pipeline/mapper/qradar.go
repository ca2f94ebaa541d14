package mapper

import (
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// IBM QRadar offenses as the REST API returns them (GET
// /api/siem/offenses): id, description, severity and magnitude 0-10,
// start_time in epoch milliseconds, offense_source read by offense_type,
// categories. Address IDs (source_address_ids…) need further API calls
// and are not mapped.

func strictQRadar(o map[string]any) bool {
	return has(o, "offense_source") && (has(o, "magnitude") || has(o, "offense_type"))
}

func looseQRadar(o map[string]any) bool {
	return has(o, "offense_source") || has(o, "id") && has(o, "magnitude")
}

// QRadar offense types whose offense_source this mapper reads.
const (
	qradarSourceIP   = 0
	qradarDestIP     = 1
	qradarUsername   = 3
	qradarHostname   = 7
	qradarSourceIPv6 = 10
	qradarDestIPv6   = 11
)

func mapQRadar(in *input, o map[string]any) (*scalefield.SecurityEvent, error) {
	if !looseQRadar(o) {
		return nil, fmt.Errorf("qradar: not an offense (no offense_source, or id and magnitude)")
	}
	rd := &reader{prefix: "qradar: "}
	id := rd.str(o, "id")
	if id != "" {
		rd.prefix = fmt.Sprintf("qradar: offense %s: ", clean(id, 64))
	}
	e := &scalefield.SecurityEvent{Severity: scalefield.SeverityUnknown}
	e.Time = rd.firstTime(o, "start_time", "first_persisted_time")
	for _, f := range []string{"severity", "magnitude"} {
		if n, ok := rd.num(o, f); ok {
			sev, ok := scale10(n)
			if !ok {
				rd.fail(f, "%v is outside 0-10", n)
			}
			e.Severity = sev
			break
		}
	}

	// QRadar breaks descriptions into lines ("…User\n containing …").
	e.Message = strings.Join(strings.Fields(rd.str(o, "description")), " ")
	if e.Message == "" {
		e.Message = "QRadar offense " + id
	}
	var cats []string
	for i, c := range rd.list(o, "categories") {
		s, ok := text(c)
		if !ok {
			rd.fail(fmt.Sprintf("categories[%d]", i), "is %s, not text", kind(c))
			continue
		}
		cats = append(cats, s)
	}
	if len(cats) > 0 {
		e.Message = strings.TrimSpace(e.Message) + " (categories: " + strings.Join(cats, ", ") + ")"
	}

	src := rd.str(o, "offense_source")
	typ, hasType := rd.num(o, "offense_type")
	switch {
	case src == "":
	case !hasType:
		if a, err := canonicalIP(src); err == nil { // no type: an address if it is one
			e.SrcIP = a
		}
	case typ == qradarSourceIP || typ == qradarSourceIPv6:
		e.SrcIP = rd.ip(o, "offense_source")
	case typ == qradarDestIP || typ == qradarDestIPv6:
		e.DstIP = rd.ip(o, "offense_source")
	case typ == qradarUsername:
		e.User = src
	case typ == qradarHostname:
		e.Host = src
	}
	if in.source == "" {
		e.Source = "IBM QRadar"
	}
	e.Device = "IBM QRadar"
	e.FindingUID = id
	e.FindingTitle = e.Message
	if i := strings.Index(e.FindingTitle, " (categories: "); i > 0 {
		e.FindingTitle = e.FindingTitle[:i]
	}
	activity := findingCreate
	updated := rd.str(o, "last_updated_time")
	switch st := strings.ToUpper(rd.str(o, "status")); {
	case st == "CLOSED":
		activity = findingClose
	case updated != "" && updated != rd.str(o, "start_time"):
		activity = findingUpdate
	}
	classify(e, scalefield.ClassDetectionFinding, activity, "")
	// The offenses API returns an offense again each time it is polled:
	// each is the offense as of last_updated_time.
	if id != "" {
		e.VendorEventID = findingEventID("offense "+id, updated)
	}
	if rd.err != nil {
		return nil, rd.err
	}
	return finish("qradar", in, e)
}
