package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatSQLServerCSV, Engine: "sqlserver", New: NewSQLServerCSV, Header: true,
		Describe: "rows of sys.fn_get_audit_file saved as CSV with a header row (columns found by name)"})
	register(FormatInfo{Name: FormatSQLServerJSON, Engine: "sqlserver", New: NewSQLServerJSON, Document: true,
		Describe: "rows of sys.fn_get_audit_file as JSON: one object per line, or one array of objects (FOR JSON PATH)"})
}

// sqlServerAction is what an audit action_id means.
type sqlServerAction struct{ name, class string }

// sqlServerActions maps the action_id codes of sys.dm_audit_actions that
// matter for activity. Codes not listed are classified by their statement.
var sqlServerActions = map[string]sqlServerAction{
	"LGIS": {"LOGIN SUCCEEDED", scalefield.DBActionConnect},
	"LGIF": {"LOGIN FAILED", scalefield.DBActionAuth},
	"LGO":  {"LOGOUT", scalefield.DBActionConnect},
	"SL":   {"SELECT", scalefield.DBActionRead},
	"RC":   {"RECEIVE", scalefield.DBActionRead},
	"IN":   {"INSERT", scalefield.DBActionWrite},
	"UP":   {"UPDATE", scalefield.DBActionWrite},
	"DL":   {"DELETE", scalefield.DBActionWrite},
	"EX":   {"EXECUTE", scalefield.DBActionFunction},
	"CR":   {"CREATE", scalefield.DBActionDDL},
	"AL":   {"ALTER", scalefield.DBActionDDL},
	"DR":   {"DROP", scalefield.DBActionDDL},
	"G":    {"GRANT", scalefield.DBActionRole},
	"GWG":  {"GRANT WITH GRANT", scalefield.DBActionRole},
	"D":    {"DENY", scalefield.DBActionRole},
	"DWC":  {"DENY WITH CASCADE", scalefield.DBActionRole},
	"R":    {"REVOKE", scalefield.DBActionRole},
	"RWC":  {"REVOKE WITH CASCADE", scalefield.DBActionRole},
	"RWG":  {"REVOKE WITH GRANT", scalefield.DBActionRole},
	"APRL": {"ADD MEMBER", scalefield.DBActionRole},
	"DPRL": {"DROP MEMBER", scalefield.DBActionRole},
	"PWC":  {"CHANGE PASSWORD", scalefield.DBActionRole},
	"PWCS": {"CHANGE OWN PASSWORD", scalefield.DBActionRole},
	"PWR":  {"RESET PASSWORD", scalefield.DBActionRole},
	"PWRS": {"RESET OWN PASSWORD", scalefield.DBActionRole},
	"PWU":  {"UNLOCK ACCOUNT", scalefield.DBActionRole},
	"TO":   {"TAKE OWNERSHIP", scalefield.DBActionRole},
	"IMP":  {"IMPERSONATE", scalefield.DBActionRole},
	"AUSC": {"AUDIT SESSION CHANGED", scalefield.DBActionMisc},
	"AUSF": {"AUDIT SHUTDOWN ON FAILURE", scalefield.DBActionMisc},
	"BA":   {"BACKUP", scalefield.DBActionMisc},
	"BAL":  {"BACKUP LOG", scalefield.DBActionMisc},
	"RS":   {"RESTORE", scalefield.DBActionMisc},
	"DBCC": {"DBCC", scalefield.DBActionMisc},
	"SVSD": {"SERVER SHUTDOWN", scalefield.DBActionMisc},
	"SVSR": {"SERVER STARTED", scalefield.DBActionMisc},
}

// sqlServerClassTypes names the class_type codes of objects.
var sqlServerClassTypes = map[string]string{
	"U": "TABLE", "V": "VIEW", "P": "PROCEDURE", "PC": "PROCEDURE", "X": "PROCEDURE", "FN": "FUNCTION", "IF": "FUNCTION",
	"TF": "FUNCTION", "FS": "FUNCTION", "FT": "FUNCTION", "AF": "FUNCTION", "TR": "TRIGGER", "SN": "SYNONYM",
	"SO": "SEQUENCE", "SC": "SCHEMA", "DB": "DATABASE", "SV": "SERVER", "SL": "LOGIN", "LX": "LOGIN", "WL": "LOGIN",
	"US": "USER", "RL": "ROLE", "SG": "ROLE", "A": "AUDIT", "DA": "AUDIT SPECIFICATION", "SA": "AUDIT SPECIFICATION",
	"TY": "TYPE", "XS": "XML SCHEMA COLLECTION", "AS": "ASSEMBLY", "CR": "CREDENTIAL", "CT": "CONTRACT", "MT": "MESSAGE TYPE",
	"SQ": "QUEUE", "EP": "ENDPOINT",
}

