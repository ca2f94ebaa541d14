package mapper

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	scalefield "github.com/scalefield/scalefield"
)

// Vendor names a built-in payload mapper.
type Vendor string

// The built-in vendor mappers.
const (
	// VendorSentinel reads Azure Sentinel / Log Analytics SecurityAlert rows,
	// and SecurityEvent rows as VendorWindows does.
	VendorSentinel Vendor = "azure-sentinel"
	// VendorASFF reads AWS Security Hub findings (ASFF).
	VendorASFF Vendor = "aws-securityhub"
	// VendorCrowdStrike reads CrowdStrike Falcon streaming API events.
	VendorCrowdStrike Vendor = "crowdstrike"
	// VendorDefender reads Microsoft Graph security alerts (v1 and v2) and
	// Microsoft Defender for Endpoint API alerts.
	VendorDefender Vendor = "microsoft-defender"
	// VendorQRadar reads IBM QRadar offenses.
	VendorQRadar Vendor = "qradar"
	// VendorWindows reads Windows event log records as JSON: Winlogbeat,
	// the Event.System/EventData rendering, and Sentinel SecurityEvent rows.
	VendorWindows Vendor = "windows"
)

// vendor is a built-in payload mapper and how it is recognised.
type vendor struct {
	name Vendor
	// sourcetypes are lowercase sourcetype prefixes that name the vendor.
	sourcetypes []string
	// loose recognises the vendor's payload when the sourcetype names the
	// vendor; strict recognises it by shape alone and must require a key
	// listed in vendorMarkers.
	loose, strict func(o map[string]any) bool
	// read maps a payload; it must explain, not panic, when the payload
	// is not the vendor's (it is called for whatever a Registry declares).
	read func(in *input, o map[string]any) (*scalefield.SecurityEvent, error)
}

// vendors in the order their shapes are tried.
var vendors = []*vendor{
	{VendorCrowdStrike, []string{"crowdstrike:"}, isCrowdStrike, isCrowdStrike, mapCrowdStrike},
	{VendorASFF, []string{"aws:securityhub"}, looseASFF, strictASFF, mapASFF},
	{VendorSentinel, []string{"azure:sentinel"}, looseSentinel, strictSentinelAlert, mapSentinel},
	{VendorDefender, []string{"ms:defender", "ms365:defender", "microsoft:defender", "msgraph:security"}, looseDefender, strictDefender, mapDefender},
	{VendorQRadar, []string{"qradar:offense"}, looseQRadar, strictQRadar, mapQRadar},
	{VendorWindows, []string{"wineventlog", "xmlwineventlog", "winlogbeat"}, looseWindows, strictWindows, mapWindows},
}

// Vendors lists the built-in vendor mappers.
func Vendors() []Vendor {
	out := make([]Vendor, len(vendors))
	for i, v := range vendors {
		out[i] = v.name
	}
	return out
}

func vendorByName(name Vendor) *vendor {
	for _, v := range vendors {
		if v.name == name {
			return v
		}
	}
	return nil
}

// vendorForSourcetype returns the vendor a sourcetype names, or nil.
func vendorForSourcetype(sourcetype string) *vendor {
	st := strings.ToLower(sourcetype)
	for _, v := range vendors {
		for _, p := range v.sourcetypes {
			if strings.HasPrefix(st, p) {
				return v
			}
		}
	}
	return nil
}

// SourceMapping says how to read the JSON payloads of one sourcetype: with
// a built-in vendor mapper or with a field mapping. It is the unit of the
// mapping configuration.
type SourceMapping struct {
	// Sourcetype is matched without regard to case; a trailing "*" makes it
	// a prefix ("acme:*").
	Sourcetype string `json:"sourcetype"`
	// Vendor, or Fields, but not both.
	Vendor Vendor        `json:"vendor,omitempty"`
	Fields *FieldMapping `json:"fields,omitempty"`
}

// Validate checks the mapping.
func (m *SourceMapping) Validate() error {
	st := strings.TrimSpace(m.Sourcetype)
	switch {
	case st == "" || st == "*":
		return fmt.Errorf("sourcetype is empty")
	case strings.Contains(strings.TrimSuffix(st, "*"), "*"):
		return fmt.Errorf("sourcetype %q: only a trailing * is allowed", m.Sourcetype)
	case m.Vendor != "" && m.Fields != nil:
		return fmt.Errorf("sourcetype %q: give a vendor or fields, not both", m.Sourcetype)
	case m.Vendor == "" && m.Fields == nil:
		return fmt.Errorf("sourcetype %q: give a vendor or fields", m.Sourcetype)
	case m.Vendor != "" && vendorByName(m.Vendor) == nil:
		return fmt.Errorf("sourcetype %q: vendor %q is not one of %v", m.Sourcetype, m.Vendor, Vendors())
	}
	if m.Fields != nil {
		if err := m.Fields.Validate(); err != nil {
			return fmt.Errorf("sourcetype %q: %w", m.Sourcetype, err)
		}
	}
	return nil
}

