package mapper

import (
	"bytes"
	"encoding/json"
	"strings"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline"
)

// Well-known keys of HEC event objects (and indexed fields) for the OCSF
// fields, as pipeline.NormalizeHEC reads its own: lowercase, the event's
// keys before the indexed fields', the first key present wins.
var (
	hecSrcPortKeys  = []string{"src_port", "source_port", "sport", "spt", "srcport", "client_port"}
	hecDstPortKeys  = []string{"dst_port", "dest_port", "destination_port", "dport", "dpt", "dstport"}
	hecSrcHostKeys  = []string{"src_hostname", "src_host", "source_hostname", "shost"}
	hecDstHostKeys  = []string{"dst_hostname", "dest_hostname", "dst_host", "dest_host", "destination_hostname", "dhost"}
	hecStatusKeys   = []string{"status", "outcome", "result"}
	hecVendorIDKeys = []string{"vendor_event_id"}
	hecDeviceKeys   = []string{"device", "device_product"}
)

// hecMarkers are byte strings one of which an HEC payload holding any of
// the keys above contains; without them the payload is not decoded again.
var hecMarkers = [][]byte{
	[]byte("port"), []byte("spt"), []byte("dpt"), []byte("_host"), []byte("shost"), []byte("dhost"), []byte("hostname"), []byte("status"), []byte("outcome"),
	[]byte("result"), []byte("class_uid"), []byte("activity_"), []byte("vendor_event_id"), []byte("device"),
}

// hecOCSF fills the OCSF fields of an event pipeline.NormalizeHEC made
// from the well-known keys of its event object and indexed fields: ports,
// host names, outcome, class_uid / activity_id / activity_name (for
// senders that write OCSF), vendor_event_id and device. A value that
// cannot be read is left out with a warning. "status" and "result" count
// only when they hold an outcome word (an HTTP status is no outcome).
func hecOCSF(payload []byte, e *scalefield.SecurityEvent) {
	found := false
	for _, m := range hecMarkers {
		if bytes.Contains(payload, m) {
			found = true
			break
		}
	}
	if !found {
		return
	}
	var env struct {
		Event  json.RawMessage            `json:"event"`
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if json.Unmarshal(payload, &env) != nil {
		return
	}
	fields := make(map[string]json.RawMessage, len(env.Fields))
	for k, v := range env.Fields {
		fields[strings.ToLower(k)] = v
	}
	if t := bytes.TrimSpace(env.Event); len(t) > 0 && t[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(t, &obj) == nil {
			for k, v := range obj {
				fields[strings.ToLower(k)] = v
			}
		}
	}
	if len(fields) == 0 {
		return
	}
	get := func(keys []string) (string, string) {
		for _, k := range keys {
			if v, ok := pipeline.ScalarString(fields[k]); ok && !placeholder(v) {
				return k, v
			}
		}
		return "", ""
	}
	if k, v := get(hecSrcPortKeys); k != "" {
		readPort(e, &e.SrcPort, k, v)
	}
	if k, v := get(hecDstPortKeys); k != "" {
		readPort(e, &e.DstPort, k, v)
	}
	_, e.SrcHostname = get(hecSrcHostKeys)
	_, e.DstHostname = get(hecDstHostKeys)
	_, e.VendorEventID = get(hecVendorIDKeys)
	_, e.Device = get(hecDeviceKeys)
	for _, k := range hecStatusKeys {
		if v, ok := pipeline.ScalarString(fields[k]); ok {
			if st := outcome(v); st != "" {
				e.Status = st
				break
			}
		}
	}
	_, class := get([]string{"class_uid"})
	_, activity := get([]string{"activity_id"})
	_, name := get([]string{"activity_name"})
	readOCSFText(e, "class_uid", class, activity, name)
}