// sqlServerRow maps one fn_get_audit_file row.
func sqlServerRow(get func(string) string, src Source) (*scalefield.DBActivity, string) {
	ts := get("event_time")
	t, err := parseTime(ts, scalefieldUTC) // fn_get_audit_file returns UTC
	if err != nil {
		return nil, fmt.Sprintf("event_time %q: %v", ts, err)
	}
	code := strings.ToUpper(strings.TrimSpace(get("action_id")))
	if code == "" {
		return nil, "action_id is empty"
	}
	a := &scalefield.DBActivity{Time: t, Engine: "sqlserver", Host: firstOf(get("server_instance_name"), src.Host),
		Database: get("database_name"), User: firstOf(get("server_principal_name"), get("session_server_principal_name")),
		ClientAddr: get("client_ip"), Application: get("application_name"), Session: get("session_id"),
		Statement: get("statement"), Object: qualify(get("schema_name"), get("object_name")),
		ObjectType: sqlServerClassTypes[strings.ToUpper(strings.TrimSpace(get("class_type")))],
		Status:     statusSuccess, Source: src.Name}
	if a.Session == "0" {
		a.Session = ""
	}
	info := get("additional_information")
	if a.ClientAddr == "" {
		a.ClientAddr = xmlText(info, "address")
	}
	if act, ok := sqlServerActions[code]; ok {
		a.Action, a.ActionClass = act.name, act.class
		if (code == "CR" || code == "AL" || code == "DR") && a.ObjectType != "" {
			a.Action += " " + a.ObjectType
		}
	} else {
		a.Action = code
		a.ActionClass = scalefield.DBActionMisc
		if v := sqlVerb(a.Statement); v != "" {
			a.ActionClass = classOfVerb(v)
		}
	}
	switch s := strings.ToLower(strings.TrimSpace(get("succeeded"))); s {
	case "1", "true":
	case "0", "false":
		a.Status = statusFailure
		a.Error = firstOf(xmlText(info, "error"), "failed")
		if code == "LGIF" && a.Statement != "" {
			a.Error = a.Statement
		}
	default:
		return nil, fmt.Sprintf("succeeded %q is not 1/0 or true/false", s)
	}
	if code == "LGIF" {
		a.Status = statusFailure
	}
	for _, col := range []string{"affected_rows", "response_rows"} {
		if v := strings.TrimSpace(get(col)); v != "" && v != "0" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				a.Rows = n
				break
			}
		}
	}
	return a, ""
}

