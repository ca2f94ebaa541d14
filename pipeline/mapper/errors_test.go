package mapper

import (
	"encoding/json"
	"strings"
	"testing"
)

// hec wraps an event (JSON text) in an HEC envelope.
func hec(event string) string { return `{"event":` + event + `}` }

// finding returns a valid ASFF finding with overrides merged in.
func finding(title string, extra string) string {
	return `{"SchemaVersion":"2018-10-08","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/guardduty","Title":"` + title +
		`","UpdatedAt":"2026-01-02T09:00:00Z","Severity":{"Label":"LOW"}` + extra + `}`
}

func stream(event string) string {
	return `{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":1767347512000},"event":` + event + `}`
}

// TestMalformed checks that each mapper names what is wrong and where in
// payloads it claims.
func TestMalformed(t *testing.T) {
	t.Parallel()
	threeFindings := `{"findings":[` + finding("a", "") + `,` + finding("b", "") + `,` +
		`{"SchemaVersion":"2018-10-08","ProductArn":"p","Title":"c","Severity":{"Label":"SEVERE"}}]}`
	tests := []struct {
		name, kind, sourcetype, payload, want string
	}{
		// AWS Security Hub.
		{"asff bad label in the third finding", KindHEC, "aws:securityhub", hec(threeFindings),
			`asff: findings[2]: Severity.Label "SEVERE" is not a severity (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL)`},
		{"asff findings not a list", KindHEC, "aws:securityhub", hec(`{"findings":{"Title":"x"}}`),
			`asff: findings is an object, not an array`},
		{"asff empty findings", KindHEC, "aws:securityhub", hec(`{"findings":[]}`), `asff: findings is empty`},
		{"asff finding not an object", KindHEC, "", hec(`{"Findings":[` + finding("a", "") + `,"b"]}`),
			`asff: Findings[1] is a string, not an object`},
		{"asff normalized out of range", KindHEC, "", hec(`{"SchemaVersion":"2018-10-08","ProductArn":"p","Title":"t","Severity":{"Normalized":150}}`),
			`asff: finding: Severity.Normalized 150 is outside 0-100`},
		{"asff severity not an object", KindHEC, "", hec(`{"SchemaVersion":"2018-10-08","ProductArn":"p","Title":"t","Severity":"HIGH"}`),
			`asff: finding: Severity is a string, not an object`},
		{"asff bad source address", KindHEC, "", hec(`{"detail":{"findings":[` + finding("a", `,"Network":{"SourceIpV4":"10.0.0.300"}`) + `]}}`),
			`asff: detail.findings[0]: Network.SourceIpV4 "10.0.0.300" is not an IP address`},
		{"asff bad time", KindHEC, "", hec(`{"SchemaVersion":"2018-10-08","ProductArn":"p","Title":"t","UpdatedAt":"yesterday"}`),
			`asff: finding: UpdatedAt "yesterday" is neither epoch time nor RFC 3339`},
		{"asff no title", KindHEC, "", hec(`{"SchemaVersion":"2018-10-08","ProductArn":"p"}`),
			`asff: finding: Title is missing, and so is Description`},
		{"asff declared but not a finding", KindHEC, "asff-declared", hec(`{"foo":1}`),
			`asff: neither a findings list nor a finding (no SchemaVersion, ProductArn, Id or Title)`},

		// CrowdStrike.
		{"crowdstrike unknown severity name", KindHEC, "", hec(stream(`{"DetectName":"x","SeverityName":"Severe"}`)),
			`crowdstrike: DetectionSummaryEvent: event.SeverityName "Severe" is not a severity (Informational, Low, Medium, High, Critical)`},
		{"crowdstrike severity out of range", KindHEC, "", hec(stream(`{"DetectName":"x","Severity":9}`)),
			`crowdstrike: DetectionSummaryEvent: event.Severity 9 is not 1-5`},
		{"crowdstrike bad local IP", KindHEC, "", hec(stream(`{"DetectName":"x","LocalIP":"999.1.1.1"}`)),
			`crowdstrike: DetectionSummaryEvent: event.LocalIP "999.1.1.1" is not an IP address`},
		{"crowdstrike bad creation time", KindHEC, "", hec(`{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":"soon"},"event":{"DetectName":"x"}}`),
			`crowdstrike: DetectionSummaryEvent: metadata.eventCreationTime "soon" is neither epoch time nor RFC 3339`},
		{"crowdstrike declared but not a stream event", KindHEC, "cs-declared", hec(`{"event_simpleName":"ProcessRollup2"}`),
			`crowdstrike: not a streaming API event (needs metadata.eventType and an event object)`},
		{"crowdstrike metadata not an object", KindHEC, "cs-declared", hec(`{"metadata":"x","event":{}}`),
			`crowdstrike: metadata is a string, not an object`},

		// Microsoft Defender.
		{"defender unknown severity", KindHEC, "ms:defender:atp:alerts", hec(`{"id":"a1","title":"t","severity":"severe"}`),
			`defender: alert a1: severity "severe" is not one of informational, low, medium, high, unknown`},
		{"defender bad creation time", KindHEC, "", hec(`{"title":"t","createdDateTime":"02/01/2026","serviceSource":"x"}`),
			`defender: createdDateTime "02/01/2026" is neither epoch time nor RFC 3339`},
		{"defender evidence not a list", KindHEC, "", hec(`{"title":"t","createdDateTime":"2026-01-02T09:00:00Z","evidence":{}}`),
			`defender: evidence is an object, not an array`},
		{"defender bad evidence address", KindHEC, "", hec(`{"title":"t","createdDateTime":"2026-01-02T09:00:00Z","evidence":[{"@odata.type":"#microsoft.graph.security.ipEvidence","ipAddress":"host-a"}]}`),
			`defender: evidence.0.ipAddress "host-a" is not an IP address`},
		{"defender declared but not an alert", KindHEC, "ms:defender:x", hec(`{"foo":1}`), ``}, // not claimed: generic

		// Azure Sentinel.
		{"sentinel unknown severity", KindHEC, "", hec(`{"AlertName":"a","AlertSeverity":"Critical"}`),
			`sentinel: SecurityAlert: AlertSeverity "Critical" is not one of High, Medium, Low, Informational`},
		{"sentinel entities not JSON", KindHEC, "", hec(`{"AlertName":"a","AlertSeverity":"Low","Entities":"[{\"Type\":"}`),
			`sentinel: SecurityAlert: Entities is not a JSON array: unexpected EOF`},
		{"sentinel bad entity address", KindHEC, "", hec(`{"AlertName":"a","AlertSeverity":"Low","Entities":[{"Type":"host","HostName":"h"},{"Type":"ip","Address":"10.0.0.1.5"}]}`),
			`sentinel: SecurityAlert: Entities[1]: Address "10.0.0.1.5" is not an IP address`},
		{"sentinel bad time", KindHEC, "", hec(`{"AlertName":"a","AlertSeverity":"Low","TimeGenerated":"1/2/2026 9:00:00 AM"}`),
			`sentinel: SecurityAlert: TimeGenerated "1/2/2026 9:00:00 AM" is neither epoch time nor RFC 3339`},
		{"sentinel declared but neither row", KindHEC, "sentinel-declared", hec(`{"foo":1}`),
			`sentinel: neither a SecurityAlert row (no AlertName) nor a SecurityEvent row (no EventID)`},

		// IBM QRadar.
		{"qradar severity out of range", KindHEC, "", hec(`{"id":7,"offense_source":"10.0.0.1","offense_type":0,"severity":12}`),
			`qradar: offense 7: severity 12 is outside 0-10`},
		{"qradar bad start time", KindHEC, "", hec(`{"id":7,"offense_source":"10.0.0.1","magnitude":3,"start_time":"abc"}`),
			`qradar: offense 7: start_time "abc" is neither epoch time nor RFC 3339`},
		{"qradar source IP offense without an IP", KindHEC, "", hec(`{"id":7,"offense_source":"db-01","offense_type":0}`),
			`qradar: offense 7: offense_source "db-01" is not an IP address`},
		{"qradar categories not a list", KindHEC, "", hec(`{"id":7,"offense_source":"db-01","offense_type":7,"categories":"Login"}`),
			`qradar: offense 7: categories is a string, not an array`},
		{"qradar time before 1990", KindHEC, "", hec(`{"id":7,"offense_source":"db-01","offense_type":7,"start_time":0}`),
			`qradar: offense 7: start_time 1970-01-01T00:00:00Z is out of range (1990-2199)`},

		// Windows.
		{"windows bad event id", KindHEC, "", hec(`{"winlog":{"event_id":"abc","channel":"Security"}}`),
			`windows: winlog.event_id "abc" is not an event ID (0-65535)`},
		{"windows bad address", KindHEC, "", hec(`{"winlog":{"event_id":4624,"event_data":{"TargetUserName":"a","IpAddress":"bogus"}}}`),
			`windows: event 4624: winlog.event_data.IpAddress "bogus" is not an IP address`},
		{"windows bad timestamp", KindHEC, "", hec(`{"@timestamp":"never","winlog":{"event_id":4624}}`),
			`windows: @timestamp "never" is neither epoch time nor RFC 3339`},
		{"windows event without an ID", KindHEC, "", hec(`{"Event":{"System":{"Channel":"Security"}}}`),
			`windows: Event.System.EventID is missing`},
		{"windows Sentinel row ID out of range", KindHEC, "", hec(`{"EventID":70000,"Computer":"c","Activity":"x"}`),
			`windows: EventID "70000" is not an event ID (0-65535)`},
		{"windows EventData not an object", KindHEC, "", hec(`{"Event":{"System":{"EventID":4624},"EventData":"x"}}`),
			`windows: Event.EventData is a string, not an object`},

		// Generic field mapping.
		{"mapping time does not match", KindHEC, "legacy:badge", hec(`{"when":"2026-01-02","text":"t"}`),
			`mapping "legacy:badge": when "2026-01-02" does not match the time format "02/01/2006 15:04:05"`},
		{"mapping bad address", KindHEC, "acme:waf:json", hec(`{"ts":1767347577123,"msg":"m","client":{"ip":"x"}}`),
			`mapping "acme:waf:*": client.ip "x" is not an IP address`},
		{"mapping severity out of range", KindHEC, "acme:waf:json", hec(`{"msg":"m","risk":11}`),
			`mapping "acme:waf:*": risk 11 is outside 0-10 and not in the severity map`},
		{"mapping time is an object", KindHEC, "okta:im2:log", hec(`{"published":{"at":1},"displayMessage":"m"}`),
			`mapping "okta:im2:log": published is an object, not a time`},
		{"mapping epoch out of range", KindHEC, "acme:waf:json", hec(`{"ts":1,"msg":"m"}`),
			`mapping "acme:waf:*": ts 1 is out of range (1990-2199)`},

		// CEF, syslog, HEC, raw lines.
		{"cef address that is a name", KindHECRaw, "", `CEF:0|Acme|Gate|1|s|n|5|src=gateway.example.com`,
			`cef: sourceAddress: "gateway.example.com" is not an IP address`},
		{"cef bad severity in HEC", KindHEC, "", hec(`"CEF:0|Acme|Gate|1|s|n|12|"`),
			`cef: severity "12" is neither 0-10 nor Unknown, Low, Medium, High or Very-High (at byte 22)`},
		{"syslog bad timestamp", KindSyslog, "", `<13>Feb 30 10:00:00 host app: m`,
			`rfc3164: timestamp: day does not exist in the years around the reference time (at byte 8)`},
		{"syslog RFC 5424 bad date", KindSyslog, "", `<13>1 2026-13-01T00:00:00Z host app - - - m`,
			`rfc5424: expecting a RFC3339MICRO timestamp or a nil value (at byte 12)`},
		{"syslog CEF offset in the message", KindSyslog, "", `<134>Jan  2 09:55:00 h CEF:0|A|B|1|s|n|x|`,
			`cef: severity "x" is neither 0-10 nor Unknown, Low, Medium, High or Very-High (at byte 39)`},
		{"syslog time out of range", KindSyslog, "", `<13>1 1985-01-01T00:00:00Z host app - - - m`,
			`syslog: event time 1985-01-01T00:00:00Z is out of range (1990-2199)`},
		{"hec bad envelope time", KindHEC, "", `{"time":"noon","event":"CEF:0|A|B|1|s|n|1|"}`,
			`envelope time: "noon" is neither epoch seconds nor RFC 3339`},
		{"hec not JSON", KindHEC, "", `not json`,
			`payload is not an HEC event object: invalid character 'o' in literal null (expecting 'u')`},
		{"hec blank after cleaning", KindHEC, "", hec(`"\u0000 \u0000"`), `event is blank`},
		{"hec generic bad address", KindHEC, "", hec(`{"message":"m","src_ip":"nope"}`), `field "src_ip": "nope" is not an IP address`},
		{"raw blank line", KindHECRaw, "", " \r\n", `hec-raw: line is blank`},
		{"unknown kind", "netflow", "", `x`, `record kind "netflow" is not one of hec, hec-raw, syslog, gather`},
		{"records of one vendor", KindHEC, "", hec(`{"records":[{"AlertName":"a","AlertSeverity":"Low"},{"AlertName":"b","AlertSeverity":"Low"}]}`),
			`azure-sentinel: 2 records in one event; only events with one record are mapped (the record stays in Bronze)`},
	}
	reg := mustRegistry(t)
	for st, v := range map[string]Vendor{"asff-declared": VendorASFF, "cs-declared": VendorCrowdStrike, "sentinel-declared": VendorSentinel} {
		if err := reg.Declare(st, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := record(t, tt.kind, []byte(tt.payload))
			b.Sourcetype = tt.sourcetype
			e, _, err := reg.normalize(b)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got error %q, want an event", err)
			case tt.want == "":
				return
			case err == nil:
				ej, _ := json.Marshal(e)
				t.Fatalf("got event %s, want error %q", ej, tt.want)
			case err.Error() != tt.want:
				t.Errorf("got  %q\nwant %q", err, tt.want)
			}
			if e != nil {
				t.Errorf("got an event with the error")
			}
			if strings.Contains(err.Error(), "\x00") {
				t.Errorf("error holds a NUL")
			}
		})
	}
}
