package audit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatOracleCSV, Engine: "oracle", New: NewOracleCSV, Header: true,
		Describe: "UNIFIED_AUDIT_TRAIL exported as CSV with a header row (columns found by name)"})
	register(FormatInfo{Name: FormatOracleXML, Engine: "oracle", New: NewOracleXML, Document: true,
		Describe: "Oracle XML audit files (AUDIT_TRAIL=XML, *.xml under audit_file_dest)"})
}

// OracleCSV reads a CSV export of UNIFIED_AUDIT_TRAIL. Columns are found by
// their header names; unknown columns are ignored. EVENT_TIMESTAMP_UTC is
// preferred to EVENT_TIMESTAMP (read in Source.Location unless it carries a
// zone).
type OracleCSV struct {
	s   *csvStream
	src Source
	h   header
	err error
}

// NewOracleCSV returns a reader of a UNIFIED_AUDIT_TRAIL CSV export.
func NewOracleCSV(r io.Reader, src Source) Reader {
	o := &OracleCSV{s: newCSVStream(r, src, FormatOracleCSV), src: src}
	return o
}

// Next implements Reader.
func (o *OracleCSV) Next() (*scalefield.DBActivity, error) {
	if o.h == nil {
		if o.err != nil {
			return nil, o.err
		}
		h, err := readHeader(o.s, o.src.Header)
		if err != nil {
			return nil, err
		}
		if !h.has("EVENT_TIMESTAMP", "EVENT_TIMESTAMP_UTC") || !h.has("ACTION_NAME") {
			// Without these no record can be read: report it once, then end.
			o.err = io.EOF
			return nil, &RecordError{Format: FormatOracleCSV, Path: o.src.Path, Line: 1, Offset: o.src.Offset, End: o.src.Offset,
				Reason: "header has no EVENT_TIMESTAMP or EVENT_TIMESTAMP_UTC column, or no ACTION_NAME column"}
		}
		o.h = h
	}
	rec, err := o.s.next()
	if err != nil {
		return nil, err
	}
	a, reason := o.activity(rec.fields)
	if reason != "" {
		return nil, &RecordError{Format: FormatOracleCSV, Path: o.src.Path, Line: rec.line, Offset: rec.start, End: rec.end, Reason: reason, Raw: rec.raw}
	}
	a.Raw, a.Position = rec.raw, o.src.position(rec.end)
	return a, nil
}

func (o *OracleCSV) activity(f []string) (*scalefield.DBActivity, string) {
	get := func(name string) string { return strings.TrimSpace(o.h.get(f, name)) }
	ts, loc := get("EVENT_TIMESTAMP_UTC"), scalefieldUTC
	if ts == "" {
		ts, loc = get("EVENT_TIMESTAMP"), o.src.location()
	}
	t, err := parseTime(ts, loc)
	if err != nil {
		return nil, fmt.Sprintf("event timestamp %q: %v", ts, err)
	}
	a := &scalefield.DBActivity{Time: t, Engine: "oracle", Host: o.src.Host, User: get("DBUSERNAME"),
		ClientAddr: get("USERHOST"), Application: get("CLIENT_PROGRAM_NAME"), Session: get("SESSIONID"),
		Action: strings.ToUpper(get("ACTION_NAME")), Statement: o.h.get(f, "SQL_TEXT"),
		Object: qualify(get("OBJECT_SCHEMA"), get("OBJECT_NAME")), ObjectType: get("OBJECT_TYPE"),
		Status: statusSuccess, Source: o.src.Name}
	if addr, port := oracleClientAddress(get("AUTHENTICATION_TYPE")); addr != "" {
		a.ClientAddr, a.ClientPort = addr, port
	}
	if a.Action == "" {
		return nil, "ACTION_NAME is empty"
	}
	rc := get("RETURN_CODE")
	if reason := oracleOutcome(a, rc); reason != "" {
		return nil, reason
	}
	return a, ""
}

var scalefieldUTC = Source{}.location()

// oracleOutcome sets the class and status from the action name and return
// code (0 is success; anything else an ORA- error number).
func oracleOutcome(a *scalefield.DBActivity, rc string) string {
	code := 0
	if rc != "" {
		n, err := strconv.Atoi(rc)
		if err != nil {
			return fmt.Sprintf("return code %q is not a number", rc)
		}
		code = n
	}
	a.ActionClass = classOfVerb(a.Action)
	if code != 0 {
		a.Status, a.Error = statusFailure, fmt.Sprintf("ORA-%05d", code)
		if a.Action == "LOGON" {
			a.ActionClass = scalefield.DBActionAuth
		}
	}
	return ""
}