// Registry holds the per-sourcetype mapping configuration on top of the
// built-in mappers. Its methods are safe for concurrent use; a nil
// *Registry has the built-in mappers only.
type Registry struct {
	mu      sync.RWMutex
	entries map[string]*entry // by lowercase sourcetype, "*" kept
}

type entry struct {
	sourcetype string
	vendor     *vendor
	fields     *FieldMapping
}

// NewRegistry returns a Registry with the given mappings (see Load).
func NewRegistry(mappings ...SourceMapping) (*Registry, error) {
	r := &Registry{}
	if err := r.Load(mappings); err != nil {
		return nil, err
	}
	return r, nil
}

// Load checks every mapping and, if all are valid, adds them all, each
// replacing an earlier one for the same sourcetype. A sourcetype given
// twice in mappings is an error.
func (r *Registry) Load(mappings []SourceMapping) error {
	if r == nil {
		return errors.New("nil registry")
	}
	add := make(map[string]*entry, len(mappings))
	var errs []error
	for i := range mappings {
		m := mappings[i]
		if err := m.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("mapping %d: %w", i, err))
			continue
		}
		key := strings.ToLower(strings.TrimSpace(m.Sourcetype))
		if _, dup := add[key]; dup {
			errs = append(errs, fmt.Errorf("mapping %d: sourcetype %q is mapped twice", i, m.Sourcetype))
			continue
		}
		e := &entry{sourcetype: strings.TrimSpace(m.Sourcetype), vendor: vendorByName(m.Vendor)}
		if m.Fields != nil {
			f := m.Fields.normalized()
			e.fields = &f
		}
		add[key] = e
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = make(map[string]*entry, len(add))
	}
	for k, e := range add {
		r.entries[k] = e
	}
	return nil
}

// Register maps the JSON payloads of sourcetype with m.
func (r *Registry) Register(sourcetype string, m FieldMapping) error {
	return r.Load([]SourceMapping{{Sourcetype: sourcetype, Fields: &m}})
}

// Declare maps the JSON payloads of sourcetype with a built-in vendor
// mapper, whatever their shape.
func (r *Registry) Declare(sourcetype string, v Vendor) error {
	return r.Load([]SourceMapping{{Sourcetype: sourcetype, Vendor: v}})
}

// Sourcetypes lists the configured sourcetypes, sorted.
func (r *Registry) Sourcetypes() []string {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.entries))
	for _, e := range r.entries {
		out = append(out, e.sourcetype)
	}
	sort.Strings(out)
	return out
}

// lookup returns the entry for sourcetype: an exact match, else the
// longest matching prefix pattern.
func (r *Registry) lookup(sourcetype string) *entry {
	if r == nil || sourcetype == "" {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.entries) == 0 {
		return nil
	}
	st := strings.ToLower(sourcetype)
	if e := r.entries[st]; e != nil {
		return e
	}
	var best *entry
	bestLen := -1
	for k, e := range r.entries {
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(st, p) && len(p) > bestLen {
			best, bestLen = e, len(p)
		}
	}
	return best
}

// object maps a JSON event object: with the mapping configured for the
// sourcetype, else the vendor the sourcetype names if the payload looks
// like that vendor's, else the first vendor whose shape it has. ok is false
// when none claims it. A Log Analytics export wrapper {"records":[…]} with
// one record is unwrapped; with several records of a known shape it is an
// error, because one Bronze record gives one Silver event.
func (r *Registry) object(in *input, o map[string]any, raw []byte) (e *scalefield.SecurityEvent, route string, ok bool, err error) {
	if ent := r.lookup(in.sourcetype); ent != nil {
		if ent.fields != nil {
			e, err := ent.fields.apply(in, ent.sourcetype, o, raw)
			return e, routeMapping, true, err
		}
		e, err := ent.vendor.read(in, o)
		return e, string(ent.vendor.name), true, err
	}
	if v := vendorForSourcetype(in.sourcetype); v != nil && v.loose(o) {
		e, err := v.read(in, o)
		return e, string(v.name), true, err
	}
	for _, v := range vendors {
		if v.strict(o) {
			e, err := v.read(in, o)
			return e, string(v.name), true, err
		}
	}
	if recs, isList := o["records"].([]any); isList && len(o) == 1 && len(recs) > 0 {
		first, isObj := recs[0].(map[string]any)
		if !isObj {
			return nil, "", false, nil
		}
		if len(recs) == 1 {
			return r.object(in, first, nil)
		}
		for _, v := range vendors {
			if v.strict(first) {
				return nil, string(v.name), true, fmt.Errorf("%s: %d records in one event; only events with one record are mapped (the record stays in Bronze)", v.name, len(recs))
			}
		}
	}
	return nil, "", false, nil
}
