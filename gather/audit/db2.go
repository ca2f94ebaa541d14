package audit

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatDB2, Engine: "db2", New: NewDB2,
		Describe: "db2audit extract delimited output (audit.del, checking.del, context.del, execute.del, objmaint.del, secmaint.del, sysadmin.del, validate.del)"})
}

// db2Columns are the column orders of the delimited extract per category,
// as the "Audit record layout for <CATEGORY> events" pages of the Db2
// documentation list them ("in the same order as it is output in the
// delimited file"). Only the columns this package reads are named; the
// index is the position in the record.
type db2Layout struct {
	status                      int // -1: the category has no Event Status
	database, user, authID      int
	appID, appName              int
	objSchema, objName, objType int
	statement                   int
	activityType                int
	rowsModified, rowsReturned  int
	accessAttempted, privilege  int
	grantee                     int
	authType                    int
	hostname                    int
	minFields                   int
}

var db2Layouts = map[string]db2Layout{
	// Timestamp, Category, Audit Event, Event Correlator, Event Status,
	// Database, User ID, Authorization ID, Session Authorization ID, Origin
	// Node, Coordinator Node, Application ID, Application Name, Client User
	// ID, Client Accounting String, Client Workstation Name, Client
	// Application Name, Trusted Context Name, Connection Trust Type, Role
	// Inherited, Package Schema, Package Name, Package Section, Package
	// Version, Local Transaction ID, Global Transaction ID, UOW ID, Activity
	// ID, Statement Invocation ID, Statement Nesting Level, Activity Type,
	// Statement Text, Statement Isolation Level, Compilation Environment,
	// Rows Modified, Rows Returned, Savepoint ID, Statement Value Index,
	// Statement Value Type, Statement Value Data, Statement Value Extended
	// Indicator, Local Start Time, Original User ID, Instance Name, Hostname.
	"EXECUTE": {status: 4, database: 5, user: 6, authID: 7, appID: 11, appName: 12, objSchema: -1, objName: -1, objType: -1,
		statement: 31, activityType: 30, rowsModified: 34, rowsReturned: 35, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: -1, hostname: 44, minFields: 13},
	// Timestamp, Category, Audit Event, Event Correlator, Event Status,
	// Database, User ID, Authorization ID, Execution ID, Origin Node,
	// Coordinator Node, Application ID, Application Name, Authentication
	// Type, Package Schema, Package Name, Package Section, Package Version,
	// Plugin Name, Local Transaction ID, Global Transaction ID, Client User
	// ID, Client Workstation Name, Client Application Name, Client
	// Accounting String, Trusted Context Name, Connection Trust Type, Role
	// Inherited, Original User ID, Instance Name, Hostname.
	"VALIDATE": {status: 4, database: 5, user: 6, authID: 7, appID: 11, appName: 12, objSchema: -1, objName: -1, objType: -1,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: 13, hostname: 30, minFields: 13},
	// Timestamp, Category, Audit Event, Event Correlator, Database, User ID,
	// Authorization ID, Origin Node, Coordinator Node, Application ID,
	// Application Name, Package Schema, Package Name, Package Section,
	// Statement Text, Package Version, Local Transaction ID, Global
	// Transaction ID, Client User ID, Client Workstation Name, Client
	// Application Name, Client Accounting String, Trusted Context Name,
	// Connection Trust Type, Role Inherited, Original User ID, Instance
	// Name, Hostname.
	"CONTEXT": {status: -1, database: 4, user: 5, authID: 6, appID: 9, appName: 10, objSchema: -1, objName: -1, objType: -1,
		statement: 14, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: -1, hostname: 27, minFields: 11},
	// Timestamp, Category, Audit Event, Event Correlator, Event Status,
	// Database, User ID, Authorization ID, Origin Node, Coordinator Node,
	// Application ID, Application Name, Package Schema, Package Name,
	// Package Section, Object Schema, Object Name, Object Type, Package
	// Version, Security Policy Name, Alter Action, ... , Instance Name,
	// Hostname (45 columns).
	"OBJMAINT": {status: 4, database: 5, user: 6, authID: 7, appID: 10, appName: 11, objSchema: 15, objName: 16, objType: 17,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: -1, hostname: 44, minFields: 18},
	// ..., Object Schema, Object Name, Object Type, Grantor, Grantee,
	// Grantee Type, Privilege, ... , Instance Name, Hostname (49 columns).
	"SECMAINT": {status: 4, database: 5, user: 6, authID: 7, appID: 10, appName: 11, objSchema: 15, objName: 16, objType: 17,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: 21, grantee: 19,
		authType: -1, hostname: 48, minFields: 18},
	// ..., Object Schema, Object Name, Object Type, Access Approval Reason,
	// Access Attempted, Package Version, Checked Authorization ID, ... ,
	// Instance Name, Hostname, Access Control Manager (35 columns).
	"CHECKING": {status: 4, database: 5, user: 6, authID: 7, appID: 10, appName: 11, objSchema: 15, objName: 16, objType: 17,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: 19, privilege: -1, grantee: -1,
		authType: -1, hostname: 33, minFields: 18},
	// Timestamp, Category, Audit Event, Event Correlator, Event Status,
	// User ID, Authorization ID, Database, Origin Node, Coordinator Node,
	// Application ID, Application Name, ...
	"AUDIT": {status: 4, database: 7, user: 5, authID: 6, appID: 10, appName: 11, objSchema: -1, objName: -1, objType: -1,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: -1, hostname: -1, minFields: 12},
	// Timestamp, Category, Audit Event, Event Correlator, Event Status,
	// Database, User ID, Authorization ID, Origin Node, Coordinator Node,
	// Application ID, Application Name, ...
	"SYSADMIN": {status: 4, database: 5, user: 6, authID: 7, appID: 10, appName: 11, objSchema: -1, objName: -1, objType: -1,
		statement: -1, activityType: -1, rowsModified: -1, rowsReturned: -1, accessAttempted: -1, privilege: -1, grantee: -1,
		authType: -1, hostname: -1, minFields: 12},
}

