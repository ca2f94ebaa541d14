package parse

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// cefLine builds a record with a fixed header around an extension.
func cefLine(ext string) string { return "CEF:0|Acme|Gate|2.1|sig|Name|5|" + ext }

func mustParseCEF(t *testing.T, input string, ref time.Time) *CEF {
	t.Helper()
	c, err := ParseCEFAt([]byte(input), ref)
	if err != nil {
		t.Fatalf("ParseCEFAt(%q): %v", input, err)
	}
	return c
}

func TestParseCEFHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		want        CEF
	}{
		{"plain", "CEF:0|Acme|Gate|2.1|100|Login failed|7|",
			CEF{Version: 0, DeviceVendor: "Acme", DeviceProduct: "Gate", DeviceVersion: "2.1", SignatureID: "100", Name: "Login failed", Severity: "7", SeverityLevel: 7}},
		{"escaped pipe and backslash", `CEF:1|Ac\|me|Ga\\te|2\.1|1\|2|a \| b|10|`,
			CEF{Version: 1, DeviceVendor: "Ac|me", DeviceProduct: `Ga\te`, DeviceVersion: `2\.1`, SignatureID: "1|2", Name: "a | b", Severity: "10", SeverityLevel: 10}},
		{"escaped backslash before a separator", `CEF:0|Acme\\|Gate|1|s|n|0|`,
			CEF{DeviceVendor: `Acme\`, DeviceProduct: "Gate", DeviceVersion: "1", SignatureID: "s", Name: "n", Severity: "0"}},
		{"no extension and no final pipe", "CEF:0|Acme|Gate|1|s|n|Low",
			CEF{DeviceVendor: "Acme", DeviceProduct: "Gate", DeviceVersion: "1", SignatureID: "s", Name: "n", Severity: "Low", SeverityLevel: 3}},
		{"empty optional fields, severity padded, CRLF", "CEF:0|Acme||||| Medium |\r\n",
			CEF{DeviceVendor: "Acme", Severity: "Medium", SeverityLevel: 6}},
		{"pipes in the extension need no escape", "CEF:0|Acme|Gate|1|s|n|5|msg=a|b",
			CEF{DeviceVendor: "Acme", DeviceProduct: "Gate", DeviceVersion: "1", SignatureID: "s", Name: "n", Severity: "5", SeverityLevel: 5,
				Extensions: []Extension{{Key: "msg", Name: "message", Value: "a|b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParseCEF(t, tt.input, time.Time{})
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseCEFSeverity(t *testing.T) {
	t.Parallel()
	for sev, want := range map[string]int{
		"0": 0, "1": 1, "5": 5, "09": 9, "10": 10,
		"Unknown": -1, "unknown": -1, "Low": 3, "LOW": 3, "Medium": 6, "High": 8,
		"Very-High": 10, "very-high": 10, "Very High": 10,
	} {
		c := mustParseCEF(t, "CEF:0|V|P|1|s|n|"+sev+"|", time.Time{})
		if c.SeverityLevel != want || c.Severity != sev {
			t.Errorf("severity %q: got %q level %d, want level %d", sev, c.Severity, c.SeverityLevel, want)
		}
	}
	for _, bad := range []string{"11", "-1", "100", "5.0", "", "Critical", "Very-Low", "1 0"} {
		c, err := ParseCEF([]byte("CEF:0|V|P|1|s|n|" + bad + "|"))
		mustParseError(t, c, err, CEFFormat, 16, "neither 0-10 nor")
	}
}

func TestParseCEFExtension(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ext string
		want      []Extension
	}{
		{"escapes in values", `a=x\=y b=c\\d e=l1\nl2\rl3 f=\q g=end\`,
			[]Extension{{"a", "a", "", "x=y"}, {"b", "b", "", `c\d`}, {"e", "e", "", "l1\nl2\rl3"}, {"f", "f", "", `\q`}, {"g", "g", "", `end\`}}},
		{"values with spaces, trailing spaces trimmed, leading kept", "msg=  Login failed  for bob   suser=bob  ",
			[]Extension{{"msg", "message", "", "  Login failed  for bob"}, {"suser", "sourceUserName", "", "bob"}}},
		{"unescaped '=' not starting a key stays in the value", "request=http://x/?a=b&c=d q=1",
			[]Extension{{"request", "requestUrl", "", "http://x/?a=b&c=d"}, {"q", "q", "", "1"}}},
		{"an escaped '=' never ends a value", `msg=a b\=c`,
			[]Extension{{"msg", "message", "", "a b=c"}}},
		{"escaped space is kept as written and does not end a value", `msg=a\ b=c`,
			[]Extension{{"msg", "message", "", `a\ b=c`}}},
		{"empty values", "a= b= c=",
			[]Extension{{"a", "a", "", ""}, {"b", "b", "", ""}, {"c", "c", "", ""}}},
		{"key characters", "ad.Error_,Code=1 f[0]=2 x-y.z=3",
			[]Extension{{"ad.Error_,Code", "ad.Error_,Code", "", "1"}, {"f[0]", "f[0]", "", "2"}, {"x-y.z", "x-y.z", "", "3"}}},
		{"leading spaces before the first key", "   src=10.0.0.1",
			[]Extension{{"src", "sourceAddress", "", "10.0.0.1"}}},
		{"duplicate keys are all kept", "act=a act=b",
			[]Extension{{"act", "deviceAction", "", "a"}, {"act", "deviceAction", "", "b"}}},
		{"value with a newline", "msg=line1\nline2",
			[]Extension{{"msg", "message", "", "line1\nline2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParseCEF(t, cefLine(tt.ext), time.Time{})
			if !reflect.DeepEqual(got.Extensions, tt.want) {
				t.Errorf("got  %q\nwant %q", got.Extensions, tt.want)
			}
		})
	}
}

func TestParseCEFLabels(t *testing.T) {
	t.Parallel()
	c := mustParseCEF(t, cefLine("cs1Label=Foo cs1=bar cn1=7 cn1Label=Host ID deviceCustomString2Label=Policy cs2=deny "+
		"c6a1=2001:db8::1 c6a1Label=Tunnel cfp1=1.5 cfp1Label=Score deviceCustomDate1=Jan 02 2026 10:00:00 deviceCustomDate1Label=Seen "+
		"flexString1Label=Team flexString1=red vendorThing=1 vendorThingLabel=Thing cs3=unlabelled"), time.Time{})
	wantLabels := map[string]string{
		"cs1": "Foo", "cn1": "Host ID", "cs2": "Policy", "c6a1": "Tunnel", "cfp1": "Score",
		"deviceCustomDate1": "Seen", "flexString1": "Team", "vendorThing": "Thing", "cs3": "",
	}
	for _, e := range c.Extensions {
		if want, ok := wantLabels[e.Key]; ok && e.Label != want {
			t.Errorf("%s: label %q, want %q", e.Key, e.Label, want)
		}
		if strings.HasSuffix(e.Key, "Label") && e.Label != "" {
			t.Errorf("label key %s got a label %q", e.Key, e.Label)
		}
	}
	for name, want := range map[string]string{
		"Foo": "bar", "Host ID": "7", "Policy": "deny", "Tunnel": "2001:db8::1", "Thing": "1",
		"cs1": "bar", "deviceCustomString1": "bar", "cs1Label": "Foo", "deviceCustomString1Label": "Foo", "cs3": "unlabelled",
	} {
		if got, ok := c.Get(name); !ok || got != want {
			t.Errorf("Get(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	f := c.Fields()
	for name, want := range map[string]string{"Foo": "bar", "deviceCustomString1": "bar", "deviceCustomString1Label": "Foo", "Host ID": "7", "Seen": "Jan 02 2026 10:00:00"} {
		if f[name] != want {
			t.Errorf("Fields()[%q] = %q, want %q", name, f[name], want)
		}
	}
	if _, ok := f["cs1"]; ok {
		t.Errorf("Fields() has the short key cs1; want full names only")
	}
}

func TestParseCEFLabelDoesNotShadowAName(t *testing.T) {
	t.Parallel()
	c := mustParseCEF(t, cefLine("msg=real cs1=custom cs1Label=message"), time.Time{})
	if f := c.Fields(); f["message"] != "real" {
		t.Errorf("Fields()[message] = %q, want the msg value", f["message"])
	}
}

func TestParseCEFDictionaryNames(t *testing.T) {
	t.Parallel()
	// Every key of the dictionary, by short key and by full name, gets its
	// full name.
	for _, k := range Dictionary() {
		for _, key := range []string{k.Key, k.Name} {
			value := "v"
			if k.Type == TypeTime {
				value = "1767348000000"
			}
			c := mustParseCEF(t, cefLine(key+"="+value), time.Time{})
			if got := c.Extensions[0].Name; got != k.Name {
				t.Errorf("%s: name %q, want %q", key, got, k.Name)
			}
			if got, ok := c.Get(k.Key); !ok || got != value {
				t.Errorf("%s: Get(%q) = %q, %v", key, k.Key, got, ok)
			}
		}
	}
	for alias, name := range map[string]string{"filename": "fileName", "Reason": "reason", "C6a4Label": "deviceCustomIPv6Address4Label"} {
		c := mustParseCEF(t, cefLine(alias+"=x"), time.Time{})
		if c.Extensions[0].Name != name || c.Extensions[0].Key != alias {
			t.Errorf("%s: got %+v, want name %s", alias, c.Extensions[0], name)
		}
	}
}

func TestDictionary(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range Dictionary() {
		for _, s := range []string{k.Key, k.Name} {
			if seen[s] && k.Key != k.Name {
				t.Errorf("%s appears twice", s)
			}
		}
		seen[k.Key], seen[k.Name] = true, true
		if k.LabelOf != "" {
			if target, ok := LookupKey(k.LabelOf); !ok || target.Name != k.LabelOf || k.Name != k.LabelOf+"Label" {
				t.Errorf("%s labels %q, which is not a dictionary name", k.Key, k.LabelOf)
			}
		}
	}
	// The keys the issue names, and their full names.
	for short, name := range map[string]string{
		"act": "deviceAction", "app": "applicationProtocol", "c6a3": "deviceCustomIPv6Address3", "cat": "deviceEventCategory",
		"cfp4": "deviceCustomFloatingPoint4", "cn3": "deviceCustomNumber3", "cnt": "baseEventCount", "cs6": "deviceCustomString6",
		"deviceDirection": "deviceDirection", "dhost": "destinationHostName", "dmac": "destinationMacAddress",
		"dntdom": "destinationNtDomain", "dpid": "destinationProcessId", "dpriv": "destinationUserPrivileges",
		"dproc": "destinationProcessName", "dpt": "destinationPort", "dst": "destinationAddress", "dtz": "deviceTimeZone",
		"duid": "destinationUserId", "duser": "destinationUserName", "dvc": "deviceAddress", "dvchost": "deviceHostName",
		"dvcmac": "deviceMacAddress", "dvcpid": "deviceProcessId", "end": "endTime", "externalId": "externalId",
		"fileCreateTime": "fileCreateTime", "fileHash": "fileHash", "fileId": "fileId", "fileModificationTime": "fileModificationTime",
		"filePath": "filePath", "filePermission": "filePermission", "fileType": "fileType", "fname": "fileName", "fsize": "fileSize",
		"in": "bytesIn", "msg": "message", "oldFileHash": "oldFileHash", "out": "bytesOut", "outcome": "eventOutcome",
		"proto": "transportProtocol", "reason": "reason", "request": "requestUrl", "requestClientApplication": "requestClientApplication",
		"requestContext": "requestContext", "requestCookies": "requestCookies", "requestMethod": "requestMethod",
		"rt": "deviceReceiptTime", "shost": "sourceHostName", "smac": "sourceMacAddress", "sntdom": "sourceNtDomain",
		"spid": "sourceProcessId", "spriv": "sourceUserPrivileges", "sproc": "sourceProcessName", "spt": "sourcePort",
		"src": "sourceAddress", "start": "startTime", "suid": "sourceUserId", "suser": "sourceUserName", "type": "type",
	} {
		k, ok := LookupKey(short)
		if !ok || k.Name != name {
			t.Errorf("LookupKey(%q) = %+v, %v; want name %s", short, k, ok, name)
		}
		if byName, ok := LookupKey(name); !ok || byName != k {
			t.Errorf("LookupKey(%q) = %+v, %v; want %+v", name, byName, ok, k)
		}
	}
}

func TestParseCEFTimes(t *testing.T) {
	t.Parallel()
	ref := time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)
	est := time.FixedZone("EST", -5*3600)
	tests := []struct {
		value string
		want  time.Time
	}{
		{"1767348000123", time.Date(2026, 1, 2, 10, 0, 0, 123e6, time.UTC)},
		{"1767348000", time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)}, // seconds
		{"Jan 02 2026 10:00:00", time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)},
		{"Jan 02 2026 10:00:00.250", time.Date(2026, 1, 2, 10, 0, 0, 250e6, time.UTC)},
		{"Jan 02 2026 10:00:00 UTC", time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)},
		{"Jan 02 2026 10:00:00.250 EST", time.Date(2026, 1, 2, 10, 0, 0, 250e6, est)},
		{"Jan 02 2026 10:00:00 +0100", time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)},
		{"Dec 31 23:59:59", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)}, // no year: rollover
		{"Dec 31 23:59:59.5 PST", time.Date(2025, 12, 31, 23, 59, 59, 5e8, time.FixedZone("PST", -8*3600))},
		{"Jan  1 00:00:10", time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)},
		{"2026-01-02T10:00:00.5+01:00", time.Date(2026, 1, 2, 9, 0, 0, 5e8, time.UTC)},
	}
	for _, tt := range tests {
		for _, key := range []string{"rt", "start", "end", "deviceReceiptTime", "startTime", "endTime"} {
			c := mustParseCEF(t, cefLine(key+"="+tt.value+" suser=bob"), ref)
			got := map[string]time.Time{"rt": c.ReceiptTime, "start": c.StartTime, "end": c.EndTime,
				"deviceReceiptTime": c.ReceiptTime, "startTime": c.StartTime, "endTime": c.EndTime}[key]
			if !got.Equal(tt.want) {
				t.Errorf("%s=%s: got %v, want %v", key, tt.value, got, tt.want)
			}
		}
	}
	// Other time fields stay text and are not checked.
	c := mustParseCEF(t, cefLine("fileCreateTime=whenever"), ref)
	if v, _ := c.Get("fileCreateTime"); v != "whenever" {
		t.Errorf("fileCreateTime = %q", v)
	}
	// With no reference time, zone-less times are UTC and year-less are rejected.
	if c := mustParseCEF(t, cefLine("rt=Jan 02 2026 10:00:00"), time.Time{}); c.ReceiptTime.Location() != time.UTC {
		t.Errorf("zone-less time without reference is in %v, want UTC", c.ReceiptTime.Location())
	}
}

func TestParseCEFRejects(t *testing.T) {
	t.Parallel()
	h := len(cefLine("")) // where the extension starts
	tests := []struct {
		name, input string
		offset      int
		reason      string
	}{
		{"empty", "", 0, `expected "CEF:<version>|"`},
		{"syslog header in front", "<13>Oct 11 22:14:15 host CEF:0|V|P|1|s|n|5|", 0, `expected "CEF:<version>|"`},
		{"no version", "CEF:|V|P|1|s|n|5|", 0, `expected "CEF:<version>|"`},
		{"version not a number", "CEF:x|V|P|1|s|n|5|", 0, `expected "CEF:<version>|"`},
		{"header too short", "CEF:0|V|P|1", 11, "header ends after 4 of 7 fields; Signature ID is missing"},
		{"severity missing", "CEF:0|V|P|1|s|n", 15, "Severity is missing"},
		{"escaped last pipe", `CEF:0|V|P|1|s|n\|5`, 18, "Severity is missing"},
		{"empty vendor", "CEF:0||P|1|s|n|5|", 6, "Device Vendor is empty"},
		{"severity out of range", "CEF:0|V|P|1|s|n|11|", 16, "severity \"11\""},
		{"extension not key=value", cefLine("just text"), h + 4, `expected '=' after extension key "just"`},
		{"extension starting with '='", cefLine("=x"), h, "expected an extension key"},
		{"key with a bad character", cefLine("a=1 b/c=2"), h + 3, ""}, // "b/c=2" is part of a's value, see below
		{"bad rt", cefLine("src=1.2.3.4 rt=soon"), h + 15, `deviceReceiptTime "soon"`},
		{"rt with an unknown zone", cefLine("rt=Jan 02 2026 10:00:00 IST"), h + 3 + 20, "unexpected text after the time"},
		{"rt of 31 February", cefLine("start=Feb 31 2026 10:00:00"), h + 6 + 4, "day does not exist"},
		{"rt without year or reference", cefLine("end=Feb 02 10:00:00"), h + 4, "no reference time"},
		{"rt epoch too long", cefLine("rt=123456789012345"), h + 3, "more than 14 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseCEF([]byte(tt.input))
			if tt.reason == "" { // documented leniency, checked here so the table reads as one list
				if err != nil || c.Extensions[0].Value != "1 b/c=2" {
					t.Errorf("got %+v, %v; want a=%q", c, err, "1 b/c=2")
				}
				return
			}
			mustParseError(t, c, err, CEFFormat, tt.offset, tt.reason)
		})
	}
}

func TestCEFStringRoundTrip(t *testing.T) {
	t.Parallel()
	for _, input := range []string{
		`CEF:0|Ac\|me|Ga\\te|1|s|n \| m|High|msg=a\=b c\\d\ne  act=x\ry cs1Label=L cs1=v`,
		"CEF:1|V|P|1|s|n|5|",
		"CEF:0|V|P|1|s|n|Unknown|rt=1767348000123 start=Jan 02 2026 10:00:00.250 UTC",
	} {
		c := mustParseCEF(t, input, time.Time{})
		again := mustParseCEF(t, c.String(), time.Time{})
		if !reflect.DeepEqual(c, again) {
			t.Errorf("%q\nformatted %q\ngot  %+v\nwant %+v", input, c.String(), again, c)
		}
	}
}

func TestFindCEF(t *testing.T) {
	t.Parallel()
	for input, want := range map[string]string{
		"CEF:0|V|P|1|s|n|5|":                         "CEF:0|V|P|1|s|n|5|",
		"Sep 19 08:26:10 host CEF:0|V|P|1|s|n|5|a=1": "CEF:0|V|P|1|s|n|5|a=1",
		"<13>Oct 11 host app: CEF:1|V|P|1|s|n|5|":    "CEF:1|V|P|1|s|n|5|",
		"host:CEF:0|V|P|1|s|n|5|":                    "CEF:0|V|P|1|s|n|5|",
		"xCEF:0|V|P|1|s|n|5|":                        "",
		"CEF: not a record, CEF:0|V|P|1|s|n|5|":      "CEF:0|V|P|1|s|n|5|",
		"no record":                                  "",
	} {
		got, ok := FindCEF([]byte(input))
		if string(got) != want || ok != (want != "") {
			t.Errorf("FindCEF(%q) = %q, %v; want %q", input, got, ok, want)
		}
	}
}

func TestParseSyslogCEF(t *testing.T) {
	t.Parallel()
	ref := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	s, c, err := ParseSyslogCEF([]byte("<134>Jan  2 09:55:00 fw01 CEF:0|Acme|Gate|2.1|x|Blocked|8|src=10.0.0.1 rt=Jan 02 09:54:59\n"), ref)
	if err != nil {
		t.Fatal(err)
	}
	if s.Hostname != "fw01" || c.DeviceVendor != "Acme" || !c.ReceiptTime.Equal(time.Date(2026, 1, 2, 9, 54, 59, 0, time.UTC)) {
		t.Errorf("got %+v\n%+v", s, c)
	}
	// Offsets of CEF errors are in the whole message.
	input := "<134>1 2026-01-02T09:55:00Z fw CEF - - - \xef\xbb\xbfCEF:0||Gate|2.1|x|Blocked|8|"
	s, c, err = ParseSyslogCEF([]byte(input), ref)
	mustParseError(t, c, err, CEFFormat, strings.Index(input, "||")+1, "Device Vendor is empty")
	if s != nil {
		t.Errorf("got a syslog record with the error: %+v", s)
	}
	_, _, err = ParseSyslogCEF([]byte("not syslog"), ref)
	mustParseError(t, (*CEF)(nil), err, RFC3164, 0, "expected '<'")
}