// oracleClientAddress reads the client address out of AUTHENTICATION_TYPE
// or COMMENT_TEXT, "...(CLIENT ADDRESS=((PROTOCOL=tcp)(HOST=10.0.0.5)(PORT=50312)))...".
func oracleClientAddress(s string) (string, int) {
	i := strings.Index(strings.ToUpper(s), "HOST=")
	if i < 0 {
		return "", 0
	}
	host := s[i+5:]
	if j := strings.IndexByte(host, ')'); j >= 0 {
		host = host[:j]
	}
	port := 0
	if k := strings.Index(strings.ToUpper(s), "PORT="); k >= 0 {
		p := s[k+5:]
		if j := strings.IndexByte(p, ')'); j >= 0 {
			p = p[:j]
		}
		port = parsePort(p)
	}
	return strings.TrimSpace(host), port
}

// oracleXMLRecord is one <AuditRecord> of an XML audit file.
type oracleXMLRecord struct {
	AuditType      string `xml:"Audit_Type"`
	SessionID      string `xml:"Session_Id"`
	StatementID    string `xml:"StatementId"`
	EntryID        string `xml:"EntryId"`
	Timestamp      string `xml:"Extended_Timestamp"`
	DBUser         string `xml:"DB_User"`
	OSUser         string `xml:"OS_User"`
	Userhost       string `xml:"Userhost"`
	OSProcess      string `xml:"OS_Process"`
	Terminal       string `xml:"Terminal"`
	InstanceNumber string `xml:"Instance_Number"`
	ObjectSchema   string `xml:"Object_Schema"`
	ObjectName     string `xml:"Object_Name"`
	Action         string `xml:"Action"`
	Returncode     string `xml:"Returncode"`
	Scn            string `xml:"Scn"`
	CommentText    string `xml:"Comment_Text"`
	SQLText        string `xml:"Sql_Text"`
	DBName         string `xml:"DB_Name"`
}

// oracleActions names the numeric action codes of XML audit records
// (AUDIT_ACTIONS).
var oracleActions = map[int]string{
	1: "CREATE TABLE", 2: "INSERT", 3: "SELECT", 4: "CREATE CLUSTER", 5: "ALTER CLUSTER", 6: "UPDATE", 7: "DELETE",
	8: "DROP CLUSTER", 9: "CREATE INDEX", 10: "DROP INDEX", 11: "ALTER INDEX", 12: "DROP TABLE", 13: "CREATE SEQUENCE",
	14: "ALTER SEQUENCE", 15: "ALTER TABLE", 16: "DROP SEQUENCE", 17: "GRANT OBJECT", 18: "REVOKE OBJECT",
	19: "CREATE SYNONYM", 20: "DROP SYNONYM", 21: "CREATE VIEW", 22: "DROP VIEW", 26: "LOCK TABLE", 28: "RENAME",
	29: "COMMENT", 30: "AUDIT OBJECT", 31: "NOAUDIT OBJECT", 32: "CREATE DATABASE LINK", 33: "DROP DATABASE LINK",
	34: "CREATE DATABASE", 35: "ALTER DATABASE", 42: "ALTER SESSION", 43: "ALTER USER", 44: "COMMIT", 45: "ROLLBACK",
	46: "SAVEPOINT", 47: "PL/SQL EXECUTE", 49: "ALTER SYSTEM", 50: "EXPLAIN", 51: "CREATE USER", 52: "CREATE ROLE",
	53: "DROP USER", 54: "DROP ROLE", 55: "SET ROLE", 62: "ANALYZE TABLE", 85: "TRUNCATE TABLE", 100: "LOGON",
	101: "LOGOFF", 102: "LOGOFF BY CLEANUP", 104: "SYSTEM AUDIT", 105: "SYSTEM NOAUDIT", 108: "SYSTEM GRANT",
	109: "SYSTEM REVOKE", 114: "GRANT ROLE", 115: "REVOKE ROLE", 189: "UPSERT",
}

