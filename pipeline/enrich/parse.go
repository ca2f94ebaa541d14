package enrich

import (
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// ParseOptions say how to read an indicator feed.
type ParseOptions struct {
	// Source names the feed every indicator is filed under; required.
	Source string
	// Type is the indicator type of a single-column CSV list (a list
	// without a header naming a type column).
	Type scalefield.IndicatorType
	// Confidence is given to indicators that state none; 0 means
	// DefaultConfidence.
	Confidence int
	// MaxIndicators bounds one feed; 0 means DefaultMaxIndicators.
	MaxIndicators int
}

// Defaults of ParseOptions.
const (
	DefaultConfidence    = 50
	DefaultMaxIndicators = 1_000_000
	// maxSkipsKept bounds the skip reasons a result keeps; all are counted.
	maxSkipsKept = 1000
)

func (o *ParseOptions) validate() error {
	o.Source = strings.TrimSpace(o.Source)
	switch {
	case o.Source == "":
		return scalefield.Errorf(scalefield.EINVALID, "a feed needs a source name")
	case o.Type != "" && !o.Type.Valid():
		return scalefield.Errorf(scalefield.EINVALID, "unknown indicator type %q", o.Type)
	case o.Confidence < 0 || o.Confidence > 100:
		return scalefield.Errorf(scalefield.EINVALID, "confidence must be 0-100")
	case o.MaxIndicators < 0:
		return scalefield.Errorf(scalefield.EINVALID, "max indicators must not be negative")
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if o.MaxIndicators == 0 {
		o.MaxIndicators = DefaultMaxIndicators
	}
	return nil
}

// Skip is an entry of a feed that was not imported, and why.
type Skip struct {
	// Line is the CSV line (from 1); 0 for STIX.
	Line int
	// Object is the STIX object's id; "" for CSV.
	Object string
	Reason string
}

// ParseResult is what a feed yielded: normalized indicators ready to
// import, and what was skipped.
type ParseResult struct {
	Indicators []scalefield.Indicator
	// Skipped holds the first 1000 skips; SkippedTotal counts them all.
	Skipped      []Skip
	SkippedTotal int
	// Ignored counts STIX objects that are not indicators.
	Ignored int
}

func (r *ParseResult) skip(s Skip) {
	r.SkippedTotal++
	if len(r.Skipped) < maxSkipsKept {
		r.Skipped = append(r.Skipped, s)
	}
}

// add normalizes ind and appends it, or records why not. It reports false
// when the result is full.
func (r *ParseResult) add(ind scalefield.Indicator, where Skip, o *ParseOptions) bool {
	if err := ind.Normalize(); err != nil {
		where.Reason = scalefield.ErrorMessage(err)
		r.skip(where)
		return true
	}
	if len(r.Indicators) >= o.MaxIndicators {
		return false
	}
	r.Indicators = append(r.Indicators, ind)
	return true
}
