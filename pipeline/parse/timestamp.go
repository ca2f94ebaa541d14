package parse

import (
	"time"
)

// Timestamps shared by syslog and CEF: the BSD form "Mmm dd [yyyy ]hh:mm:ss"
// with optional fraction and zone, and the ISO 8601 / RFC 3339 form. Both are
// read by hand: they sit on the hot path and time.Parse cannot say where a
// broken one went wrong.

// text is what the parsers read: the input bytes, or a string cut from it.
type text interface{ ~string | ~[]byte }

// stampError says why a timestamp is broken and where, relative to its start.
type stampError struct {
	off    int
	reason string
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseMonth reads an English three-letter month abbreviation, in any case.
func parseMonth[T text](b T) (time.Month, bool) {
	if len(b) < 3 {
		return 0, false
	}
	for i, m := range months {
		if b[0]|0x20 == m[0] && b[1]|0x20 == m[1] && b[2]|0x20 == m[2] {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

// looksLikeBSDStamp reports whether b starts with a month abbreviation and a
// space, which commits the reader to a BSD timestamp.
func looksLikeBSDStamp[T text](b T) bool {
	_, ok := parseMonth(b)
	return ok && len(b) > 3 && b[3] == ' '
}

// looksLikeISOStamp reports whether b starts with "dddd-dd-dd".
func looksLikeISOStamp[T text](b T) bool {
	return len(b) >= 10 && isDigits(b[:4]) && b[4] == '-' && isDigits(b[5:7]) && b[7] == '-' && isDigits(b[8:10])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigits[T text](b T) bool {
	for i := 0; i < len(b); i++ {
		if !isDigit(b[i]) {
			return false
		}
	}
	return len(b) > 0
}

// digits reads up to max decimal digits at b[i:], returning the value and the
// index after them; n is how many were read.
func digits[T text](b T, i, max int) (v, next, n int) {
	for next = i; next < len(b) && next-i < max && isDigit(b[next]); next++ {
		v = v*10 + int(b[next]-'0')
	}
	return v, next, next - i
}

// Zones written as abbreviations that mean one offset in practice (the North
// American ones Java prints by default, and central Europe's). Ambiguous ones
// such as IST or BST are not guessed.
var zoneAbbrevs = map[string]*time.Location{
	"UTC": time.UTC, "GMT": time.UTC,
	"EST": time.FixedZone("EST", -5*3600), "EDT": time.FixedZone("EDT", -4*3600),
	"CST": time.FixedZone("CST", -6*3600), "CDT": time.FixedZone("CDT", -5*3600),
	"MST": time.FixedZone("MST", -7*3600), "MDT": time.FixedZone("MDT", -6*3600),
	"PST": time.FixedZone("PST", -8*3600), "PDT": time.FixedZone("PDT", -7*3600),
	"CET": time.FixedZone("CET", 3600), "CEST": time.FixedZone("CEST", 2*3600),
}

// parseZone reads a zone at b[i:]: an abbreviation from zoneAbbrevs or a
// numeric offset ±hh:mm, ±hhmm or ±hh. It must end at the end of b, a space
// or a colon. ok is false when there is no zone there.
func parseZone[T text](b T, i int) (loc *time.Location, next int, ok bool) {
	if i >= len(b) {
		return nil, i, false
	}
	if c := b[i]; c == '+' || c == '-' {
		h, j, n := digits(b, i+1, 2)
		if n != 2 || h > 23 {
			return nil, i, false
		}
		m := 0
		if j < len(b) && b[j] == ':' {
			if m, j, n = digits(b, j+1, 2); n != 2 {
				return nil, i, false
			}
		} else if mm, k, n := digits(b, j, 2); n == 2 {
			m, j = mm, k
		}
		if m > 59 || !boundary(b, j) {
			return nil, i, false
		}
		off := h*3600 + m*60
		if c == '-' {
			off = -off
		}
		if off == 0 {
			return time.UTC, j, true
		}
		return time.FixedZone("", off), j, true
	}
	j := i
	for j < len(b) && j-i < 4 && b[j] >= 'A' && b[j] <= 'Z' {
		j++
	}
	if loc, found := zoneAbbrevs[string(b[i:j])]; found && boundary(b, j) {
		return loc, j, true
	}
	return nil, i, false
}

func boundary[T text](b T, j int) bool { return j == len(b) || b[j] == ' ' || b[j] == ':' }

// clock reads "h[h]:mm:ss[.f…]" at b[i:].
func clock[T text](b T, i int) (h, m, s, ns, next int, err *stampError) {
	var n int
	if h, next, n = digits(b, i, 2); n == 0 || h > 23 {
		return 0, 0, 0, 0, i, &stampError{i, "hour is not 0-23"}
	}
	if next >= len(b) || b[next] != ':' {
		return 0, 0, 0, 0, next, &stampError{next, "expected ':' after the hour"}
	}
	if m, next, n = digits(b, next+1, 2); n != 2 || m > 59 {
		return 0, 0, 0, 0, next, &stampError{next, "minute is not 00-59"}
	}
	if next >= len(b) || b[next] != ':' {
		return 0, 0, 0, 0, next, &stampError{next, "expected ':' after the minute"}
	}
	// A leap second (60) is accepted and lands on the next minute.
	if s, next, n = digits(b, next+1, 2); n != 2 || s > 60 {
		return 0, 0, 0, 0, next, &stampError{next, "second is not 00-60"}
	}
	if next+1 < len(b) && b[next] == '.' && isDigit(b[next+1]) {
		f, j, n := digits(b, next+1, 9)
		if j < len(b) && isDigit(b[j]) {
			return 0, 0, 0, 0, j, &stampError{j, "second fraction has more than 9 digits"}
		}
		for ; n < 9; n++ {
			f *= 10
		}
		ns, next = f, j
	}
	return h, m, s, ns, next, nil
}

// date builds a time and reports whether the day exists in that month.
func date(y int, mon time.Month, d, h, m, s, ns int, loc *time.Location) (time.Time, bool) {
	t := time.Date(y, mon, d, h, m, s, ns, loc)
	if s == 60 {
		return t, d >= 1 && d <= daysIn(mon, y)
	}
	return t, t.Day() == d && t.Month() == mon
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// maxAhead is how far after the reference time a year-less timestamp may
// lie: clock skew, not a year-old message.
const maxAhead = 7 * 24 * time.Hour

// yearFor places a date without a year in the latest of the years around
// ref's that does not put it more than maxAhead after ref. So "Dec 31
// 23:59:59" read on 1 January lands in the old year, "Jan  1 00:00:01"
// from a clock running ahead on 31 December in the new one, and a backlog
// from months ago in the past rather than the future.
func yearFor(mon time.Month, d, h, m, s, ns int, loc *time.Location, ref time.Time) (time.Time, bool) {
	y := ref.In(loc).Year()
	limit := ref.Add(maxAhead)
	for _, cy := range [...]int{y + 1, y, y - 1} {
		if t, ok := date(cy, mon, d, h, m, s, ns, loc); ok && !t.After(limit) {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseBSDStamp reads "Mmm dd [yyyy ]hh:mm:ss[.f…][ ZONE]" at the start of
// b. The day may be space-padded, zero-padded or a single digit. Without a
// year, yearFor picks one (an error if ref is zero); without a
// zone, ref's location. With zoneColon, a zone counts only when a colon or
// the end follows it (Cisco's "18:46:11.123 UTC:"), so that RFC 3164's
// "05:34:00 CST 1987 mymachine" keeps CST as the hostname. It returns the
// bytes consumed.
func parseBSDStamp[T text](b T, ref time.Time, zoneColon bool) (time.Time, int, *stampError) {
	mon, ok := parseMonth(b)
	if !ok {
		return time.Time{}, 0, &stampError{0, "expected a month abbreviation"}
	}
	i := 3
	for i < len(b) && i < 5 && b[i] == ' ' {
		i++
	}
	ds := i
	d, i, n := digits(b, i, 2)
	if n == 0 || d < 1 || d > 31 {
		return time.Time{}, ds, &stampError{ds, "day of month is not 1-31"}
	}
	if i >= len(b) || b[i] != ' ' {
		return time.Time{}, i, &stampError{i, "expected a space after the day of month"}
	}
	i++
	year := -1
	if y, j, n := digits(b, i, 4); n == 4 && j < len(b) && b[j] == ' ' {
		year, i = y, j+1
	}
	h, m, s, ns, i, serr := clock(b, i)
	if serr != nil {
		return time.Time{}, i, serr
	}
	loc := ref.Location()
	if i < len(b) && b[i] == ' ' {
		if z, j, ok := parseZone(b, i+1); ok && (!zoneColon || j == len(b) || b[j] == ':') {
			loc, i = z, j
		}
	}
	var t time.Time
	if year >= 0 {
		ok = false
		if t, ok = date(year, mon, d, h, m, s, ns, loc); !ok {
			return time.Time{}, 0, &stampError{4, "day does not exist in that month"}
		}
		return t, i, nil
	}
	if ref.IsZero() {
		return time.Time{}, 0, &stampError{0, "timestamp has no year and no reference time was given"}
	}
	if t, ok = yearFor(mon, d, h, m, s, ns, loc, ref); !ok {
		return time.Time{}, 4, &stampError{4, "day does not exist in the years around the reference time"}
	}
	return t, i, nil
}

// parseISOStamp reads "yyyy-mm-dd[T ]hh:mm:ss[.f…][Z|±hh:mm|±hhmm]" at the
// start of b; without a zone, ref's location is taken.
func parseISOStamp[T text](b T, ref time.Time) (time.Time, int, *stampError) {
	if !looksLikeISOStamp(b) {
		return time.Time{}, 0, &stampError{0, "expected yyyy-mm-dd"}
	}
	y, _, _ := digits(b, 0, 4)
	mo, _, _ := digits(b, 5, 2)
	d, _, _ := digits(b, 8, 2)
	if mo < 1 || mo > 12 {
		return time.Time{}, 5, &stampError{5, "month is not 01-12"}
	}
	if len(b) < 11 || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') {
		return time.Time{}, 10, &stampError{10, "expected 'T' between date and time"}
	}
	h, m, s, ns, i, serr := clock(b, 11)
	if serr != nil {
		return time.Time{}, i, serr
	}
	loc := ref.Location()
	if i < len(b) && (b[i] == 'Z' || b[i] == 'z') {
		loc, i = time.UTC, i+1
	} else if z, j, ok := parseZone(b, i); ok && (b[i] == '+' || b[i] == '-') {
		loc, i = z, j
	}
	t, ok := date(y, time.Month(mo), d, h, m, s, ns, loc)
	if !ok {
		return time.Time{}, 8, &stampError{8, "day does not exist in that month"}
	}
	return t, i, nil
}
