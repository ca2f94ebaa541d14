package mapper

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/store"
)

var _ store.NormalizeFunc = Normalize
var _ store.NormalizeFunc = (&Registry{}).Normalize

// quote returns s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

const (
	cefLine5   = `CEF:0|Acme|Firewall|1.0|100|Blocked|5|src=10.0.0.1 dst=10.0.0.2 suser=bob act=deny`
	syslogLine = `<34>1 2026-01-02T09:30:00.000Z fw01 sshd 42 ID1 - Failed password for bob`
	csStream   = `{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":1767347512000},"event":{"DetectName":"Credential Theft","SeverityName":"High","ComputerName":"wks-1"}}`
)

// TestDispatch checks which mapper each kind, sourcetype and payload shape
// goes to, and the fields that show it went there.
func TestDispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, kind, sourcetype, payload string
		route                           string
		check                           func(t *testing.T, e *scalefield.SecurityEvent)
	}{
		{"hec object without a vendor shape", KindHEC, "_json", hec(`{"msg":"hello","level":"warning","src_ip":"10.1.1.1"}`), routeHEC,
			want(scalefield.SecurityEvent{Message: "hello", Severity: scalefield.SeverityMedium, SrcIP: "10.1.1.1"})},
		{"hec plain string", KindHEC, "_json", hec(`"user bob logged in"`), routeHEC,
			want(scalefield.SecurityEvent{Message: "user bob logged in", Severity: scalefield.SeverityUnknown})},
		{"hec string holding CEF", KindHEC, "", hec(quote(cefLine5)), routeCEF,
			want(scalefield.SecurityEvent{Message: "Blocked", Severity: scalefield.SeverityMedium, User: "bob", SrcIP: "10.0.0.1", DstIP: "10.0.0.2", Action: "deny"})},
		{"hec string holding CEF takes the envelope time as reference", KindHEC, "",
			`{"time":1767340800,"event":` + quote(`CEF:0|Acme|Gate|1|s|Login|3|rt=Jan 02 08:00:00`) + `}`, routeCEF,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC), Message: "Login", Severity: scalefield.SeverityLow})},
		{"hec string holding syslog", KindHEC, "", hec(quote(syslogLine)), routeSyslog,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 30, 0, 0, time.UTC), Host: "fw01", Source: "sshd", Message: "Failed password for bob", Severity: scalefield.SeverityCritical})},
		{"hec string holding syslog with CEF", KindHEC, "", hec(quote(`<134>Jan  2 09:55:12 fw01 ` + cefLine5)), routeCEF,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 55, 12, 0, time.UTC), Host: "fw01", Message: "Blocked", Severity: scalefield.SeverityMedium, User: "bob", SrcIP: "10.0.0.1", DstIP: "10.0.0.2", Action: "deny"})},
		{"hec string holding a connector file line", KindHEC, "", hec(quote(`Jan  2 08:26:10 arcsight-01 ` + cefLine5)), routeCEF,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 8, 26, 10, 0, time.UTC), Host: "arcsight-01", Message: "Blocked", Severity: scalefield.SeverityMedium, User: "bob", SrcIP: "10.0.0.1", DstIP: "10.0.0.2", Action: "deny"})},
		{"hec string holding a vendor's JSON", KindHEC, "", hec(quote(csStream)), string(VendorCrowdStrike),
			want(scalefield.SecurityEvent{Host: "wks-1", Message: "Credential Theft", Severity: scalefield.SeverityHigh})},
		{"hec string holding other JSON stays a string", KindHEC, "", hec(quote(`{"msg":"x"}`)), routeHEC,
			want(scalefield.SecurityEvent{Message: `{"msg":"x"}`, Severity: scalefield.SeverityUnknown})},
		{"hec vendor by shape", KindHEC, "_json", hec(csStream), string(VendorCrowdStrike), nil},
		{"hec vendor by sourcetype only", KindHEC, "aws:securityhub", hec(`{"Title":"Weak policy","Severity":{"Label":"LOW"}}`), string(VendorASFF),
			want(scalefield.SecurityEvent{Message: "Weak policy", Severity: scalefield.SeverityLow, Source: "AWS Security Hub"})},
		{"the same payload without the sourcetype is generic", KindHEC, "_json", hec(`{"Title":"Weak policy","Severity":{"Label":"LOW"}}`), routeHEC,
			nil}, // which quarantines it: NormalizeHEC reads "severity" and finds an object
		{"vendor sourcetype, other data of that vendor", KindHEC, "crowdstrike:events:sensor", hec(`{"event_simpleName":"ProcessRollup2","message":"m"}`), routeHEC, nil},
		{"sourcetype match ignores case", KindHEC, "QRADAR:Offense", hec(`{"id":1,"magnitude":4,"description":"d"}`), string(VendorQRadar), nil},
		{"registry overrides the built-in sourcetype", KindHEC, "aws:securityhub:custom", hec(`{"Title":"t","note":"n"}`), routeMapping,
			want(scalefield.SecurityEvent{Message: "n", Severity: scalefield.SeverityUnknown})},
		{"registry prefers the longest prefix", KindHEC, "acme:waf:json:v2", hec(`{"other":"o","msg":"m"}`), routeMapping,
			want(scalefield.SecurityEvent{Message: "o", Severity: scalefield.SeverityUnknown})},
		{"records wrapper with one record", KindHEC, "", hec(`{"records":[` + csStream + `]}`), string(VendorCrowdStrike), nil},
		{"records wrapper of unknown rows is generic", KindHEC, "", hec(`{"records":[{"a":1},{"a":2}]}`), routeHEC, nil},

		{"raw CEF", KindHECRaw, "", cefLine5 + "\r\n", routeCEF, nil},
		{"raw syslog", KindHECRaw, "", syslogLine, routeSyslog, nil},
		{"raw vendor JSON", KindHECRaw, "", csStream, string(VendorCrowdStrike), nil},
		{"raw other JSON uses the generic rules", KindHECRaw, "", `{"message":"m","severity":"high","user":"u"}`, routeHEC,
			want(scalefield.SecurityEvent{Message: "m", Severity: scalefield.SeverityHigh, User: "u"})},
		{"raw broken JSON is text", KindHECRaw, "", `{"message":`, routeText,
			want(scalefield.SecurityEvent{Message: `{"message":`, Severity: scalefield.SeverityUnknown})},
		{"raw text", KindHECRaw, "", "disk full on /var\n", routeText,
			want(scalefield.SecurityEvent{Message: "disk full on /var", Severity: scalefield.SeverityUnknown})},
		{"raw registered mapping", KindHECRaw, "okta:im2:log", `{"displayMessage":"x","severity":"ERROR"}`, routeMapping,
			want(scalefield.SecurityEvent{Message: "x", Severity: scalefield.SeverityHigh})},

		{"syslog plain", KindSyslog, "", syslogLine, routeSyslog, nil},
		{"syslog Cisco severity wins", KindSyslog, "", `<166>Jan  2 09:58:00 asa-fw01 : %ASA-2-106001: Inbound TCP connection denied`, routeSyslog,
			want(scalefield.SecurityEvent{Host: "asa-fw01", Source: "ASA", Severity: scalefield.SeverityCritical, Message: "Inbound TCP connection denied"})},
		{"syslog with CEF", KindSyslog, "", `<134>1 2026-01-02T09:00:00Z fw01 cef - - - ` + cefLine5, routeCEF,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Host: "fw01", Message: "Blocked", Severity: scalefield.SeverityMedium, User: "bob", SrcIP: "10.0.0.1", DstIP: "10.0.0.2", Action: "deny"})},
		{"syslog with vendor JSON", KindSyslog, "", `<14>1 2026-01-02T09:00:00Z relay-1 falcon - - - ` + `{"metadata":{"eventType":"DetectionSummaryEvent"},"event":{"DetectName":"x","SeverityName":"Low"}}`, string(VendorCrowdStrike),
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Host: "relay-1", Message: "x", Severity: scalefield.SeverityLow})},
		{"syslog with other JSON", KindSyslog, "", `<14>1 2026-01-02T09:00:00Z relay-1 app - - - {"a":1}`, routeSyslog,
			want(scalefield.SecurityEvent{Message: `{"a":1}`, Severity: scalefield.SeverityInfo})},
		{"syslog sshd logon", KindSyslog, "", `<38>1 2026-01-02T09:00:00Z bastion sshd 9 - - Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2`, routeSyslog,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Host: "bastion", Source: "sshd",
				Message: "Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2", Severity: scalefield.SeverityInfo,
				User: "admin", SrcIP: "203.0.113.9", SrcPort: 4242, ClassUID: scalefield.ClassAuthentication, ActivityID: authLogon,
				ActivityName: "Logon", Status: statusFailure, Device: "sshd"})},

		{"hec object with OCSF keys", KindHEC, "_json", `{"time":1767344400,"event":{"msg":"m","src_port":"50122","dest_port":443,"dst_hostname":"api","outcome":"Failed","class_uid":4001,"activity_id":5,"vendor_event_id":"v-1"},"fields":{"device":"Acme FW"}}`, routeHEC,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Message: "m", Severity: scalefield.SeverityUnknown,
				SrcPort: 50122, DstPort: 443, DstHostname: "api", Status: statusFailure, ClassUID: scalefield.ClassNetworkActivity,
				ActivityID: networkRefuse, ActivityName: "Refuse", VendorEventID: "v-1", Device: "Acme FW"})},
		{"hec object with OCSF keys in capitals", KindHEC, "_json", hec(`{"msg":"m","SRC_PORT":50122,"Dst_Hostname":"api","Outcome":"Success"}`), routeHEC,
			want(scalefield.SecurityEvent{Message: "m", Severity: scalefield.SeverityUnknown, ActivityName: "Unknown", SrcPort: 50122, DstHostname: "api",
				Status: statusSuccess, Warnings: []string{"no event time; the receive time is used"}})},
		{"hec object whose OCSF keys do not read", KindHEC, "_json", hec(`{"msg":"m","src_port":"ssh","class_uid":"9999","status":200}`), routeHEC,
			want(scalefield.SecurityEvent{Message: "m", Severity: scalefield.SeverityUnknown, ActivityName: "Unknown",
				Warnings: []string{`src_port "ssh" is not a port`, `class_uid "9999" is not an OCSF class Silver assigns`, "no event time; the receive time is used"}})},

		{"gather record", KindGather, "db:postgresql", `{"Time":"2026-01-02T09:00:00Z","Engine":"postgresql","User":"u","ActionClass":"AUTH","Action":"LOGIN","Status":"failure","ClientAddr":"10.0.0.9"}`, routeGather,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Message: "postgresql: u LOGIN from 10.0.0.9 failed",
				Severity: scalefield.SeverityLow, User: "u", SrcIP: "10.0.0.9", Action: "LOGIN", ClassUID: scalefield.ClassAuthentication,
				ActivityID: authLogon, ActivityName: "Logon", Status: statusFailure, Device: "postgresql"})},
		{"gather engine from the sourcetype", KindGather, "db:mysql", `{"Time":"2026-01-02T09:00:00Z","ActionClass":"CONNECT","Action":"Quit"}`, routeGather,
			want(scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Message: "mysql: unknown user Quit",
				Severity: scalefield.SeverityInfo, Action: "Quit", ClassUID: scalefield.ClassAuthentication, ActivityID: authLogoff,
				ActivityName: "Logoff", Device: "mysql"})},
	}
	reg := mustRegistry(t)
	if err := reg.Load([]SourceMapping{
		{Sourcetype: "aws:securityhub:custom", Fields: &FieldMapping{Message: []string{"note"}}},
		{Sourcetype: "acme:waf:json:*", Fields: &FieldMapping{Message: []string{"other"}}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := record(t, tt.kind, []byte(tt.payload))
			b.Sourcetype = tt.sourcetype
			e, route, err := reg.normalize(b)
			if route != tt.route {
				t.Errorf("route %q, want %q", route, tt.route)
			}
			if err != nil {
				if tt.check != nil || tt.route != routeHEC {
					t.Fatalf("route %s: %v", route, err)
				}
				return
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

// want checks the fields of w that are set (Time, Host and Source only
// when set) against the event.
func want(w scalefield.SecurityEvent) func(t *testing.T, e *scalefield.SecurityEvent) {
	return func(t *testing.T, e *scalefield.SecurityEvent) {
		t.Helper()
		got := *e
		if w.Time.IsZero() {
			got.Time = time.Time{}
		}
		if w.Host == "" {
			got.Host = ""
		}
		if w.Source == "" {
			got.Source = ""
		}
		got.Sourcetype = ""
		if reflect.DeepEqual(ocsfPart(w), ocsfPart(scalefield.SecurityEvent{})) {
			clearOCSF(&got) // the case checks the other fields only
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("got  %+v\nwant %+v", got, w)
		}
	}
}

// ocsfPart returns the OCSF fields of e.
func ocsfPart(e scalefield.SecurityEvent) scalefield.SecurityEvent {
	return scalefield.SecurityEvent{ClassUID: e.ClassUID, ActivityID: e.ActivityID, ActivityName: e.ActivityName,
		Status: e.Status, SrcPort: e.SrcPort, DstPort: e.DstPort, SrcHostname: e.SrcHostname, DstHostname: e.DstHostname,
		Device: e.Device, VendorEventID: e.VendorEventID, DBName: e.DBName, DBStatement: e.DBStatement,
		DBObject: e.DBObject, DBRows: e.DBRows, FindingUID: e.FindingUID, FindingTitle: e.FindingTitle, Warnings: e.Warnings}
}

// clearOCSF zeroes the OCSF fields of e.
func clearOCSF(e *scalefield.SecurityEvent) {
	e.ClassUID, e.ActivityID, e.ActivityName, e.Status = 0, 0, "", ""
	e.SrcPort, e.DstPort, e.SrcHostname, e.DstHostname = 0, 0, "", ""
	e.Device, e.VendorEventID, e.DBName, e.DBStatement, e.DBObject, e.DBRows = "", "", "", "", "", 0
	e.FindingUID, e.FindingTitle, e.Warnings = "", "", nil
}

// TestSharedSamples maps every line of the shared corpora in each way it
// can arrive: as a raw HEC line, as an HEC string event and over syslog.
func TestSharedSamples(t *testing.T) {
	t.Parallel()
	for _, corpus := range []string{cefSamples, rfc5424Samples} {
		for i, line := range mustLines(t, corpus) {
			ways := map[string]*scalefield.BronzeEvent{
				"hec-raw":    record(t, KindHECRaw, []byte(line)),
				"hec string": record(t, KindHEC, []byte(hec(quote(line)))),
			}
			if strings.HasPrefix(line, "CEF:") {
				ways["syslog 3164"] = record(t, KindSyslog, []byte("<134>Jan  2 09:50:00 dev-01 "+line))
				ways["syslog 5424"] = record(t, KindSyslog, []byte("<134>1 2026-01-02T09:50:00Z dev-01 cef - - - "+line))
			} else {
				ways["syslog"] = record(t, KindSyslog, []byte(line))
			}
			for way, b := range ways {
				got, route, err := (*Registry)(nil).normalize(b)
				if err != nil {
					t.Errorf("%s line %d as %s: %v", corpus, i+1, way, err)
					continue
				}
				wantRoute := routeSyslog
				if strings.HasPrefix(line, "CEF:") {
					wantRoute = routeCEF
				}
				if route != wantRoute {
					t.Errorf("%s line %d as %s: route %s, want %s", corpus, i+1, way, route, wantRoute)
				}
				checkInvariants(t, got)
			}
		}
	}
}

// TestPlainHECShortcut checks that the payloads plainHEC sends straight to
// the generic rules are exactly those no vendor claims by shape: every
// vendor sample has a marker, and the shortcut gives what the full path
// gives.
func TestPlainHECShortcut(t *testing.T) {
	t.Parallel()
	for _, dir := range vendorDirs {
		if dir == "generic" {
			continue // no vendor shape: plain unless their sourcetype is registered
		}
		for _, f := range samples(t, dir) {
			payload, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if (*Registry)(nil).plainHEC("_json", payload) {
				t.Errorf("%s: plainHEC takes a vendor sample for generic", f)
			}
		}
	}
	for _, p := range []string{hec(`{"msg":"m","level":"low","src_ip":"10.0.0.1"}`), hec(`"text"`), `{"time":1767347400,"event":{"a":[1,2]}}`} {
		r := (*Registry)(nil)
		if !r.plainHEC("_json", []byte(p)) {
			t.Errorf("%s: not taken as plain", p)
		}
		b := record(t, KindHEC, []byte(p))
		b.Sourcetype = "_json"
		fast, _, err := r.hec(&input{b: b, host: b.Host, source: b.Source, sourcetype: b.Sourcetype, ref: received})
		if err != nil {
			t.Fatal(err)
		}
		want, err := pipeline.NormalizeHEC(b)
		if err != nil {
			t.Fatal(err)
		}
		clearOCSF(fast) // NormalizeHEC leaves them empty
		if !reflect.DeepEqual(*fast, *want) {
			t.Errorf("%s: shortcut gives %+v, NormalizeHEC %+v", p, *fast, *want)
		}
	}
}

// TestCleaning checks that text from every path is made safe for
// PostgreSQL: no NUL, valid UTF-8, bounded, canonical addresses.
func TestCleaning(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", pipeline.MaxMessageLen) // 2 bytes each
	tests := []struct {
		name, kind, payload string
		want                scalefield.SecurityEvent
	}{
		{"generic NUL and invalid UTF-8", KindHEC, hec(`{"message":"a\u0000b","user":"c\u0000"}`),
			scalefield.SecurityEvent{Message: "ab", User: "c", Severity: scalefield.SeverityUnknown}},
		{"raw invalid UTF-8", KindHECRaw, "bad \xff\xfe byte",
			scalefield.SecurityEvent{Message: "bad \uFFFD byte", Severity: scalefield.SeverityUnknown}},
		{"generic zone dropped from an address", KindHEC, hec(`{"message":"m","src_ip":"fe80::1%eth0"}`),
			scalefield.SecurityEvent{Message: "m", SrcIP: "fe80::1", Severity: scalefield.SeverityUnknown}},
		{"generic long message cut on a character", KindHEC, hec(quote(long)),
			scalefield.SecurityEvent{Message: long[:pipeline.MaxMessageLen], Severity: scalefield.SeverityUnknown}},
		{"raw long message cut on a character", KindHECRaw, "a" + long[:10000],
			scalefield.SecurityEvent{Message: "a" + long[:pipeline.MaxMessageLen-2], Severity: scalefield.SeverityUnknown}},
		{"syslog NUL inside the message", KindSyslog, "<14>1 2026-01-02T09:00:00Z h a - - - x\x00y",
			scalefield.SecurityEvent{Message: "xy", Severity: scalefield.SeverityInfo}},
		{"CEF mapped IPv4 in IPv6", KindHECRaw, "CEF:0|A|B|1|s|n|1|src=::ffff:192.0.2.1",
			scalefield.SecurityEvent{Message: "n", SrcIP: "192.0.2.1", Severity: scalefield.SeverityLow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Normalize(record(t, tt.kind, []byte(tt.payload)))
			if err != nil {
				t.Fatal(err)
			}
			want(tt.want)(t, e)
			checkInvariants(t, e)
		})
	}
}

func TestSafeError(t *testing.T) {
	t.Parallel()
	inner := errors.New("bad \xff\x00 byte" + strings.Repeat("x", 3000))
	err := safeError(inner)
	if msg := err.Error(); !strings.HasPrefix(msg, "bad \uFFFD byte") || len(msg) != maxReasonLen {
		t.Errorf("safeError text %q…", msg[:20])
	}
	if !errors.Is(err, inner) {
		t.Error("safeError hides the error it cleans")
	}
	if clean := errors.New("fine"); safeError(clean) != clean {
		t.Error("safeError wraps a clean error")
	}
}

// TestCleanShortcut checks that clean's shortcut for clean ASCII gives
// what the full rules give.
func TestCleanShortcut(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "abc def", " a", "a ", "\ta", "a\n", "a\x00b", "\x01a", "a\x7f", "é", "a\xffb",
		"a\u0085", "\u00a0a", strings.Repeat("x", 30), "  ", "\x00"} {
		for _, n := range []int{1, 3, 8, 64} {
			want := strings.TrimSpace(pipeline.CleanText(s))
			if len(want) > n {
				want = strings.TrimSpace(pipeline.TruncateUTF8(want, n))
			}
			if got := clean(s, n); got != want {
				t.Errorf("clean(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}
