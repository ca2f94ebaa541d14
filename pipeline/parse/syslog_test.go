package parse

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// ref3164 is the receive time of the RFC 3164 cases: just after New Year.
var ref3164 = time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)

func TestParseRFC3164(t *testing.T) {
	t.Parallel()
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		input string
		ref   time.Time
		want  Syslog
	}{
		{
			name:  "RFC 3164 standard message",
			input: "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
			want: Syslog{Priority: 34, Facility: 4, Severity: 2, Timestamp: time.Date(2025, 10, 11, 22, 14, 15, 0, time.UTC),
				Hostname: "mymachine", AppName: "su", Message: "'su root' failed for lonvick on /dev/pts/8"},
		},
		{
			name:  "year rollover: December message read on 1 January is last year's",
			input: "<13>Dec 31 23:59:59 host app: m",
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "year rollover: January message from a fast clock on 31 December is next year's",
			input: "<13>Jan  1 00:00:05 host app: m",
			ref:   time.Date(2025, 12, 31, 23, 59, 58, 0, time.UTC),
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "a month-old backlog stays in the past",
			input: "<13>Feb 20 08:00:00 host app: m",
			ref:   time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 2, 20, 8, 0, 0, 0, time.UTC),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "29 February in the leap year around the reference",
			input: "<13>Feb 29 08:00:00 host app: m",
			ref:   time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC),
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2028, 2, 29, 8, 0, 0, 0, time.UTC),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "zone-less times are in the reference's location",
			input: "<13>Jan  1 00:30:00 host app: m",
			ref:   time.Date(2026, 1, 1, 1, 0, 0, 0, berlin),
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2026, 1, 1, 0, 30, 0, 0, berlin),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "single-digit unpadded day and fraction",
			input: "<13>Dec 5 10:00:00.25 host app: m",
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 12, 5, 10, 0, 0, 25e7, time.UTC),
				Hostname: "host", AppName: "app", Message: "m"},
		},
		{
			name:  "ISO 8601 timestamp with offset (rsyslog forwarding)",
			input: "<30>2025-12-31T23:00:00.5+02:00 db-02 postgres[1234]: LOG: x",
			want: Syslog{Priority: 30, Facility: 3, Severity: 6, Timestamp: time.Date(2025, 12, 31, 21, 0, 0, 5e8, time.UTC),
				Hostname: "db-02", AppName: "postgres", ProcID: "1234", Message: "LOG: x"},
		},
		{
			name:  "ISO 8601 timestamp with a space, no zone",
			input: "<30>2025-12-31 23:00:00 db-02 kernel: x",
			want: Syslog{Priority: 30, Facility: 3, Severity: 6, Timestamp: time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC),
				Hostname: "db-02", AppName: "kernel", Message: "x"},
		},
		{
			name:  "missing hostname, tag with pid",
			input: "<86>Dec 31 10:00:00 sshd[77]: Accepted password for bob",
			want: Syslog{Priority: 86, Facility: 10, Severity: 6, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC),
				AppName: "sshd", ProcID: "77", Message: "Accepted password for bob"},
		},
		{
			name:  "no tag",
			input: "<13>Dec 31 10:00:00 host just words",
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC),
				Hostname: "host", Message: "just words"},
		},
		{
			name:  "no timestamp: no hostname, tag still read",
			input: "<13>sshd[1]: hello",
			want:  Syslog{Priority: 13, Facility: 1, Severity: 5, AppName: "sshd", ProcID: "1", Message: "hello"},
		},
		{
			name:  "no timestamp, words that merely start with a month",
			input: "<13>May I help you",
			want:  Syslog{Priority: 13, Facility: 1, Severity: 5, Message: "May I help you"},
		},
		{
			name:  "Cisco ASA with year and no hostname",
			input: "<166>Dec 31 2025 23:59:59: %ASA-6-302013: Built outbound TCP connection",
			want: Syslog{Priority: 166, Facility: 20, Severity: 6, Timestamp: time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC),
				AppName: "%ASA-6-302013", Message: "Built outbound TCP connection",
				Cisco: CiscoTag{Facility: "ASA", Severity: 6, Mnemonic: "302013"}},
		},
		{
			name:  "Cisco ASA with device-id hostname and ' : '",
			input: "<164>Dec 31 2025 23:59:59 fw01 : %ASA-4-106023: Deny tcp",
			want: Syslog{Priority: 164, Facility: 20, Severity: 4, Timestamp: time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC),
				Hostname: "fw01", AppName: "%ASA-4-106023", Message: "Deny tcp",
				Cisco: CiscoTag{Facility: "ASA", Severity: 4, Mnemonic: "106023"}},
		},
		{
			name:  "Cisco IOS counter, sequence, unsynced clock mark, msec and UTC",
			input: "<189>237: 000485: *Dec 31 23:46:03.295 UTC: %LINEPROTO-5-UPDOWN: Line protocol up",
			want: Syslog{Priority: 189, Facility: 23, Severity: 5, Timestamp: time.Date(2025, 12, 31, 23, 46, 3, 295e6, time.UTC),
				AppName: "%LINEPROTO-5-UPDOWN", Message: "Line protocol up", MessageCounter: 237, Sequence: 485,
				Cisco: CiscoTag{Facility: "LINEPROTO", Severity: 5, Mnemonic: "UPDOWN"}},
		},
		{
			name:  "Cisco IOS counter disabled on the device and lost-sync mark",
			input: "<189>: .Dec 31 23:46:03: %SYS-5-CONFIG_I: Configured",
			want: Syslog{Priority: 189, Facility: 23, Severity: 5, Timestamp: time.Date(2025, 12, 31, 23, 46, 3, 0, time.UTC),
				AppName: "%SYS-5-CONFIG_I", Message: "Configured", Cisco: CiscoTag{Facility: "SYS", Severity: 5, Mnemonic: "CONFIG_I"}},
		},
		{
			name:  "Cisco IOS origin hostname before the timestamp",
			input: "<189>12: router1: Dec 31 23:46:03: %IOSXE-SPA-6-UPDOWN: up",
			want: Syslog{Priority: 189, Facility: 23, Severity: 5, Timestamp: time.Date(2025, 12, 31, 23, 46, 3, 0, time.UTC),
				Hostname: "router1", AppName: "%IOSXE-SPA-6-UPDOWN", Message: "up", MessageCounter: 12,
				Cisco: CiscoTag{Facility: "IOSXE-SPA", Severity: 6, Mnemonic: "UPDOWN"}},
		},
		{
			name:  "trailing CR LF and NULs are dropped",
			input: "<13>Dec 31 10:00:00 host app[1]: m\r\n\x00\x00",
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC),
				Hostname: "host", AppName: "app", ProcID: "1", Message: "m"},
		},
		{
			name:  "CEF payload is not taken for a tag",
			input: "<134>Dec 31 10:00:00 CEF:0|V|P|1|s|n|5|src=10.0.0.1",
			want: Syslog{Priority: 134, Facility: 16, Severity: 6, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC),
				Message: "CEF:0|V|P|1|s|n|5|src=10.0.0.1"},
		},
		{
			name:  "PRI 0, empty message after the tag",
			input: "<0>Dec 31 10:00:00 host kernel:",
			want:  Syslog{Priority: 0, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC), Hostname: "host", AppName: "kernel"},
		},
		{
			name:  "a tag longer than 48 bytes is message text",
			input: "<13>Dec 31 10:00:00 host " + strings.Repeat("t", 49) + ": m",
			want: Syslog{Priority: 13, Facility: 1, Severity: 5, Timestamp: time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC),
				Hostname: "host", Message: strings.Repeat("t", 49) + ": m"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ref := tt.ref
			if ref.IsZero() {
				ref = ref3164
			}
			got, err := ParseRFC3164([]byte(tt.input), ref)
			if err != nil {
				t.Fatalf("ParseRFC3164: %v", err)
			}
			tt.want.Format = RFC3164
			if !got.Timestamp.Equal(tt.want.Timestamp) {
				t.Errorf("timestamp: got %v, want %v", got.Timestamp, tt.want.Timestamp)
			}
			got.Timestamp, tt.want.Timestamp = time.Time{}, time.Time{}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseRFC3164Rejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		ref         time.Time
		offset      int
		reason      string
	}{
		{"empty", "", ref3164, 0, "message is empty"},
		{"only a newline", "\n", ref3164, 0, "message is empty"},
		{"no PRI", "Oct 11 22:14:15 host su: x", ref3164, 0, "expected '<'"},
		{"PRI not a number", "<x>Oct 11 22:14:15 host su: x", ref3164, 1, "expected the PRI number"},
		{"PRI of four digits", "<1234>Oct 11", ref3164, 4, "more than 3 digits"},
		{"PRI not closed", "<13 Oct", ref3164, 3, "expected '>'"},
		{"PRI above 191", "<200>Oct 11 22:14:15 host su: x", ref3164, 1, "above 191"},
		{"day 0", "<13>Oct  0 22:14:15 host su: x", ref3164, 9, "day of month"},
		{"hour 24", "<13>Oct 11 24:14:15 host su: x", ref3164, 11, "hour"},
		{"minute 60", "<13>Oct 11 22:60:15 host su: x", ref3164, 16, "minute"},
		{"missing seconds", "<13>Oct 11 22:14 host su: x", ref3164, 16, "expected ':' after the minute"},
		{"31 November", "<13>Nov 31 22:14:15 host su: x", ref3164, 8, "day does not exist"},
		{"no year and no reference time", "<13>Oct 11 22:14:15 host su: x", time.Time{}, 4, "no reference time"},
		{"ISO month 13", "<13>2025-13-01T00:00:00Z host su: x", ref3164, 9, "month is not 01-12"},
		{"ISO without T", "<13>2025-12-01X00:00:00Z host su: x", ref3164, 14, "expected 'T'"},
		{"text glued to the timestamp", "<13>2025-12-01T00:00:00Zhost su: x", ref3164, 24, "expected a space after the timestamp"},
		{"fraction of ten digits", "<13>Oct 11 22:14:15.1234567890 host", ref3164, 29, "more than 9 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseRFC3164([]byte(tt.input), tt.ref)
			mustParseError(t, s, err, RFC3164, tt.offset, tt.reason)
		})
	}
}

