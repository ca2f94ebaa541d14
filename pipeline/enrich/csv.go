package enrich

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// csvColumns are the columns a CSV feed's header may name (in any order
// and case); type and value are required.
var csvColumns = []string{"type", "value", "confidence", "valid_until", "labels", "name"}

// csvTypes maps the type names a CSV feed may use to indicator types; the
// STIX names are accepted too. "ip" picks IPv4 or IPv6 by the value.
var csvTypes = map[string]scalefield.IndicatorType{
	"ip": "", "ip-addr": "", "ipv4": scalefield.IndicatorIPv4, "ipv6": scalefield.IndicatorIPv6, "cidr": "",
	"domain": scalefield.IndicatorDomain, "hostname": scalefield.IndicatorDomain, "fqdn": scalefield.IndicatorDomain,
	"hash": scalefield.IndicatorFileHash, "md5": scalefield.IndicatorFileHash, "sha1": scalefield.IndicatorFileHash,
	"sha-1": scalefield.IndicatorFileHash, "sha256": scalefield.IndicatorFileHash, "sha-256": scalefield.IndicatorFileHash,
	"sha512": scalefield.IndicatorFileHash, "sha-512": scalefield.IndicatorFileHash,
	"email": scalefield.IndicatorEmail, "user": scalefield.IndicatorUserAccount, "account": scalefield.IndicatorUserAccount,
}

// ParseCSV reads a CSV indicator list. With a header row naming at least
// the columns type and value, each row is type,value[,confidence]
// [,valid_until][,labels][,name] in the header's order: valid_until is an
// RFC 3339 timestamp or a date (2006-01-02, the end of which it means),
// labels are separated by ";" or "|". Without such a header the list has
// one indicator per line, of opts.Type (a first line that is a column
// name, such as "value" or "ip", is passed over). Lines starting with "#"
// are comments; empty lines are passed over. A bad row is skipped with its
// line number. EINVALID for a list that has neither a header nor
// opts.Type, a bad option, or more indicators than opts.MaxIndicators.
func ParseCSV(r io.Reader, opts ParseOptions) (*ParseResult, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	res := &ParseResult{}
	var cols map[string]int // nil: single-column list
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.skip(Skip{Line: pe.Line, Reason: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("read CSV: %w", err)
		}
		if first {
			first = false
			if cols = csvHeader(rec); cols != nil {
				continue
			}
			if opts.Type == "" {
				return nil, scalefield.Errorf(scalefield.EINVALID,
					"the CSV list needs a header with type and value columns, or an indicator type for a single-column list")
			}
			if len(rec) == 1 && isColumnName(rec[0]) {
				continue
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		ind, why := csvIndicator(rec, cols, &opts)
		if why != "" {
			res.skip(Skip{Line: line, Reason: why})
			continue
		}
		if !res.add(ind, Skip{Line: line}, &opts) {
			return nil, scalefield.Errorf(scalefield.EINVALID, "the feed has more than %d indicators", opts.MaxIndicators)
		}
	}
	if first && opts.Type == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "the CSV list is empty")
	}
	return res, nil
}

// csvHeader returns the column positions of a header row, or nil when rec
// is not one.
func csvHeader(rec []string) map[string]int {
	cols := map[string]int{}
	for i, c := range rec {
		c = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
		for _, known := range csvColumns {
			if c == known {
				cols[c] = i
			}
		}
	}
	_, hasType := cols["type"]
	_, hasValue := cols["value"]
	if !hasType || !hasValue {
		return nil
	}
	return cols
}

func isColumnName(s string) bool {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	if s == "value" || s == "indicator" || s == "ioc" {
		return true
	}
	_, ok := csvTypes[s]
	return ok || scalefield.IndicatorType(s).Valid()
}

// csvIndicator reads one row, or says why it cannot.
func csvIndicator(rec []string, cols map[string]int, o *ParseOptions) (scalefield.Indicator, string) {
	ind := scalefield.Indicator{Source: o.Source, Confidence: o.Confidence, Type: o.Type}
	field := func(name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if cols == nil {
		if len(rec) != 1 {
			return ind, fmt.Sprintf("expected one value, found %d columns", len(rec))
		}
		ind.Value = strings.TrimSpace(rec[0])
	} else {
		ind.Value = field("value")
		t := strings.ToLower(field("type"))
		if typ, ok := csvTypes[t]; ok {
			ind.Type = typ
		} else if scalefield.IndicatorType(t).Valid() {
			ind.Type = scalefield.IndicatorType(t)
		} else {
			return ind, fmt.Sprintf("unknown indicator type %q", field("type"))
		}
		if c := field("confidence"); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 0 || n > 100 {
				return ind, fmt.Sprintf("confidence %q is not a number from 0 to 100", c)
			}
			ind.Confidence = n
		}
		if v := field("valid_until"); v != "" {
			u, err := parseCSVTime(v)
			if err != nil {
				return ind, fmt.Sprintf("valid_until %q is not an RFC 3339 timestamp or a date", v)
			}
			ind.ValidUntil = &u
		}
		if l := field("labels"); l != "" {
			for s := range strings.FieldsFuncSeq(l, func(r rune) bool { return r == ';' || r == '|' }) {
				if s = strings.TrimSpace(s); s != "" {
					ind.Labels = append(ind.Labels, s)
				}
			}
		}
		ind.Name = field("name")
	}
	if ind.Type == "" {
		ind.Type = ipType(ind.Value)
	}
	return ind, ""
}

func parseCSVTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, 1), nil
}
