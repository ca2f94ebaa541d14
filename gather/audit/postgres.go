package audit

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatPostgresCSV, Engine: "postgresql", New: NewPostgresCSV,
		Describe: "PostgreSQL server log, log_destination=csvlog (PostgreSQL 12 to 16 column sets), with pgaudit"})
	register(FormatInfo{Name: FormatPostgresJSON, Engine: "postgresql", New: NewPostgresJSON,
		Describe: "PostgreSQL 15+ server log, log_destination=jsonlog, with pgaudit"})
}

// pgEntry is one server log entry, from csvlog or jsonlog.
type pgEntry struct {
	Time        string `json:"timestamp"`
	User        string `json:"user"`
	Database    string `json:"dbname"`
	RemoteHost  string `json:"remote_host"`
	RemotePort  any    `json:"remote_port"`
	Session     string `json:"session_id"`
	Severity    string `json:"error_severity"`
	State       string `json:"state_code"`
	Message     string `json:"message"`
	Detail      string `json:"detail"`
	Statement   string `json:"statement"`
	Application string `json:"application_name"`
	BackendType string `json:"backend_type"`
}

// Column indexes of csvlog (PostgreSQL docs, "Using CSV-Format Log Output":
// 23 columns up to version 12, 24 with backend_type in 13, 26 with
// leader_pid and query_id from 14).
const (
	pgcLogTime        = 0
	pgcUser           = 1
	pgcDatabase       = 2
	pgcConnectionFrom = 4
	pgcSession        = 5
	pgcSeverity       = 11
	pgcState          = 12
	pgcMessage        = 13
	pgcDetail         = 14
	pgcQuery          = 19
	pgcApplication    = 22
	pgcMinColumns     = 23
)

// PostgresCSV reads a PostgreSQL csvlog file.
type PostgresCSV struct {
	s   *csvStream
	src Source
}

// NewPostgresCSV returns a reader of a PostgreSQL csvlog stream. Entries
// that are not database activity (checkpoints, start-up) are skipped.
func NewPostgresCSV(r io.Reader, src Source) Reader {
	return &PostgresCSV{s: newCSVStream(r, Source{Path: src.Path, Offset: src.Offset, Growing: src.Growing}, FormatPostgresCSV), src: src}
}

// Next implements Reader.
func (p *PostgresCSV) Next() (*scalefield.DBActivity, error) {
	for {
		rec, err := p.s.next()
		if err != nil {
			return nil, err
		}
		f := rec.fields
		if len(f) < pgcMinColumns {
			return nil, p.fail(rec, fmt.Sprintf("%d columns, want at least %d (csvlog of PostgreSQL 12 or later)", len(f), pgcMinColumns))
		}
		host, port := splitHostPort(f[pgcConnectionFrom])
		e := pgEntry{Time: f[pgcLogTime], User: f[pgcUser], Database: f[pgcDatabase], RemoteHost: host, Session: f[pgcSession],
			Severity: f[pgcSeverity], State: f[pgcState], Message: f[pgcMessage], Detail: f[pgcDetail], Statement: f[pgcQuery],
			Application: f[pgcApplication]}
		a, reason := pgActivity(&e, port, p.src)
		if reason != "" {
			return nil, p.fail(rec, reason)
		}
		if a == nil {
			continue
		}
		a.Raw, a.Position = rec.raw, p.src.position(rec.end)
		return a, nil
	}
}

func (p *PostgresCSV) fail(rec csvRecord, reason string) *RecordError {
	return &RecordError{Format: FormatPostgresCSV, Path: p.src.Path, Line: rec.line, Offset: rec.start, End: rec.end, Reason: reason, Raw: rec.raw}
}

// PostgresJSON reads a PostgreSQL jsonlog file.
type PostgresJSON struct {
	s   *lineStream
	src Source
}

// NewPostgresJSON returns a reader of a PostgreSQL jsonlog stream (one JSON
// object per line).
func NewPostgresJSON(r io.Reader, src Source) Reader {
	return &PostgresJSON{s: newLineStream(r, src, FormatPostgresJSON), src: src}
}

// Next implements Reader.
func (p *PostgresJSON) Next() (*scalefield.DBActivity, error) {
	for {
		l, err := p.s.next()
		if err != nil {
			return nil, err
		}
		var e pgEntry
		if err := json.Unmarshal(l.text, &e); err != nil {
			return nil, lineError(FormatPostgresJSON, p.src, l, "not a jsonlog object: "+err.Error())
		}
		port := 0
		switch v := e.RemotePort.(type) {
		case float64:
			port = int(v)
		case string:
			port = parsePort(v)
		}
		a, reason := pgActivity(&e, port, p.src)
		if reason != "" {
			return nil, lineError(FormatPostgresJSON, p.src, l, reason)
		}
		if a == nil {
			continue
		}
		a.Raw, a.Position = string(l.text), p.src.position(l.end)
		return a, nil
	}
}

func lineError(format string, src Source, l rawLine, reason string) *RecordError {
	return &RecordError{Format: format, Path: src.Path, Line: l.line, Offset: l.start, End: l.end, Reason: reason, Raw: string(l.text)}
}

