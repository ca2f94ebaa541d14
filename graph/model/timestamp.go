package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Timestamp is an instant that clients give as epoch milliseconds (a
// number, or a string of digits as Grafana's $__from interpolates) or as an
// ISO-8601 / RFC 3339 string. It is written back as RFC 3339 in UTC.
type Timestamp time.Time

// Time returns the instant.
func (t Timestamp) Time() time.Time { return time.Time(t) }

// UnmarshalGQL reads epoch milliseconds or an ISO-8601 string.
func (t *Timestamp) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case json.Number:
		return t.fromString(x.String())
	case int64:
		*t = Timestamp(time.UnixMilli(x).UTC())
	case int:
		*t = Timestamp(time.UnixMilli(int64(x)).UTC())
	case float64:
		*t = Timestamp(time.UnixMilli(int64(x)).UTC())
	case string:
		return t.fromString(x)
	default:
		return fmt.Errorf("a Timestamp is epoch milliseconds or an ISO-8601 string, not %T", v)
	}
	return nil
}

func (t *Timestamp) fromString(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return fmt.Errorf("empty Timestamp")
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		*t = Timestamp(time.UnixMilli(ms).UTC())
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-:T") {
		*t = Timestamp(time.UnixMilli(int64(f)).UTC())
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = Timestamp(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("invalid Timestamp %q: want epoch milliseconds or ISO-8601 such as 2026-11-22T10:00:00Z", s)
}

// MarshalGQL writes RFC 3339 in UTC.
func (t Timestamp) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(time.Time(t).UTC().Format(time.RFC3339Nano)))
}
