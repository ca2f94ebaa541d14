package mapper

import (
	"encoding/json"

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
	hecClassKeys    = []string{"class_uid"}
	hecActivityKeys = []string{"activity_id"}
	hecNameKeys     = []string{"activity_name"}
)

// hecOCSFKeys holds every key above: an event with none of them (most of
// them) is passed over after a look at each of its own keys.
var hecOCSFKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, keys := range [][]string{hecSrcPortKeys, hecDstPortKeys, hecSrcHostKeys, hecDstHostKeys, hecStatusKeys,
		hecVendorIDKeys, hecDeviceKeys, hecClassKeys, hecActivityKeys, hecNameKeys} {
		for _, k := range keys {
			m[k] = true
		}
	}
	return m
}()

// hecOCSF fills the OCSF fields of an event pipeline.NormalizeHECFields
// made, from the fields it read (the event object's keys over the indexed
// fields', lowercase): ports, host names, outcome, class_uid /
// activity_id / activity_name (for senders that write OCSF),
// vendor_event_id and device. A value that cannot be read is left out with
// a warning. "status" and "result" count only when they hold an outcome
// word (an HTTP status is no outcome).
func hecOCSF(fields map[string]json.RawMessage, e *scalefield.SecurityEvent) {
	relevant := false
	for k := range fields {
		if hecOCSFKeys[k] {
			relevant = true
			break
		}
	}
	if !relevant {
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
	_, class := get(hecClassKeys)
	_, activity := get(hecActivityKeys)
	_, name := get(hecNameKeys)
	readOCSFText(e, "class_uid", class, activity, name)
}
