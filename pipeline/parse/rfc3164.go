package parse

import (
	"bytes"
	"time"
)

// maxTagLen bounds the RFC 3164 TAG; RFC 3164 says 32, devices send longer
// (go-syslog and UniFi use 48).
const maxTagLen = 48

// ParseRFC3164 reads one BSD syslog message, "<PRI>TIMESTAMP HOSTNAME
// TAG[PID]: MSG", and the variants vendors send:
//
//   - a timestamp without a year ("Oct 11 22:14:15"): the year is the
//     latest (ref's year + 1, ref's, or ref's - 1) that puts the time no more
//     than 7 days after ref, so "Dec 31 23:59:59" read on 1 January keeps its
//     year and "Jan  1 00:00:01" from a fast clock on 31 December gets the
//     next. Without a zone the time is in ref's location. A zero ref makes a
//     year-less timestamp an error.
//   - a year in the timestamp ("Oct 11 2023 22:14:15", Cisco ASA), fractions
//     of a second, a space-, zero- or un-padded day, a trailing colon
//     ("…:15.123:"), Cisco's "*" and "." clock-sync marks and a "UTC:" zone;
//   - ISO 8601 / RFC 3339 timestamps ("2023-10-11T22:14:15.123+02:00", as
//     rsyslog forwards), with or without a zone;
//   - no timestamp at all: per RFC 3164 §4.3.2 there is then no HOSTNAME
//     either, and the rest is the message (after an optional TAG);
//   - no HOSTNAME ("<34>Oct 11 22:14:15 su: …"): a first word that ends the
//     TAG (with ':') is taken as the TAG;
//   - Cisco message counter and sequence number after the PRI
//     ("<189>237: 000485: *Jan  8 …"), Cisco's origin hostname before the
//     timestamp ("237: router1: Apr 11 …"), ASA's "host : %ASA-6-302013: …";
//   - Cisco tags %FACILITY-SEVERITY-MNEMONIC, parsed into Cisco;
//   - TAG[PID]: (rsyslog and most daemons); a word starting "CEF:" or
//     "LEEF:" is the payload, not a TAG;
//   - trailing line feeds, carriage returns and NULs, which are dropped.
//
// The PRI is required. A timestamp that starts like one (a month and a day,
// or yyyy-mm-dd) but is broken is an error, not part of the message.
func ParseRFC3164(b []byte, ref time.Time) (*Syslog, error) {
	b = trimTrailer(b)
	pri, i, err := parsePRI(b, RFC3164)
	if err != nil {
		return nil, err
	}
	str := string(b) // the one copy: every string field is a substring of it
	s := &Syslog{Format: RFC3164, Priority: pri, Facility: pri / 8, Severity: pri % 8}

	// Cisco IOS message counter, then service sequence number: "237: 000485: ".
	for k := 0; k < 2 && i < len(b); k++ {
		v, j, n := digits(b, i, 18)
		if n == 0 && k == 1 || j+1 >= len(b) || b[j] != ':' || b[j+1] != ' ' {
			break
		}
		if k == 0 {
			s.MessageCounter = uint64(v)
		} else {
			s.Sequence = uint64(v)
		}
		i = skipSpaces(b, j+1)
	}
	// Cisco origin hostname before the timestamp: "router1: Apr 11 …".
	if !startsStamp(b, i) {
		if j := bytes.IndexByte(b[i:], ' '); j > 1 && b[i+j-1] == ':' && startsStamp(b, skipSpaces(b, i+j)) {
			s.Hostname = str[i : i+j-1]
			i = skipSpaces(b, i+j)
		}
	}

	hasStamp := startsStamp(b, i)
	if hasStamp {
		if b[i] == '*' || b[i] == '.' {
			i++
		}
		var n int
		var serr *stampError
		if looksLikeISOStamp(b[i:]) {
			s.Timestamp, n, serr = parseISOStamp(b[i:], ref)
		} else {
			s.Timestamp, n, serr = parseBSDStamp(b[i:], ref, true)
		}
		if serr != nil {
			return nil, errorf(RFC3164, i+serr.off, "timestamp: %s", serr.reason)
		}
		i += n
		if i < len(b) && b[i] == ':' {
			i++
		}
		if i < len(b) && b[i] != ' ' {
			return nil, errorf(RFC3164, i, "expected a space after the timestamp")
		}
		i = skipSpaces(b, i)
	}

	if hasStamp && s.Hostname == "" {
		if j := bytes.IndexByte(b[i:], ' '); j > 0 && !isTagWord(b[i:i+j]) && !isPayload(b[i:]) {
			s.Hostname = str[i : i+j]
			i = skipSpaces(b, i+j)
			if i+1 < len(b) && b[i] == ':' && b[i+1] == ' ' { // ASA: "host : %ASA-…"
				i = skipSpaces(b, i+1)
			}
		}
	}

	if name, pid, n := parseTag(b[i:]); n > 0 {
		s.AppName = str[i+name[0] : i+name[1]]
		if pid[1] > pid[0] {
			s.ProcID = str[i+pid[0] : i+pid[1]]
		}
		s.Cisco = parseCiscoTag(s.AppName)
		i += n
	}
	s.Message = str[i:]
	return s, nil
}