// DB2 reads files written by `db2audit extract delimited`. Every record
// names its category in its second column, so one reader reads any of the
// category files. Character fields are quoted with Source.Quote (default
// '"', db2audit's DELIMITER option changes it), fields are separated by
// Source.Delimiter (default ','). Timestamps ("2024-03-01-10.15.30.123456")
// are read in Source.Location. EXECUTE rows of event DATA (one per
// parameter marker of the STATEMENT row before them) are skipped.
type DB2 struct {
	s   *csvStream
	src Source
}

// NewDB2 returns a reader of db2audit delimited extract files.
func NewDB2(r io.Reader, src Source) Reader {
	return &DB2{s: newCSVStream(r, src, FormatDB2), src: src}
}

// Next implements Reader.
func (d *DB2) Next() (*scalefield.DBActivity, error) {
	for {
		rec, err := d.s.next()
		if err != nil {
			return nil, err
		}
		a, reason := d.activity(rec.fields)
		if reason != "" {
			return nil, &RecordError{Format: FormatDB2, Path: d.src.Path, Line: rec.line, Offset: rec.start, End: rec.end, Reason: reason, Raw: rec.raw}
		}
		if a == nil {
			continue
		}
		a.Raw, a.Position = rec.raw, d.src.position(rec.end)
		return a, nil
	}
}