// pgActivity maps a log entry. It returns nil for entries that are not
// database activity, and a reason for entries that are but are malformed.
func pgActivity(e *pgEntry, port int, src Source) (*scalefield.DBActivity, string) {
	msg := e.Message
	a := &scalefield.DBActivity{Engine: "postgresql", Host: src.Host, Database: e.Database, User: e.User,
		Application: e.Application, Session: e.Session, Status: statusSuccess, Source: src.Name}
	if e.RemoteHost != "" {
		a.ClientAddr, a.ClientPort = e.RemoteHost, port
	}
	switch {
	case strings.HasPrefix(msg, "AUDIT: "):
		if reason := pgAudit(a, msg[len("AUDIT: "):]); reason != "" {
			return nil, reason
		}
	case strings.HasPrefix(msg, "connection received: "):
		a.ActionClass, a.Action = scalefield.DBActionConnect, "connection received"
		kv := pgKeyValues(msg[len("connection received: "):])
		a.ClientAddr, a.ClientPort = kv["host"], parsePort(kv["port"])
	case strings.HasPrefix(msg, "connection authorized: "):
		a.ActionClass, a.Action = scalefield.DBActionConnect, "connection authorized"
		kv := pgKeyValues(msg[len("connection authorized: "):])
		a.User = firstOf(kv["user"], a.User)
		a.Database = firstOf(kv["database"], a.Database)
		a.Application = firstOf(kv["application_name"], a.Application)
	case strings.HasPrefix(msg, "connection authenticated: "):
		a.ActionClass, a.Action = scalefield.DBActionAuth, "connection authenticated"
	case strings.HasPrefix(msg, "disconnection: "):
		a.ActionClass, a.Action = scalefield.DBActionConnect, "disconnection"
		kv := pgKeyValues(msg[len("disconnection: "):])
		a.User = firstOf(kv["user"], a.User)
		a.Database = firstOf(kv["database"], a.Database)
		if kv["host"] != "" {
			a.ClientAddr, a.ClientPort = kv["host"], parsePort(kv["port"])
		}
	case strings.HasPrefix(e.State, "28") && (e.Severity == "FATAL" || e.Severity == "ERROR"):
		// Class 28: invalid authorization specification / password.
		a.ActionClass, a.Action, a.Status = scalefield.DBActionAuth, "authentication", statusFailure
		a.Error = pgError(e)
		if u, ok := quotedAfter(msg, "for user "); ok {
			a.User = u
		}
	case e.Statement != "" && (e.Severity == "ERROR" || e.Severity == "FATAL"):
		a.Action = sqlVerb(e.Statement)
		a.ActionClass, a.Statement, a.Status, a.Error = classOfVerb(a.Action), e.Statement, statusFailure, pgError(e)
	default:
		return nil, ""
	}
	t, err := parseTime(e.Time, src.location())
	if err != nil {
		return nil, fmt.Sprintf("log time %q: %v", e.Time, err)
	}
	a.Time = t
	return a, ""
}

// pgAudit reads the pgaudit part of a message: AUDIT_TYPE, STATEMENT_ID,
// SUBSTATEMENT_ID, CLASS, COMMAND, OBJECT_TYPE, OBJECT_NAME, STATEMENT,
// PARAMETER, itself CSV; with pgaudit.log_rows a ROWS field comes before
// STATEMENT.
func pgAudit(a *scalefield.DBActivity, s string) string {
	cr := csv.NewReader(strings.NewReader(s))
	cr.FieldsPerRecord = -1
	f, err := cr.Read()
	if err != nil {
		return "pgaudit fields: " + err.Error()
	}
	if len(f) < 8 {
		return fmt.Sprintf("pgaudit line has %d fields, want at least 8", len(f))
	}
	if f[0] != "SESSION" && f[0] != "OBJECT" {
		return fmt.Sprintf("pgaudit audit type %q is neither SESSION nor OBJECT", f[0])
	}
	stmt := f[7]
	if len(f) >= 10 {
		if n, err := strconv.ParseInt(f[7], 10, 64); err == nil {
			a.Rows, stmt = n, f[8]
		}
	}
	switch class := f[3]; class {
	case "READ", "WRITE", "FUNCTION", "ROLE", "DDL", "MISC":
		a.ActionClass = class
	case "MISC_SET":
		a.ActionClass = scalefield.DBActionMisc
	default:
		return fmt.Sprintf("pgaudit class %q is unknown", class)
	}
	a.Action, a.ObjectType, a.Object = f[4], f[5], f[6]
	if stmt != "<previously logged>" && stmt != "<not logged>" {
		a.Statement = stmt
	}
	return ""
}

// pgKeyValues reads "k=v k=v" pairs as the server writes them in
// connection messages; application_name runs to the end of the message.
func pgKeyValues(s string) map[string]string {
	kv := map[string]string{}
	for s != "" {
		s = strings.TrimLeft(s, " ")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			break
		}
		k := s[:eq]
		s = s[eq+1:]
		if k == "application_name" {
			kv[k] = s
			break
		}
		sp := strings.IndexByte(s, ' ')
		if sp < 0 {
			kv[k], s = s, ""
		} else {
			kv[k], s = s[:sp], s[sp+1:]
		}
	}
	return kv
}

func pgError(e *pgEntry) string {
	msg := e.State + ": " + e.Message
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// quotedAfter returns the double-quoted word after prefix in s.
func quotedAfter(s, prefix string) (string, bool) {
	i := strings.Index(s, prefix+`"`)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(prefix)+1:]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
