package mapper

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func TestFieldMappingValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    FieldMapping
		want string // "" for valid
	}{
		{"message only", FieldMapping{Message: []string{"msg"}}, ""},
		{"every field and a layout", FieldMapping{Time: []string{"a"}, Message: []string{"b"}, Severity: []string{"c"},
			User: []string{"d"}, SrcIP: []string{"e"}, DstIP: []string{"f"}, Host: []string{"g"}, Action: []string{"h"},
			TimeFormat: "2006-01-02 15:04", SeverityMap: map[string]scalefield.Severity{"P1": scalefield.SeverityCritical}}, ""},
		{"nothing mapped", FieldMapping{}, "field mapping maps no field"},
		{"empty path", FieldMapping{Message: []string{" "}}, `message path 0 " " is empty or has an empty segment`},
		{"empty segment", FieldMapping{User: []string{"a", "a..b"}}, `user path 1 "a..b" is empty or has an empty segment`},
		{"trailing dot", FieldMapping{SrcIP: []string{"client."}}, `src_ip path 0 "client." is empty or has an empty segment`},
		{"unknown format", FieldMapping{Message: []string{"m"}, TimeFormat: "epoch"},
			`time format "epoch" is neither a known format nor a Go layout with year, month and day`},
		{"layout without a year", FieldMapping{Message: []string{"m"}, TimeFormat: "Jan _2 15:04:05"},
			`time format "Jan _2 15:04:05" is neither a known format nor a Go layout with year, month and day`},
		{"unknown severity", FieldMapping{Message: []string{"m"}, SeverityMap: map[string]scalefield.Severity{"P1": "urgent"}},
			`severity map: "P1" maps to "urgent", which is not a severity`},
		{"empty severity value", FieldMapping{Message: []string{"m"}, SeverityMap: map[string]scalefield.Severity{"": scalefield.SeverityLow}},
			`severity map has an empty value`},
		{"OCSF paths alone", FieldMapping{ClassUID: []string{"c"}, ActivityID: []string{"a"}, ActivityName: []string{"n"}, Status: []string{"s"},
			SrcPort: []string{"sp"}, DstPort: []string{"dp"}, SrcHostname: []string{"sh"}, DstHostname: []string{"dh"},
			Device: []string{"d"}, VendorEventID: []string{"id"}, StatusMap: map[string]string{"OK": statusSuccess}}, ""},
		{"empty OCSF path", FieldMapping{Message: []string{"m"}, VendorEventID: []string{"a."}}, `vendor_event_id path 0 "a." is empty or has an empty segment`},
		{"unknown status", FieldMapping{Message: []string{"m"}, StatusMap: map[string]string{"OK": "fine"}},
			`status map: "OK" maps to "fine", which is neither success nor failure`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Fatalf("Validate: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRegistryLoad(t *testing.T) {
	t.Parallel()
	fields := &FieldMapping{Message: []string{"m"}}
	tests := []struct {
		name string
		ms   []SourceMapping
		want string
	}{
		{"no sourcetype", []SourceMapping{{Fields: fields}}, "mapping 0: sourcetype is empty"},
		{"star alone", []SourceMapping{{Sourcetype: "*", Fields: fields}}, "mapping 0: sourcetype is empty"},
		{"inner star", []SourceMapping{{Sourcetype: "a*b", Fields: fields}}, `mapping 0: sourcetype "a*b": only a trailing * is allowed`},
		{"both", []SourceMapping{{Sourcetype: "a", Vendor: VendorQRadar, Fields: fields}}, `mapping 0: sourcetype "a": give a vendor or fields, not both`},
		{"neither", []SourceMapping{{Sourcetype: "a"}}, `mapping 0: sourcetype "a": give a vendor or fields`},
		{"unknown vendor", []SourceMapping{{Sourcetype: "a", Vendor: "splunk"}},
			`mapping 0: sourcetype "a": vendor "splunk" is not one of [crowdstrike aws-securityhub azure-sentinel microsoft-defender qradar windows]`},
		{"bad fields", []SourceMapping{{Sourcetype: "a", Fields: &FieldMapping{}}}, `mapping 0: sourcetype "a": field mapping maps no field`},
		{"twice", []SourceMapping{{Sourcetype: "a", Fields: fields}, {Sourcetype: "A", Vendor: VendorWindows}},
			`mapping 1: sourcetype "A" is mapped twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRegistry(SourceMapping{Sourcetype: "kept", Vendor: VendorQRadar})
			if err != nil {
				t.Fatal(err)
			}
			err = r.Load(tt.ms)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Load: %v, want %q", err, tt.want)
			}
			if got := r.Sourcetypes(); !reflect.DeepEqual(got, []string{"kept"}) {
				t.Errorf("a failed Load changed the registry: %v", got)
			}
		})
	}

	t.Run("register, declare, replace", func(t *testing.T) {
		r := &Registry{}
		if err := r.Register("acme:*", FieldMapping{Message: []string{"m"}}); err != nil {
			t.Fatal(err)
		}
		if err := r.Declare("Acme:EDR", VendorDefender); err != nil {
			t.Fatal(err)
		}
		if err := r.Declare("acme:*", VendorCrowdStrike); err != nil {
			t.Fatal(err)
		}
		if got := r.Sourcetypes(); !reflect.DeepEqual(got, []string{"Acme:EDR", "acme:*"}) {
			t.Errorf("Sourcetypes() = %v", got)
		}
		if e := r.lookup("ACME:edr"); e == nil || e.vendor.name != VendorDefender {
			t.Errorf("exact match is not preferred: %+v", e)
		}
		if e := r.lookup("acme:fw"); e == nil || e.vendor == nil || e.vendor.name != VendorCrowdStrike {
			t.Errorf("the later mapping does not replace the earlier one: %+v", e)
		}
		if e := r.lookup("acm"); e != nil {
			t.Errorf("a prefix matches a shorter sourcetype: %+v", e)
		}
	})
	t.Run("nil registry", func(t *testing.T) {
		var r *Registry
		if err := r.Register("a", FieldMapping{Message: []string{"m"}}); err == nil {
			t.Error("Register on a nil registry did not fail")
		}
		if r.Sourcetypes() != nil || r.lookup("a") != nil {
			t.Error("a nil registry has mappings")
		}
	})
}

// TestFieldMappingApply covers paths, time formats and the severity map.
func TestFieldMappingApply(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name  string
		m     FieldMapping
		event string
		want  scalefield.SecurityEvent
	}{
		{"nested, flattened and indexed paths", FieldMapping{Message: []string{"a.b"}, User: []string{"event.user"}, SrcIP: []string{"ips.1"}},
			`{"a":{"b":"nested"},"event.user":"flat","ips":["10.0.0.1","10.0.0.2"]}`,
			scalefield.SecurityEvent{Message: "nested", User: "flat", SrcIP: "10.0.0.2"}},
		{"first path with a value wins", FieldMapping{Message: []string{"x", "y", "z"}, User: []string{"u1", "u2"}},
			`{"x":null,"y":"","z":"third","u1":"-","u2":"bob"}`,
			scalefield.SecurityEvent{Message: "third", User: "bob"}},
		{"numbers as text", FieldMapping{Message: []string{"code"}, Action: []string{"ok"}}, `{"code":404,"ok":false}`,
			scalefield.SecurityEvent{Message: "404", Action: "false"}},
		{"no message path: the JSON", FieldMapping{User: []string{"u"}}, `{"u":"bob","n":1}`,
			scalefield.SecurityEvent{Message: `{"n":1,"u":"bob"}`, User: "bob"}},
		{"unix seconds", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, TimeFormat: TimeUnix}, `{"m":"x","t":"1767347400.5"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00.5Z")}},
		{"unix microseconds", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, TimeFormat: TimeUnixMicro}, `{"m":"x","t":1767347400000001}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00.000001Z")}},
		{"unix nanoseconds", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, TimeFormat: TimeUnixNano}, `{"m":"x","t":1767347400000000000}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z")}},
		{"rfc3339", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, TimeFormat: TimeRFC3339}, `{"m":"x","t":"2026-01-02T10:50:00+01:00"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z")}},
		{"auto reads ISO without a zone as UTC", FieldMapping{Message: []string{"m"}, Time: []string{"t"}}, `{"m":"x","t":"2026-01-02 09:50:00"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z")}},
		{"layout with a zone", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, TimeFormat: "2006-01-02 15:04:05 -0700"}, `{"m":"x","t":"2026-01-02 11:50:00 +0200"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z")}},
		{"severity map ignores case", FieldMapping{Message: []string{"m"}, Severity: []string{"s"}, SeverityMap: map[string]scalefield.Severity{"P1": scalefield.SeverityCritical}},
			`{"m":"x","s":"p1"}`, scalefield.SecurityEvent{Message: "x", Severity: scalefield.SeverityCritical}},
		{"severity words and numbers", FieldMapping{Message: []string{"m"}, Severity: []string{"s"}}, `{"m":"x","s":7}`,
			scalefield.SecurityEvent{Message: "x", Severity: scalefield.SeverityHigh}},
		{"unknown severity word", FieldMapping{Message: []string{"m"}, Severity: []string{"s"}}, `{"m":"x","s":"purple"}`,
			scalefield.SecurityEvent{Message: "x", Severity: scalefield.SeverityUnknown}},

		{"OCSF fields", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, ClassUID: []string{"ocsf.class"}, ActivityID: []string{"ocsf.act"},
			Status: []string{"res"}, SrcPort: []string{"c.port"}, DstPort: []string{"s.port"}, SrcHostname: []string{"c.name"},
			DstHostname: []string{"s.name"}, Device: []string{"dev"}, VendorEventID: []string{"uuid"}, StatusMap: map[string]string{"DENIED": statusFailure}},
			`{"m":"x","t":1767347400,"ocsf":{"class":"3002","act":2},"res":"denied","c":{"port":"50122","name":"wks-1"},"s":{"port":22,"name":"bastion"},"dev":"Acme SSO","uuid":"u-1"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z"), ClassUID: scalefield.ClassAuthentication, ActivityID: authLogoff,
				ActivityName: "Logoff", Status: statusFailure, SrcPort: 50122, DstPort: 22, SrcHostname: "wks-1", DstHostname: "bastion",
				Device: "Acme SSO", VendorEventID: "u-1"}},
		{"OCSF fields that do not read are warnings", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, ClassUID: []string{"c"}, Status: []string{"s"},
			SrcPort: []string{"p"}},
			`{"m":"x","t":1767347400,"c":"auth","s":"maybe","p":"http"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z"), ActivityName: "Unknown", Warnings: []string{
				`c "auth" is not an OCSF class Silver assigns`, `p "http" is not a port`, `s "maybe" is neither success nor failure`}}},
		{"activity name alone is Other", FieldMapping{Message: []string{"m"}, Time: []string{"t"}, ClassUID: []string{"c"}, ActivityName: []string{"a"}},
			`{"m":"x","t":1767347400,"c":6005,"a":"Export"}`,
			scalefield.SecurityEvent{Message: "x", Time: at("2026-01-02T09:50:00Z"), ClassUID: scalefield.ClassDatastoreActivity, ActivityID: activityOther, ActivityName: "Export"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRegistry(SourceMapping{Sourcetype: "st", Fields: &tt.m})
			if err != nil {
				t.Fatal(err)
			}
			b := record(t, KindHEC, []byte(hec(tt.event)))
			b.Sourcetype = "st"
			e, err := r.Normalize(b)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Time.IsZero() {
				tt.want.Time = received
			}
			if tt.want.Severity == "" {
				tt.want.Severity = scalefield.SeverityUnknown
			}
			tt.want.Host, tt.want.Sourcetype = "receiver", "st"
			if reflect.DeepEqual(ocsfPart(tt.want), ocsfPart(scalefield.SecurityEvent{})) {
				clearOCSF(e) // the case checks the other fields only
			}
			if !reflect.DeepEqual(*e, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *e, tt.want)
			}
		})
	}
}

func TestVendorsListed(t *testing.T) {
	t.Parallel()
	if got := fmt.Sprint(Vendors()); got != "[crowdstrike aws-securityhub azure-sentinel microsoft-defender qradar windows]" {
		t.Errorf("Vendors() = %s", got)
	}
}