func (d *DB2) activity(f []string) (*scalefield.DBActivity, string) {
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	if len(f) < 3 {
		return nil, fmt.Sprintf("%d fields, want at least 3 (timestamp, category, audit event)", len(f))
	}
	category := strings.ToUpper(f[1])
	l, ok := db2Layouts[category]
	if !ok {
		return nil, fmt.Sprintf("category %q is not a db2audit category", f[1])
	}
	if len(f) < l.minFields {
		return nil, fmt.Sprintf("%s record has %d fields, want at least %d", category, len(f), l.minFields)
	}
	event := strings.ToUpper(f[2])
	if category == "EXECUTE" && event == "DATA" {
		return nil, ""
	}
	get := func(i int) string {
		if i < 0 || i >= len(f) {
			return ""
		}
		return f[i]
	}
	t, err := parseTime(f[0], d.src.location())
	if err != nil {
		return nil, fmt.Sprintf("timestamp %q: %v", f[0], err)
	}
	a := &scalefield.DBActivity{Time: t, Engine: "db2", Host: firstOf(get(l.hostname), d.src.Host), Database: get(l.database),
		User: firstOf(get(l.user), get(l.authID)), Application: get(l.appName), Session: get(l.appID), Action: event,
		Statement: get(l.statement), Object: qualify(get(l.objSchema), get(l.objName)), ObjectType: get(l.objType),
		Status: statusSuccess, Source: d.src.Name}
	a.ClientAddr, a.ClientPort = db2Client(a.Session)
	if l.status >= 0 {
		s := get(l.status)
		code, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Sprintf("event status %q is not an SQLCODE", s)
		}
		if code < 0 {
			a.Status, a.Error = statusFailure, "SQLCODE="+s
		}
	}
	for _, i := range []int{l.rowsModified, l.rowsReturned} {
		if n, err := strconv.ParseInt(get(i), 10, 64); err == nil && n > 0 {
			a.Rows = n
			break
		}
	}
	a.ActionClass = db2Class(category, event, a.Statement, get(l.activityType), get(l.accessAttempted))
	if category == "EXECUTE" && a.Statement != "" && (event == "STATEMENT" || event == "") {
		a.Action = firstOf(sqlVerb(a.Statement), event)
	}
	if category == "CHECKING" && get(l.accessAttempted) != "" {
		a.Action = event + " " + get(l.accessAttempted)
	}
	if category == "SECMAINT" && get(l.privilege) != "" {
		a.Action = event + " " + get(l.privilege)
	}
	return a, ""
}

// db2Class maps a category and event to an action class.
func db2Class(category, event, stmt, activityType, access string) string {
	switch category {
	case "VALIDATE":
		return scalefield.DBActionAuth
	case "SECMAINT":
		return scalefield.DBActionRole
	case "OBJMAINT":
		return scalefield.DBActionDDL
	case "CHECKING":
		switch strings.ToUpper(access) {
		case "SELECT", "READ":
			return scalefield.DBActionRead
		case "INSERT", "UPDATE", "DELETE", "WRITE":
			return scalefield.DBActionWrite
		case "EXECUTE":
			return scalefield.DBActionFunction
		case "CREATE", "ALTER", "DROP", "INDEX", "REFERENCE":
			return scalefield.DBActionDDL
		}
		return scalefield.DBActionMisc
	case "AUDIT", "SYSADMIN":
		return scalefield.DBActionMisc
	}
	switch event {
	case "CONNECT", "CONNECT_RESET", "ATTACH", "DETACH":
		return scalefield.DBActionConnect
	case "SWITCH_USER":
		return scalefield.DBActionAuth
	}
	if category == "EXECUTE" {
		switch strings.ToUpper(activityType) {
		case "READ_DML":
			return scalefield.DBActionRead
		case "WRITE_DML":
			return scalefield.DBActionWrite
		case "CALL":
			return scalefield.DBActionFunction
		case "DDL":
			if c := classOfVerb(sqlVerb(stmt)); c == scalefield.DBActionRole {
				return c
			}
			return scalefield.DBActionDDL
		}
	}
	if stmt != "" {
		return classOfVerb(sqlVerb(stmt))
	}
	return scalefield.DBActionMisc
}

// db2Client reads the client address out of an application ID of a TCP/IP
// connection, "10.0.0.5.50312.240301101530"; local applications ("*LOCAL.…")
// and the hexadecimal form give none.
func db2Client(appID string) (string, int) {
	parts := strings.Split(appID, ".")
	if len(parts) != 6 {
		return "", 0
	}
	ip := strings.Join(parts[:4], ".")
	if net.ParseIP(ip) == nil {
		return "", 0
	}
	return ip, parsePort(parts[4])
}
