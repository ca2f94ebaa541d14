package parse

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Seeds beyond the corpora: inputs that reach the parsers' corners.
var (
	syslogSeeds = []string{
		"<13>1 - - - - - -",
		`<14>1 2026-01-02T03:04:05.123456+01:00 h a 42 M1 [x@1 k="a\"b\\c\]d" e=""][y z="1"] hi`,
		"<165>2 2026-01-02T03:04:05Z h a - - - \xef\xbb\xbfé\n\x00",
		"<189>237: 000485: *Dec 31 23:46:03.295 UTC: %LINEPROTO-5-UPDOWN: up",
		"<189>: .Dec 31 23:46:03: %SYS-5-CONFIG_I: x",
		"<189>12: router1: Dec 31 23:46:03: %IOSXE-SPA-6-UPDOWN: up",
		"<166>Dec 31 2025 23:59:59 fw01 : %ASA-4-106023: Deny",
		"<30>2025-12-31 23:00:00.5-0330 db kernel: x",
		"<13>Feb 29 08:00:00 host app: m",
		"<13>Dec 5 10:00:00.123456789 host app[1]: m\r\n",
		"<13>May I help you",
		"<0>",
		"<191>x",
	}
	cefSeeds = []string{
		`CEF:0|Ac\|me|Ga\\te|1|s|n \| m|High|msg=a\=b c\\d\ne  act=x\ry cs1Label=L cs1=v`,
		"CEF:1|V|P|1|s|n|5|",
		"CEF:0|V|P|1|s|n|Low",
		"CEF:0|V|P|1|s|n|Unknown|rt=1767348000123 start=Jan 02 2026 10:00:00.250 UTC end=Dec 31 23:59:59",
		"CEF:0|V|P|1|s|n|5|request=http://x/?a=b&c=d q=1 a= b= ad.Error_,Code=1 f[0]=2",
		`CEF:0|V|P|1|s|n|5|msg=a\ b=c g=end\`,
		"CEF:0|V|P|1|s|n|5|end=2026-01-02T10:00:00.5+01:00 cn1Label=x cn1=3 fooLabel=F foo=1",
	}
)

// seed adds every line of the corpora and the given inputs.
func seed(f *testing.F, extra []string, corpora ...string) {
	for _, path := range corpora {
		for _, line := range mustLines(f, path) {
			f.Add(line)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkError checks that a failed parse returned an *Error pointing into the
// input and no record.
func checkError(t *testing.T, input []byte, rec any, err error) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v is not a *parse.Error", err)
	}
	if !reflect.ValueOf(rec).IsNil() {
		t.Fatalf("record returned with error %v: %+v", err, rec)
	}
	if perr.Offset < 0 || perr.Offset > len(input) || perr.Reason == "" {
		t.Fatalf("error %q points outside the %d-byte input", perr, len(input))
	}
}

// checkSyslog checks what holds for every syslog record.
func checkSyslog(t *testing.T, input []byte, s *Syslog, f Format) {
	t.Helper()
	if s.Format != f || s.Priority > 191 || s.Facility != s.Priority/8 || s.Severity != s.Priority%8 {
		t.Fatalf("bad format or priority: %+v", s)
	}
	if !strings.HasSuffix(string(trimTrailer(input)), s.Message) {
		t.Fatalf("message %q is not the end of the input", s.Message)
	}
	if y := s.Timestamp.Year(); y < 0 || y > 9999 {
		t.Fatalf("timestamp %v", s.Timestamp)
	}
	for _, field := range []string{s.Hostname, s.AppName, s.ProcID, s.MsgID} {
		if strings.ContainsAny(field, " ") {
			t.Fatalf("header field %q has a space: %+v", field, s)
		}
	}
	// Framing left at the end does not change the result.
	again, err := ParseSyslog(append(bytes.Clone(input), "\r\n\x00"...), goldenRef)
	if err != nil || !reflect.DeepEqual(s, again) {
		t.Fatalf("with a trailer: %+v, %v; want %+v", again, err, s)
	}
}

func FuzzParseRFC5424(f *testing.F) {
	seed(f, syslogSeeds, rfc5424Samples, rfc3164Samples, syslogCEFLines)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseRFC5424(b)
		if err != nil {
			checkError(t, b, s, err)
			return
		}
		checkSyslog(t, b, s, RFC5424)
		if s.Version == 0 || s.Version > 999 || strings.HasPrefix(s.Message, bom) && strings.HasPrefix(string(b), "\xef\xbb\xbf") {
			t.Fatalf("bad version or BOM left: %+v", s)
		}
		for id, params := range s.StructuredData {
			if id == "" || params == nil {
				t.Fatalf("bad structured data %q: %v", id, params)
			}
		}
	})
}

func FuzzParseRFC3164(f *testing.F) {
	seed(f, syslogSeeds, rfc3164Samples, rfc5424Samples, syslogCEFLines)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseRFC3164(b, goldenRef)
		if isRFC5424(b) { // ParseSyslog would read it as RFC 5424
			return
		}
		if err != nil {
			checkError(t, b, s, err)
			return
		}
		checkSyslog(t, b, s, RFC3164)
		if len(s.AppName) > maxTagLen || strings.ContainsAny(s.AppName, ":[]") || strings.ContainsAny(s.ProcID, "]") {
			t.Fatalf("bad tag %q[%q]", s.AppName, s.ProcID)
		}
		if s.ProcID != "" && s.AppName == "" {
			t.Fatalf("pid without a tag: %+v", s)
		}
		if s.Cisco != (CiscoTag{}) && (s.Cisco.Severity > 7 || !strings.HasPrefix(s.AppName, "%"+s.Cisco.Facility+"-")) {
			t.Fatalf("Cisco tag %+v does not match %q", s.Cisco, s.AppName)
		}
	})
}

func FuzzParseCEF(f *testing.F) {
	seed(f, cefSeeds, cefSamples)
	for _, line := range mustLines(f, syslogCEFLines) {
		if rec, ok := FindCEF(line); ok {
			f.Add(rec)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCEFAt(b, goldenRef)
		if err != nil {
			checkError(t, b, c, err)
			return
		}
		if c.DeviceVendor == "" || c.SeverityLevel < -1 || c.SeverityLevel > 10 {
			t.Fatalf("accepted vendor %q, severity %q (%d)", c.DeviceVendor, c.Severity, c.SeverityLevel)
		}
		for _, e := range c.Extensions {
			if e.Key == "" || e.Name == "" || strings.IndexFunc(e.Key, func(r rune) bool { return r > 0x7f || !isKeyChar(byte(r)) }) >= 0 {
				t.Fatalf("bad key %+v", e)
			}
			// CR and LF may end a value only when escaped (\r, \n), which
			// cannot be told apart here; the others have no escape.
			if v := strings.TrimRight(e.Value, " \t\x00"); v != e.Value {
				t.Fatalf("value %q of %s keeps trailing white space", e.Value, e.Key)
			}
		}
		// Re-escaping and re-parsing yields the same record.
		text := c.String()
		again, err := ParseCEFAt([]byte(text), goldenRef)
		if err != nil || !reflect.DeepEqual(c, again) {
			t.Fatalf("re-parsing %q: %v\ngot  %#v\nwant %#v", text, err, again, *c)
		}
		// The same record behind a syslog header parses the same.
		_, inSyslog, err := ParseSyslogCEF(append([]byte("<134>2026-01-02T10:00:00Z host "), b...), goldenRef)
		if err != nil || !reflect.DeepEqual(c, inSyslog) {
			t.Fatalf("behind a syslog header: %v\ngot  %#v\nwant %#v", err, inSyslog, *c)
		}
	})
}