// OracleXML streams the <AuditRecord> elements of an Oracle XML audit file
// with encoding/xml. The file may be incomplete (Oracle closes </Audit> only
// when the file is closed) and may be read from the offset of a record.
type OracleXML struct {
	d      *xml.Decoder
	rec    *recorder
	src    Source
	prefix int64 // bytes of the synthetic <Audit> put before a mid-file stream
	n      int
	done   bool
}

// NewOracleXML returns a reader of an Oracle XML audit file.
func NewOracleXML(r io.Reader, src Source) Reader {
	var prefix []byte
	if src.Offset > 0 {
		prefix = []byte("<Audit>")
	}
	rec := &recorder{r: io.MultiReader(bytes.NewReader(prefix), r)}
	d := xml.NewDecoder(rec)
	d.Strict = true
	return &OracleXML{d: d, rec: rec, src: src, prefix: int64(len(prefix))}
}

func (o *OracleXML) abs(rel int64) int64 { return o.src.Offset + rel - o.prefix }

// Next implements Reader. A syntax error ends the file: encoding/xml cannot
// resynchronise after one.
func (o *OracleXML) Next() (*scalefield.DBActivity, error) {
	for {
		if o.done {
			return nil, io.EOF
		}
		before := o.d.InputOffset()
		tok, err := o.d.Token()
		if err != nil {
			return nil, o.end(err, before)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Audit":
			continue
		case "AuditRecord":
		default:
			if err := o.d.Skip(); err != nil {
				return nil, o.end(err, before)
			}
			continue
		}
		o.n++
		var r oracleXMLRecord
		if err := o.d.DecodeElement(&r, &se); err != nil {
			return nil, o.end(err, before)
		}
		end := o.d.InputOffset()
		raw := string(bytes.TrimSpace(o.rec.slice(before, end)))
		o.rec.discard(end)
		a, reason := o.activity(&r)
		if reason != "" {
			return nil, &RecordError{Format: FormatOracleXML, Path: o.src.Path, Line: o.n, Offset: o.abs(before), End: o.abs(end), Reason: reason, Raw: raw}
		}
		a.Raw, a.Position = raw, o.src.position(o.abs(end))
		return a, nil
	}
}

// end turns a decoder error into io.EOF (the input ended between records)
// or a final *RecordError.
func (o *OracleXML) end(err error, before int64) error {
	o.done = true
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF") {
		if len(bytes.TrimSpace(o.rec.slice(before, o.rec.total()))) == 0 {
			return io.EOF // <Audit> not closed yet: the file is still being written
		}
		return &RecordError{Format: FormatOracleXML, Path: o.src.Path, Line: o.n + 1, Offset: o.abs(before), End: o.abs(o.rec.total()),
			Reason: "audit record cut off at the end of the file", Raw: string(o.rec.slice(before, o.rec.total())), Err: ErrPartial}
	}
	if o.rec.err != nil {
		return fmt.Errorf("%s: read %s: %w", FormatOracleXML, o.src.Path, err)
	}
	return &RecordError{Format: FormatOracleXML, Path: o.src.Path, Line: o.n + 1, Offset: o.abs(before), End: o.abs(o.rec.total()),
		Reason: "malformed XML, the rest of the file is not read: " + err.Error(), Err: err}
}

func (o *OracleXML) activity(r *oracleXMLRecord) (*scalefield.DBActivity, string) {
	t, err := parseTime(r.Timestamp, o.src.location())
	if err != nil {
		return nil, fmt.Sprintf("Extended_Timestamp %q: %v", r.Timestamp, err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(r.Action))
	if err != nil {
		return nil, fmt.Sprintf("Action %q is not a number", r.Action)
	}
	action, ok := oracleActions[code]
	if !ok {
		action = "ACTION " + strconv.Itoa(code)
	}
	a := &scalefield.DBActivity{Time: t, Engine: "oracle", Host: o.src.Host, Database: r.DBName, User: r.DBUser,
		ClientAddr: r.Userhost, Session: r.SessionID, Action: action, Statement: r.SQLText,
		Object: qualify(r.ObjectSchema, r.ObjectName), Status: statusSuccess, Source: o.src.Name}
	if addr, port := oracleClientAddress(r.CommentText); addr != "" {
		a.ClientAddr, a.ClientPort = addr, port
	}
	if reason := oracleOutcome(a, strings.TrimSpace(r.Returncode)); reason != "" {
		return nil, reason
	}
	if !ok {
		a.ActionClass = scalefield.DBActionMisc
	}
	return a, ""
}
