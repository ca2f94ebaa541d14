package pipeline

import (
	"bufio"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
)

var received = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func bronze(payload string) *scalefield.BronzeEvent {
	return &scalefield.BronzeEvent{
		ID: 7,
		BronzeRecord: scalefield.BronzeRecord{
			TenantID: "t1", ReceivedAt: received, Kind: "hec", Host: "web-01", Source: "app", Sourcetype: "_json",
			Payload: []byte(payload),
		},
	}
}

func TestNormalizeHEC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		want    scalefield.SecurityEvent
	}{
		{
			name:    "string event takes the receive time",
			payload: `{"event":"user bob logged in"}`,
			want: scalefield.SecurityEvent{Time: received, Host: "web-01", Source: "app", Sourcetype: "_json",
				Severity: scalefield.SeverityUnknown, Message: "user bob logged in"},
		},
		{
			name:    "object event with well-known fields",
			payload: `{"time":1700000000.25,"event":{"msg":"blocked","level":"error","username":"bob","src":"10.1.2.3","dest_ip":"2001:db8::1","action":"deny"}}`,
			want: scalefield.SecurityEvent{Time: time.Unix(1700000000, 250000000).UTC(), Host: "web-01", Source: "app",
				Sourcetype: "_json", Severity: scalefield.SeverityHigh, Message: "blocked", User: "bob",
				SrcIP: "10.1.2.3", DstIP: "2001:db8::1", Action: "deny"},
		},
		{
			name:    "time as a string and CEF-scale numeric severity",
			payload: `{"time":"1700000000","event":{"message":"m","severity":9}}`,
			want: scalefield.SecurityEvent{Time: time.Unix(1700000000, 0).UTC(), Host: "web-01", Source: "app",
				Sourcetype: "_json", Severity: scalefield.SeverityCritical, Message: "m"},
		},
		{
			name:    "RFC 3339 time inside the event and indexed fields",
			payload: `{"event":{"message":"m","@timestamp":"2026-01-02T03:04:05.5+01:00"},"fields":{"user":"carol","severity":"warning"}}`,
			want: scalefield.SecurityEvent{Time: time.Date(2026, 1, 2, 2, 4, 5, 5e8, time.UTC), Host: "web-01",
				Source: "app", Sourcetype: "_json", Severity: scalefield.SeverityMedium, Message: "m", User: "carol"},
		},
		{
			name:    "object without a message keeps the JSON as message",
			payload: `{"event":{"a":1}}`,
			want: scalefield.SecurityEvent{Time: received, Host: "web-01", Source: "app", Sourcetype: "_json",
				Severity: scalefield.SeverityUnknown, Message: `{"a":1}`},
		},
		{
			name:    "NUL and invalid UTF-8 are replaced, an IPv6 zone dropped",
			payload: "{\"event\":{\"message\":\"a\\u0000b \xff\",\"src_ip\":\"fe80::1%eth0\"}}",
			want: scalefield.SecurityEvent{Time: received, Host: "web-01", Source: "app", Sourcetype: "_json",
				Severity: scalefield.SeverityUnknown, Message: "ab \uFFFD", SrcIP: "fe80::1"},
		},
		{
			name:    "IPv4-mapped IPv6 is unmapped",
			payload: `{"event":{"message":"m","src_ip":"::ffff:192.0.2.1"}}`,
			want: scalefield.SecurityEvent{Time: received, Host: "web-01", Source: "app", Sourcetype: "_json",
				Severity: scalefield.SeverityUnknown, Message: "m", SrcIP: "192.0.2.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeHEC(bronze(tt.payload))
			if err != nil {
				t.Fatalf("NormalizeHEC: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestNormalizeHECRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, reason string
	}{
		{"not JSON", `{"event":`, "not an HEC event object"},
		{"envelope of the wrong type", `{"event":"m","fields":"x"}`, "not an HEC event object: json: cannot unmarshal string"},
		{"missing event", `{"host":"x"}`, "event is missing"},
		{"blank event", `{"event":"   "}`, "event is blank"},
		{"bad source IP", `{"event":{"message":"m","src_ip":"999.1.1.1"}}`, `field "src_ip": "999.1.1.1" is not an IP address`},
		{"bad envelope time", `{"time":"yesterday","event":"m"}`, "envelope time"},
		{"time out of range", `{"time":12,"event":"m"}`, "out of range"},
		{"bad event time", `{"event":{"message":"m","timestamp":"soon"}}`, `field "timestamp"`},
		{"severity outside scale", `{"event":{"message":"m","severity":42}}`, "outside 0-10"},
		{"severity of wrong type", `{"event":{"message":"m","severity":{"x":1}}}`, "is not a severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NormalizeHEC(bronze(tt.payload))
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("got error %v, want one containing %q", err, tt.reason)
			}
		})
	}
}

// What follows the envelope's JSON value is not read, as a decoder reads
// a stream: the envelope alone makes the event.
func TestNormalizeHECReadsTheFirstValue(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{
		`{"event":{"message":"m","user":"bob"}} trailing`,
		`{"event":{"message":"m","user":"bob"}}{"event":"second"}`,
		"{\"event\":{\"message\":\"m\",\"user\":\"bob\"}}\n",
	} {
		got, err := NormalizeHEC(bronze(payload))
		if err != nil {
			t.Fatalf("%q: %v", payload, err)
		}
		if got.Message != "m" || got.User != "bob" {
			t.Errorf("%q: got message %q, user %q", payload, got.Message, got.User)
		}
	}
}

func TestNormalizeHECTruncatesLongMessages(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxMessageLen) // two bytes each
	got, err := NormalizeHEC(bronze(`{"event":"` + long + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Message) > MaxMessageLen || !strings.HasPrefix(long, got.Message) {
		t.Errorf("message of %d bytes is not a clean prefix of at most %d bytes", len(got.Message), MaxMessageLen)
	}
}

// FuzzNormalizeHEC checks that no payload panics and that what is accepted
// is a well-formed event. The seeds include the shared CEF and syslog
// samples sent as HEC string events.
func FuzzNormalizeHEC(f *testing.F) {
	f.Add(`{"event":"x"}`)
	f.Add(`{"time":1700000000.5,"event":{"message":"m","severity":"high","src_ip":"10.0.0.1"},"fields":{"user":"u"}}`)
	f.Add(`{"event":{"timestamp":"2026-01-02T03:04:05Z","level":7}}`)
	for _, path := range []string{"../testdata/cef/vendor-samples.log", "../testdata/syslog/rfc5424-examples.log"} {
		file, err := os.Open(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			b, _ := json.Marshal(map[string]string{"event": sc.Text()})
			f.Add(string(b))
		}
		file.Close()
	}
	f.Fuzz(func(t *testing.T, payload string) {
		e, err := NormalizeHEC(bronze(payload))
		if err != nil {
			return
		}
		if strings.TrimSpace(e.Message) == "" || len(e.Message) > MaxMessageLen {
			t.Errorf("accepted event with message of %d bytes", len(e.Message))
		}
		if !utf8.ValidString(e.Message) || strings.ContainsRune(e.Message, 0) {
			t.Errorf("accepted message %q that PostgreSQL cannot store", e.Message)
		}
		if !e.Severity.Valid() {
			t.Errorf("accepted event with severity %q", e.Severity)
		}
		if e.Time.Before(MinEventTime) || !e.Time.Before(MaxEventTime) {
			t.Errorf("accepted event with time %v", e.Time)
		}
	})
}

// ScalarString reads plain JSON strings directly; it must give what
// encoding/json gives for every string, plain or not.
func TestScalarStringMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`"alice"`, `"  padded  "`, `""`, `"a\"b"`, `"tab\there"`, `"\u00e9t\u00e9"`, `"été"`, `"snow ☃ man"`,
		"\"bad \xff byte\"", "\"\xc3\"", `"a\\b"`, `"\/path"`, ` "spaced" `,
	} {
		got, ok := ScalarString(json.RawMessage(raw))
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if !ok || got != strings.TrimSpace(want) {
			t.Errorf("ScalarString(%q) = %q, %v; encoding/json reads %q", raw, got, ok, want)
		}
	}
	for raw, want := range map[string]string{`42`: "42", `-1.5e3`: "-1.5e3"} {
		if got, ok := ScalarString(json.RawMessage(raw)); !ok || got != want {
			t.Errorf("ScalarString(%s) = %q, %v", raw, got, ok)
		}
	}
	for _, raw := range []string{`null`, `true`, `{"a":1}`, `["x"]`, ``, `"unterminated`} {
		if got, ok := ScalarString(json.RawMessage(raw)); ok {
			t.Errorf("ScalarString(%s) = %q, want not ok", raw, got)
		}
	}
}
