package graph

import (
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph/model"
)

// ocsfClasses names the OCSF classes Silver assigns; ocsfCategories their
// categories.
var (
	ocsfClasses = map[int]string{
		scalefield.ClassBase: "Base Event", scalefield.ClassFileActivity: "File System Activity",
		scalefield.ClassProcessActivity: "Process Activity", scalefield.ClassDetectionFinding: "Detection Finding",
		scalefield.ClassAccountChange: "Account Change", scalefield.ClassAuthentication: "Authentication",
		scalefield.ClassNetworkActivity: "Network Activity", scalefield.ClassHTTPActivity: "HTTP Activity",
		scalefield.ClassDNSActivity: "DNS Activity", scalefield.ClassDatastoreActivity: "Datastore Activity",
	}
	ocsfCategories = map[int]string{0: "Uncategorized", 1: "System Activity", 2: "Findings",
		3: "Identity & Access Management", 4: "Network Activity", 5: "Discovery", 6: "Application Activity"}
	severityIDs = map[scalefield.Severity]int{scalefield.SeverityInfo: 1, scalefield.SeverityLow: 2,
		scalefield.SeverityMedium: 3, scalefield.SeverityHigh: 4, scalefield.SeverityCritical: 5}
)

func className(uid int) string {
	if n, ok := ocsfClasses[uid]; ok {
		return n
	}
	return "Class " + strconv.Itoa(uid)
}

func optionalInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func toModelGeo(g *scalefield.Geo) *model.Geo {
	if g == nil {
		return nil
	}
	out := &model.Geo{Country: optional(g.Country), City: optional(g.City), AsOrg: optional(g.ASOrg)}
	if g.Lat != 0 || g.Lon != 0 {
		out.Lat, out.Lon = &g.Lat, &g.Lon
	}
	if g.ASN != 0 {
		asn := int(g.ASN)
		out.Asn = &asn
	}
	return out
}

// fillSilverFields adds the OCSF, enrichment and quality fields to m.
func fillSilverFields(m *model.SecurityEvent, e *scalefield.SecurityEvent) {
	m.ClassUID, m.ClassName = e.ClassUID, className(e.ClassUID)
	m.CategoryUID = e.CategoryUID()
	m.CategoryName = ocsfCategories[m.CategoryUID]
	m.ActivityID, m.ActivityName = e.ActivityID, optional(e.ActivityName)
	m.SeverityID = severityIDs[e.Severity]
	m.Status = optional(e.Status)
	m.SrcPort, m.DstPort = optionalInt(e.SrcPort), optionalInt(e.DstPort)
	m.SrcHostname, m.DstHostname = optional(e.SrcHostname), optional(e.DstHostname)
	m.Device, m.VendorEventID = optional(e.Device), optional(e.VendorEventID)
	if e.DBName != "" || e.DBStatement != "" || e.DBObject != "" || e.ClassUID == scalefield.ClassDatastoreActivity {
		rows := int(e.DBRows)
		m.Database = &model.DatabaseActivity{Name: optional(e.DBName), Statement: optional(e.DBStatement),
			Object: optional(e.DBObject), Rows: &rows}
	}
	if e.FindingUID != "" || e.FindingTitle != "" {
		m.Finding = &model.Finding{UID: optional(e.FindingUID), Title: optional(e.FindingTitle)}
	}
	m.SrcGeo, m.DstGeo = toModelGeo(e.SrcGeo), toModelGeo(e.DstGeo)
	m.ThreatMatches = make([]*model.ThreatMatch, 0, len(e.ThreatMatch))
	for _, t := range e.ThreatMatch {
		labels := t.Labels
		if labels == nil {
			labels = []string{}
		}
		m.ThreatMatches = append(m.ThreatMatches, &model.ThreatMatch{Field: t.Field, Type: t.Type, Value: t.Value,
			Source: t.Source, Confidence: t.Confidence, Labels: labels})
	}
	if u := e.UserContext; u != nil {
		m.UserContext = &model.UserContext{Department: optional(u.Department), Title: optional(u.Title),
			Privileged: u.Privileged, Manager: optional(u.Manager)}
	}
	m.RiskScore, m.Quality = e.RiskScore, e.Quality
	m.QualityFlags, m.Warnings = nonNilStrings(e.QualityFlags), nonNilStrings(e.Warnings)
	m.DupCount = max(e.DupCount, 1)
	m.LastSeenAt = e.LastSeenAt
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// facetFields maps the GraphQL facet fields onto the domain's.
var facetFields = map[model.FacetField]scalefield.FacetField{
	model.FacetFieldSeverity: scalefield.FacetSeverity, model.FacetFieldClass: scalefield.FacetClass,
	model.FacetFieldSourcetype: scalefield.FacetSourcetype, model.FacetFieldHost: scalefield.FacetHost,
	model.FacetFieldUser: scalefield.FacetUser, model.FacetFieldSrcIP: scalefield.FacetSrcIP,
	model.FacetFieldDstIP: scalefield.FacetDstIP, model.FacetFieldCountry: scalefield.FacetCountry,
	model.FacetFieldStatus: scalefield.FacetStatus, model.FacetFieldDevice: scalefield.FacetDevice,
}

func toModelFacetValues(vs []scalefield.FacetValue) []*model.FacetValue {
	out := make([]*model.FacetValue, 0, len(vs))
	for _, v := range vs {
		out = append(out, &model.FacetValue{Value: v.Value, Count: int(v.Count)})
	}
	return out
}

var groupByDimension = map[model.GroupBy]scalefield.Dimension{
	model.GroupBySeverity: scalefield.DimSeverity, model.GroupByClass: scalefield.DimClass,
	model.GroupBySource: scalefield.DimSource, model.GroupBySrcIP: scalefield.DimSrcIP,
	model.GroupByUser: scalefield.DimUser, model.GroupByCountry: scalefield.DimCountry,
}

var metricNames = map[model.Metric]scalefield.Metric{
	model.MetricEvents: scalefield.MetricEvents, model.MetricThreats: scalefield.MetricThreats,
	model.MetricCriticalAlerts: scalefield.MetricCriticalAlerts, model.MetricDuplicates: scalefield.MetricDuplicates,
}

var intervalNames = map[model.Interval]scalefield.Interval{
	model.IntervalHour: scalefield.IntervalHour, model.IntervalDay: scalefield.IntervalDay, model.IntervalMonth: scalefield.IntervalMonth,
}

func toModelRetention(p *scalefield.RetentionPolicy) *model.RetentionPolicy {
	return &model.RetentionPolicy{BronzeDays: p.BronzeDays, SilverDays: p.SilverDays, GoldDays: p.GoldDays, Custom: p.Custom}
}

// eventID is the GraphQL ID of a Silver event: its time (Unix
// microseconds) and ID, the key of its partitioned table.
func eventID(e *scalefield.SecurityEvent) string {
	return strconv.FormatInt(e.Time.UnixMicro(), 10) + "-" + strconv.FormatInt(e.ID, 10)
}

// parseEventID reads an eventID; NOT_FOUND for anything else.
func parseEventID(s string) (int64, time.Time, error) {
	micros, id, ok := strings.Cut(s, "-")
	m, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return 0, time.Time{}, scalefield.Errorf(scalefield.ENOTFOUND, "no event has ID %q", s)
	}
	return n, time.UnixMicro(m).UTC(), nil
}

// parseID reads a numeric ID; NOT_FOUND for anything else, since no object
// has it.
func parseID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, scalefield.Errorf(scalefield.ENOTFOUND, "no object has ID %q", id)
	}
	return n, nil
}