// xmlText returns the text of the first <name> element in s (the
// additional_information column is an XML fragment).
func xmlText(s, name string) string {
	i := strings.Index(s, "<"+name+">")
	if i < 0 {
		return ""
	}
	rest := s[i+len(name)+2:]
	j := strings.Index(rest, "</"+name+">")
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// SQLServerCSV reads fn_get_audit_file rows saved as CSV with a header.
type SQLServerCSV struct {
	s   *csvStream
	src Source
	h   header
	err error
}

// NewSQLServerCSV returns a reader of fn_get_audit_file rows in CSV.
func NewSQLServerCSV(r io.Reader, src Source) Reader {
	return &SQLServerCSV{s: newCSVStream(r, src, FormatSQLServerCSV), src: src}
}

// Next implements Reader.
func (q *SQLServerCSV) Next() (*scalefield.DBActivity, error) {
	if q.h == nil {
		if q.err != nil {
			return nil, q.err
		}
		h, err := readHeader(q.s, q.src.Header)
		if err != nil {
			return nil, err
		}
		if !h.has("EVENT_TIME") || !h.has("ACTION_ID") || !h.has("SUCCEEDED") {
			q.err = io.EOF
			return nil, &RecordError{Format: FormatSQLServerCSV, Path: q.src.Path, Line: 1, Offset: q.src.Offset, End: q.src.Offset,
				Reason: "header has no event_time, action_id or succeeded column"}
		}
		q.h = h
	}
	rec, err := q.s.next()
	if err != nil {
		return nil, err
	}
	get := func(name string) string {
		v := q.h.get(rec.fields, strings.ToUpper(name))
		if v == "NULL" {
			return ""
		}
		return v
	}
	a, reason := sqlServerRow(get, q.src)
	if reason != "" {
		return nil, &RecordError{Format: FormatSQLServerCSV, Path: q.src.Path, Line: rec.line, Offset: rec.start, End: rec.end, Reason: reason, Raw: rec.raw}
	}
	a.Raw, a.Position = rec.raw, q.src.position(rec.end)
	return a, nil
}

// SQLServerJSON reads fn_get_audit_file rows as JSON lines or as one JSON
// array. In an array, a syntax error ends the file (encoding/json cannot
// resynchronise); a row with wrong values is reported and skipped.
type SQLServerJSON struct {
	src   Source
	br    *bufio.Reader
	lines *lineStream
	d     *json.Decoder
	rec   *recorder
	n     int
	done  bool
}

// NewSQLServerJSON returns a reader of fn_get_audit_file rows in JSON.
func NewSQLServerJSON(r io.Reader, src Source) Reader {
	return &SQLServerJSON{src: src, br: bufio.NewReader(r)}
}

// Next implements Reader.
func (q *SQLServerJSON) Next() (*scalefield.DBActivity, error) {
	if q.lines == nil && q.d == nil {
		if err := q.start(); err != nil {
			return nil, err
		}
	}
	if q.lines != nil {
		l, err := q.lines.next()
		if err != nil {
			return nil, err
		}
		return q.row(l.text, l.line, l.start, l.end)
	}
	if q.done {
		return nil, io.EOF
	}
	before := q.d.InputOffset()
	if !q.d.More() {
		q.done = true
		if _, err := q.d.Token(); err != nil { // the closing ]
			return nil, q.syntax(err, before)
		}
		return nil, io.EOF
	}
	var raw json.RawMessage
	if err := q.d.Decode(&raw); err != nil {
		q.done = true
		return nil, q.syntax(err, before)
	}
	end := q.d.InputOffset()
	q.n++
	seg := q.rec.slice(before, end)
	lead := int64(len(seg) - len(bytes.TrimLeft(seg, " \t\r\n,")))
	q.rec.discard(end)
	return q.row(raw, q.n, q.src.Offset+before+lead, q.src.Offset+end)
}

// start looks at the first byte: '[' means one array, anything else lines.
func (q *SQLServerJSON) start() error {
	skipped := int64(0)
	for {
		b, err := q.br.Peek(1)
		if err != nil {
			q.lines = newLineStream(q.br, q.src, FormatSQLServerJSON)
			return nil
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			q.br.ReadByte()
			skipped++
			continue
		}
		if bytes.HasPrefix(bom, b) {
			if p, err := q.br.Peek(3); err == nil && bytes.Equal(p, bom) {
				q.br.Discard(3)
				skipped += 3
				continue
			}
		}
		if b[0] != '[' {
			src := q.src
			src.Offset += skipped
			q.lines = newLineStream(q.br, src, FormatSQLServerJSON)
			return nil
		}
		q.src.Offset += skipped
		q.rec = &recorder{r: q.br}
		q.d = json.NewDecoder(q.rec)
		q.d.UseNumber()
		if _, err := q.d.Token(); err != nil {
			return q.syntax(err, 0)
		}
		return nil
	}
}

func (q *SQLServerJSON) syntax(err error, before int64) error {
	reason := "malformed JSON array, the rest of the file is not read: " + err.Error()
	var cause error
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		reason, cause = "JSON array cut off at the end of the input", ErrPartial
	}
	return &RecordError{Format: FormatSQLServerJSON, Path: q.src.Path, Line: q.n + 1, Offset: q.src.Offset + before,
		End: q.src.Offset + q.rec.total(), Reason: reason, Raw: string(q.rec.slice(before, q.rec.total())), Err: cause}
}

func (q *SQLServerJSON) row(raw []byte, line int, start, end int64) (*scalefield.DBActivity, error) {
	text := string(bytes.TrimSpace(raw))
	fail := func(reason string) error {
		return &RecordError{Format: FormatSQLServerJSON, Path: q.src.Path, Line: line, Offset: start, End: end, Reason: reason, Raw: text}
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fail("not a JSON object: " + err.Error())
	}
	vals := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			vals[strings.ToLower(k)] = v
		case json.Number:
			vals[strings.ToLower(k)] = v.String()
		case bool:
			vals[strings.ToLower(k)] = strconv.FormatBool(v)
		case nil:
		default:
			b, _ := json.Marshal(v)
			vals[strings.ToLower(k)] = string(b)
		}
	}
	a, reason := sqlServerRow(func(k string) string { return vals[k] }, q.src)
	if reason != "" {
		return nil, fail(reason)
	}
	a.Raw, a.Position = text, q.src.position(end)
	return a, nil
}
