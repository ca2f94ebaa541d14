package audit

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/scalefield/scalefield"
)

// Outcomes.
const (
	statusSuccess = "success"
	statusFailure = "failure"
)

// sqlVerb returns the leading keyword of a SQL statement, upper-cased, with
// the object kind for CREATE/ALTER/DROP ("CREATE TABLE"). Comments and
// opening parentheses before it are skipped.
func sqlVerb(stmt string) string {
	words := leadingWords(stmt, 6)
	if len(words) == 0 {
		return ""
	}
	verb := words[0]
	switch verb {
	case "CREATE", "ALTER", "DROP", "TRUNCATE":
		for _, w := range words[1:] {
			switch w {
			case "OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "GLOBAL", "LOCAL", "PUBLIC", "MATERIALIZED", "UNLOGGED", "IF", "NOT", "EXISTS", "DEFINER", "EDITIONABLE", "NONEDITIONABLE":
				continue
			}
			return verb + " " + w
		}
	}
	return verb
}

// leadingWords returns up to n upper-cased words from the start of stmt.
func leadingWords(stmt string, n int) []string {
	s := stmt
	for {
		s = strings.TrimLeft(s, " \t\r\n(;")
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return nil
			}
			s = s[i+1:]
			continue
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return nil
			}
			s = s[i+2:]
			continue
		}
		break
	}
	var words []string
	for len(words) < n && s != "" {
		i := 0
		for i < len(s) && (isWordByte(s[i])) {
			i++
		}
		if i == 0 {
			break
		}
		words = append(words, strings.ToUpper(s[:i]))
		s = strings.TrimLeft(s[i:], " \t\r\n")
	}
	return words
}

func isWordByte(c byte) bool {
	return c == '_' || c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// classOfVerb maps a SQL verb (or an engine's action name such as "CREATE
// TABLE" or "LOGON") to an action class, after pgaudit's classes.
func classOfVerb(verb string) string {
	words := strings.Fields(strings.ToUpper(verb))
	if len(words) == 0 {
		return scalefield.DBActionMisc
	}
	second := ""
	if len(words) > 1 {
		second = words[1]
	}
	switch words[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "READTEXT", "RECEIVE":
		return scalefield.DBActionRead
	case "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "COPY", "LOAD", "BULK", "WRITETEXT", "UPDATETEXT":
		return scalefield.DBActionWrite
	case "TRUNCATE":
		return scalefield.DBActionWrite
	case "CREATE", "ALTER", "DROP", "RENAME":
		switch second {
		case "ROLE", "USER", "LOGIN", "GROUP", "PROFILE", "APPLICATION", "CREDENTIAL":
			return scalefield.DBActionRole
		}
		return scalefield.DBActionDDL
	case "COMMENT", "ANALYZE", "AUDIT", "NOAUDIT", "PURGE", "FLASHBACK":
		if words[0] == "COMMENT" {
			return scalefield.DBActionDDL
		}
		return scalefield.DBActionMisc
	case "GRANT", "REVOKE", "DENY", "SYSTEM":
		if words[0] == "SYSTEM" && second != "GRANT" && second != "REVOKE" {
			return scalefield.DBActionMisc
		}
		return scalefield.DBActionRole
	case "CALL", "DO", "EXEC", "EXECUTE", "PL/SQL":
		return scalefield.DBActionFunction
	case "LOGON", "LOGOFF", "CONNECT", "DISCONNECT", "LOGIN", "LOGOUT":
		return scalefield.DBActionConnect
	}
	return scalefield.DBActionMisc
}

// splitHostPort splits "host:port" (IPv6 addresses keep their colons; a
// port that is not a number stays with the host).
func splitHostPort(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return s, 0
	}
	p, err := strconv.Atoi(s[i+1:])
	if err != nil || p < 0 || p > 65535 {
		return s, 0
	}
	return strings.TrimSuffix(strings.TrimPrefix(s[:i], "["), "]"), p
}

// parsePort returns a TCP port, or 0 for anything else.
func parsePort(s string) int {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 0 || p > 65535 {
		return 0
	}
	return p
}

// zoneless are timestamp layouts without a time zone, read in the source's
// location; zoned carry their own.
var (
	zoneless = []string{
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02-15.04.05.999999999", // db2
		"20060102 15:04:05",             // server_audit
		"02-Jan-06 03.04.05.999999999 PM",
		"02-Jan-2006 03.04.05.999999999 PM",
		"02-Jan-06 15.04.05.999999999",
		"02-Jan-2006 15:04:05",
		"2006-01-02",
	}
	zoned = []string{
		time.RFC3339Nano,
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999 Z07:00",
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999 -0700",
		"02-Jan-06 03.04.05.999999999 PM Z07:00",
		"02-Jan-2006 03.04.05.999999999 PM Z07:00",
	}
)

var errTime = errors.New("unrecognized timestamp")

// parseTime reads the timestamp forms the engines write. A trailing "UTC"
// or "GMT" means UTC; other zone abbreviations are ambiguous and rejected.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	t, err := parseAnyTime(s, loc)
	if err == nil && (t.Year() < 1970 || t.Year() > 9999) {
		return time.Time{}, errors.New("timestamp outside the years 1970 to 9999")
	}
	return t, err
}

func parseAnyTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty timestamp")
	}
	for _, suffix := range []string{" UTC", " GMT", "Z"} {
		if strings.HasSuffix(s, suffix) && !strings.HasSuffix(s, "+00:00Z") {
			if t, err := parseIn(strings.TrimSuffix(s, suffix), time.UTC); err == nil {
				return t, nil
			}
		}
	}
	for _, l := range zoned {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if t, err := parseIn(s, loc); err == nil {
		return t, nil
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && isZoneAbbrev(s[i+1:]) {
		return time.Time{}, errors.New("time zone " + s[i+1:] + " is ambiguous: set the source's time zone or log in UTC")
	}
	return time.Time{}, errTime
}

func parseIn(s string, loc *time.Location) (time.Time, error) {
	for _, l := range zoneless {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errTime
}

func isZoneAbbrev(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// qualify joins a schema and an object name.
func qualify(schema, name string) string {
	switch {
	case name == "":
		return ""
	case schema == "":
		return name
	}
	return schema + "." + name
}
