package ingest

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/store"
)

// FuzzHECParseEvents checks that no body panics the HEC parser, and that a
// body it accepts yields records that each hold one JSON object with an
// event.
func FuzzHECParseEvents(f *testing.F) {
	f.Add(`{"event":"x"}{"event":{"a":1},"time":"1700000000.5","host":"h"}`)
	f.Add(`{"event":"x","fields":{"k":"v"}}` + "\n" + `{"event":"y"}`)
	f.Add(`{"event":"ok"}{"event": oops}`)
	file, err := os.Open("../testdata/cef/vendor-samples.log")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		b, _ := json.Marshal(map[string]string{"event": sc.Text(), "sourcetype": "cef"})
		f.Add(string(b))
	}
	h := &HEC{Config: DefaultHECConfig(), Now: time.Now}
	token := &store.IngestToken{HECToken: scalefield.HECToken{TenantID: "t"}}
	f.Fuzz(func(t *testing.T, body string) {
		records, _, code := h.parseEvents([]byte(body), token, "", time.Now())
		if code != hecSuccess {
			return
		}
		for _, r := range records {
			var env map[string]json.RawMessage
			if err := json.Unmarshal(r.Payload, &env); err != nil {
				t.Fatalf("accepted record %q is not a JSON object: %v", r.Payload, err)
			}
			if _, ok := env["event"]; !ok {
				t.Fatalf("accepted record %q without an event", r.Payload)
			}
		}
	})
}
