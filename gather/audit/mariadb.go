package audit

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatMariaDB, Engine: "mariadb", New: NewMariaDB,
		Describe: "MariaDB server_audit plugin log file (server_audit_output_type=file)"})
	register(FormatInfo{Name: FormatMySQL, Engine: "mysql", New: NewMySQLServerAudit,
		Describe: "the server_audit plugin log file written by a MySQL server"})
}

// MariaDB reads the log file of the server_audit plugin: one event per line,
//
//	timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode
//
// where object is a single-quoted, backslash-escaped statement for QUERY
// events and a bare table name for table events (READ, WRITE, CREATE, ALTER,
// RENAME, DROP), whose retcode is empty. Timestamps ("20240301 10:15:30")
// are in the server's time zone: Source.Location.
type MariaDB struct {
	s      *lineStream
	src    Source
	engine string
	format string
}

// NewMariaDB returns a reader of a MariaDB server_audit log.
func NewMariaDB(r io.Reader, src Source) Reader {
	return &MariaDB{s: newLineStream(r, src, FormatMariaDB), src: src, engine: "mariadb", format: FormatMariaDB}
}

// NewMySQLServerAudit returns a reader of a server_audit log written by a
// MySQL server: the same format, with Engine "mysql".
func NewMySQLServerAudit(r io.Reader, src Source) Reader {
	return &MariaDB{s: newLineStream(r, src, FormatMySQL), src: src, engine: "mysql", format: FormatMySQL}
}

// Next implements Reader.
func (m *MariaDB) Next() (*scalefield.DBActivity, error) {
	l, err := m.s.next()
	if err != nil {
		return nil, err
	}
	a, reason := m.parse(l.text)
	if reason != "" {
		return nil, lineError(m.format, m.src, l, reason)
	}
	a.Raw, a.Position = string(l.text), m.src.position(l.end)
	return a, nil
}

func (m *MariaDB) parse(line []byte) (*scalefield.DBActivity, string) {
	var head [8]string
	rest := line
	for i := range head {
		c := bytes.IndexByte(rest, ',')
		if c < 0 {
			return nil, fmt.Sprintf("%d fields, want 10 (timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode)", i+1)
		}
		head[i], rest = string(rest[:c]), rest[c+1:]
	}
	var object, retcode string
	if len(rest) > 0 && rest[0] == '\'' {
		obj, n, ok := unescapeQuoted(rest)
		if !ok {
			return nil, "object: quoted text not closed"
		}
		object, rest = obj, rest[n:]
		if len(rest) == 0 || rest[0] != ',' {
			return nil, "object: no comma before retcode after the quoted text"
		}
		retcode = string(rest[1:])
	} else {
		c := bytes.LastIndexByte(rest, ',')
		if c < 0 {
			return nil, "9 fields, want 10: no retcode"
		}
		object, retcode = string(rest[:c]), string(rest[c+1:])
	}
	t, err := parseTime(head[0], m.src.location())
	if err != nil {
		return nil, fmt.Sprintf("timestamp %q: %v", head[0], err)
	}
	op := head[6]
	a := &scalefield.DBActivity{Time: t, Engine: m.engine, Host: firstOf(head[1], m.src.Host), User: head[2], ClientAddr: head[3],
		Session: head[4], Database: head[7], Action: op, Status: statusSuccess, Source: m.src.Name}
	if rc := strings.TrimSpace(retcode); rc != "" && rc != "0" {
		a.Status, a.Error = statusFailure, rc
	}
	switch op {
	case "CONNECT", "DISCONNECT", "PROXY_CONNECT":
		a.ActionClass = scalefield.DBActionConnect
	case "FAILED_CONNECT", "CHANGEUSER":
		a.ActionClass = scalefield.DBActionAuth
		if op == "FAILED_CONNECT" {
			a.Status = statusFailure
			a.Error = firstOf(a.Error, "failed")
		}
	case "QUERY", "QUERY_DDL", "QUERY_DML", "QUERY_DCL", "QUERY_DML_NO_SELECT":
		a.Statement = object
		a.Action = firstOf(sqlVerb(object), op)
		a.ActionClass = classOfVerb(a.Action)
	case "READ":
		a.ActionClass, a.Object, a.ObjectType = scalefield.DBActionRead, object, "TABLE"
	case "WRITE":
		a.ActionClass, a.Object, a.ObjectType = scalefield.DBActionWrite, object, "TABLE"
	case "CREATE", "ALTER", "RENAME", "DROP":
		a.ActionClass, a.Object, a.ObjectType = scalefield.DBActionDDL, object, "TABLE"
	default:
		return nil, fmt.Sprintf("operation %q is not one the server_audit plugin writes", op)
	}
	return a, ""
}

// unescapeQuoted reads a single-quoted string starting at b[0] with the
// plugin's escapes (\' \\ \n \r \t) and returns it and the bytes used.
func unescapeQuoted(b []byte) (string, int, bool) {
	var sb strings.Builder
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '\'':
			return sb.String(), i + 1, true
		case '\\':
			if i+1 == len(b) {
				return "", 0, false
			}
			i++
			switch e := b[i]; e {
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case '0':
				sb.WriteByte(0)
			default:
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return "", 0, false
}