// parsePRI reads "<N>" with N in 0-191.
func parsePRI(b []byte, f Format) (uint8, int, error) {
	switch {
	case len(b) == 0:
		return 0, 0, errorf(f, 0, "message is empty")
	case b[0] != '<':
		return 0, 0, errorf(f, 0, "expected '<' to open the PRI")
	}
	v, j, n := digits(b, 1, 3)
	switch {
	case n == 0:
		return 0, 1, errorf(f, 1, "expected the PRI number after '<'")
	case j < len(b) && isDigit(b[j]):
		return 0, j, errorf(f, j, "PRI has more than 3 digits")
	case j >= len(b) || b[j] != '>':
		return 0, j, errorf(f, j, "expected '>' to close the PRI")
	case v > 191:
		return 0, 1, errorf(f, 1, "PRI %d is above 191", v)
	}
	return uint8(v), j + 1, nil
}

func skipSpaces[T text](b T, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// startsStamp reports whether a timestamp (after an optional Cisco '*' or
// '.') starts at b[i:]: a month, a space and a day, or yyyy-mm-dd.
func startsStamp(b []byte, i int) bool {
	if i < len(b) && (b[i] == '*' || b[i] == '.') {
		i++
	}
	if i >= len(b) {
		return false
	}
	r := b[i:]
	if looksLikeISOStamp(r) {
		return true
	}
	return looksLikeBSDStamp(r) && len(r) > 5 && (isDigit(r[4]) || r[4] == ' ' && isDigit(r[5]))
}

// isTagWord reports whether a word is a whole TAG ("su:", "sshd[12]:").
func isTagWord(w []byte) bool {
	_, _, n := parseTag(w)
	return n == len(w) && w[len(w)-1] == ':'
}

// isPayload reports whether b starts a CEF or LEEF payload.
func isPayload(b []byte) bool {
	return cefStart(b) || bytes.HasPrefix(b, []byte("LEEF:")) && len(b) > 5 && isDigit(b[5])
}

// parseTag reads "NAME[PID]:" or "NAME:" and one following space at the
// start of b. It returns the spans of the name and pid and the bytes
// consumed, 0 if b does not start with a TAG.
func parseTag(b []byte) (name, pid [2]int, n int) {
	if isPayload(b) {
		return name, pid, 0
	}
	i := 0
	for i < len(b) && i < maxTagLen+1 && b[i] > ' ' && b[i] < 0x7f && b[i] != ':' && b[i] != '[' && b[i] != ']' {
		i++
	}
	if i == 0 || i > maxTagLen || i >= len(b) {
		return name, pid, 0
	}
	name = [2]int{0, i}
	if b[i] == '[' {
		j := i + 1
		for j < len(b) && j-i <= 128 && b[j] > ' ' && b[j] != ']' {
			j++
		}
		if j == i+1 || j >= len(b) || b[j] != ']' {
			return [2]int{}, [2]int{}, 0
		}
		pid = [2]int{i + 1, j}
		i = j + 1
	}
	if i >= len(b) || b[i] != ':' {
		return [2]int{}, [2]int{}, 0
	}
	i++
	if i < len(b) && b[i] == ' ' {
		i++
	}
	return name, pid, i
}

// parseCiscoTag splits "%FACILITY-SEVERITY-MNEMONIC"; the facility may
// itself hold dashes ("%IOSXE-SPA-6-UPDOWN").
func parseCiscoTag(tag string) CiscoTag {
	if len(tag) < 6 || tag[0] != '%' {
		return CiscoTag{}
	}
	t := tag[1:]
	for k := 1; k+3 < len(t); k++ {
		if t[k] == '-' && t[k+1] >= '0' && t[k+1] <= '7' && t[k+2] == '-' {
			return CiscoTag{Facility: t[:k], Severity: t[k+1] - '0', Mnemonic: t[k+3:]}
		}
	}
	return CiscoTag{}
}