// mustParseError checks that parsing failed with an *Error of the format,
// offset and reason given, and returned no record.
func mustParseError(t *testing.T, rec any, err error, f Format, offset int, reason string) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("got error %v (record %+v), want a *parse.Error", err, rec)
	}
	if !reflect.ValueOf(rec).IsNil() {
		t.Errorf("got a record with the error: %+v", rec)
	}
	if perr.Format != f || perr.Offset != offset || !strings.Contains(perr.Reason, reason) {
		t.Errorf("got %s error %q at byte %d, want %s error containing %q at byte %d",
			perr.Format, perr.Reason, perr.Offset, f, reason, offset)
	}
}

func TestParseRFC5424(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  Syslog
	}{
		{
			name:  "all NILVALUEs",
			input: "<13>1 - - - - - -",
			want:  Syslog{Priority: 13, Facility: 1, Severity: 5, Version: 1},
		},
		{
			name:  "SD escapes are resolved and the message keeps its spaces",
			input: `<14>1 2026-01-02T03:04:05.123456+01:00 h a 42 M1 [x@1 k="a\"b\\c\]d" e=""] hi  there `,
			want: Syslog{Priority: 14, Facility: 1, Severity: 6, Version: 1,
				Timestamp: time.Date(2026, 1, 2, 2, 4, 5, 123456000, time.UTC), Hostname: "h", AppName: "a", ProcID: "42",
				MsgID: "M1", StructuredData: map[string]map[string]string{"x@1": {"k": `a"b\c]d`, "e": ""}}, Message: "hi  there "},
		},
		{
			name:  "trailing newline and NUL from framing are dropped, BOM too",
			input: "<165>2 2026-01-02T03:04:05Z h a - - - \xef\xbb\xbfé\n\x00",
			want: Syslog{Priority: 165, Facility: 20, Severity: 5, Version: 2,
				Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Hostname: "h", AppName: "a", Message: "é"},
		},
		{
			name:  "CEF inside the message",
			input: "<134>1 2026-01-02T03:04:05Z fw CEF - - - CEF:0|V|P|1|s|n|5|src=10.0.0.1",
			want: Syslog{Priority: 134, Facility: 16, Severity: 6, Version: 1,
				Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Hostname: "fw", AppName: "CEF", Message: "CEF:0|V|P|1|s|n|5|src=10.0.0.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRFC5424([]byte(tt.input))
			if err != nil {
				t.Fatalf("ParseRFC5424: %v", err)
			}
			tt.want.Format = RFC5424
			if !got.Timestamp.Equal(tt.want.Timestamp) {
				t.Errorf("timestamp: got %v, want %v", got.Timestamp, tt.want.Timestamp)
			}
			got.Timestamp, tt.want.Timestamp = time.Time{}, time.Time{}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
			// ParseSyslog detects the format.
			auto, err := ParseSyslog([]byte(tt.input), ref3164)
			if err != nil || auto.Format != RFC5424 {
				t.Errorf("ParseSyslog: %+v, %v", auto, err)
			}
		})
	}
}

