package model

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimestampReadsEpochMillisAndISO(t *testing.T) {
	want := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, in := range []any{
		want.UnixMilli(),             // a JSON number decoded as int64
		json.Number("1795341600000"), // as gqlgen passes variables
		float64(want.UnixMilli()),    // a float
		"1795341600000",              // Grafana's ${__from} in a string
		"2026-11-22T10:00:00Z",       // RFC 3339
		"2026-11-22T11:00:00+01:00",  // with an offset
		"2026-11-22T10:00:00",        // ISO without a zone: UTC
		" 2026-11-22T10:00:00.000Z ", // padded, with fractions
	} {
		var ts Timestamp
		if err := ts.UnmarshalGQL(in); err != nil {
			t.Errorf("%#v: %v", in, err)
			continue
		}
		if !ts.Time().Equal(want) {
			t.Errorf("%#v: got %s, want %s", in, ts.Time(), want)
		}
	}
	for _, in := range []any{"", "yesterday", "2026-13-01", true, nil} {
		var ts Timestamp
		if err := ts.UnmarshalGQL(in); err == nil {
			t.Errorf("%#v: accepted as %s", in, ts.Time())
		}
	}
}