func TestParseRFC5424Rejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		offset      int
		reason      string
	}{
		{"no PRI", "1 - - - - - -", 0, "priority value within angle brackets"},
		{"version 0", "<13>0 - - - - - -", 4, "version"},
		{"impossible date", "<13>1 2026-02-30T00:00:00Z h a - - -", 26, "day out of range"},
		{"timestamp without zone", "<13>1 2026-01-02T03:04:05 h a - - -", 25, "timestamp"},
		{"unescaped quote in SD", `<13>1 - h a - - [x@1 k="a"b"] m`, 26, "structured data"},
		{"duplicate SD-ID", `<13>1 - h a - - [x@1 k="1"][x@1 k="2"] m`, 31, "duplicate"},
		{"app-name of 49 bytes", "<13>1 - h " + strings.Repeat("a", 49) + " - - -", 58, "app-name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseRFC5424([]byte(tt.input))
			mustParseError(t, s, err, RFC5424, tt.offset, tt.reason)
		})
	}
}

func TestParseSyslogDetectsFormat(t *testing.T) {
	t.Parallel()
	for input, want := range map[string]Format{
		"<13>1 - - - - - -":                     RFC5424,
		"<13>12 - - - - - -":                    RFC5424,
		"<13>Oct 11 22:14:15 host app: m":       RFC3164,
		"<189>1: Dec 31 23:46:03: %SYS-5-X: up": RFC3164, // Cisco counter, not a version
		"<13>1990 Oct 22 10:52:01 TZ-6 x":       RFC3164, // RFC 3164 example 4: no valid version
		"<13>01 - - - - - -":                    RFC3164, // a version has no leading zero
	} {
		s, err := ParseSyslog([]byte(input), ref3164)
		if err != nil {
			t.Errorf("%q: %v", input, err)
			continue
		}
		if s.Format != want {
			t.Errorf("%q read as %s, want %s", input, s.Format, want)
		}
	}
}

func TestSyslogNames(t *testing.T) {
	t.Parallel()
	s := Syslog{Facility: 10, Severity: 3}
	if s.FacilityName() != "authpriv" || s.SeverityName() != "err" {
		t.Errorf("got %s.%s, want authpriv.err", s.FacilityName(), s.SeverityName())
	}
	s = Syslog{Facility: 23, Severity: 7}
	if s.FacilityName() != "local7" || s.SeverityName() != "debug" {
		t.Errorf("got %s.%s, want local7.debug", s.FacilityName(), s.SeverityName())
	}
}
