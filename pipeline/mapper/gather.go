package mapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// Database audit records from gather collectors: one JSON-encoded
// scalefield.DBActivity per Bronze record of kind "gather", sourcetype
// "db:<engine>". They become Datastore Activity events, except logons
// (Authentication) and user management (Account Change).

// mapGather maps one database activity record.
func mapGather(in *input) (*scalefield.SecurityEvent, error) {
	p := bytes.TrimSpace(in.b.Payload)
	if len(p) == 0 || p[0] != '{' {
		return nil, fmt.Errorf("gather: payload is not a JSON object")
	}
	var a scalefield.DBActivity
	if err := json.Unmarshal(p, &a); err != nil {
		return nil, fmt.Errorf("gather: %v", err)
	}
	e := &scalefield.SecurityEvent{Time: a.Time, Host: a.Host, Severity: scalefield.SeverityInfo}

	engine := strings.ToLower(strings.TrimSpace(a.Engine))
	fromType, isDB := strings.CutPrefix(strings.ToLower(in.sourcetype), "db:")
	switch {
	case engine == "" && isDB && fromType != "":
		engine = fromType
	case engine == "":
		return nil, fmt.Errorf("gather: Engine is empty and the sourcetype %q does not name one (db:<engine>)", clean(in.sourcetype, 64))
	case isDB && fromType != engine:
		warnf(e, fmt.Sprintf("engine %q differs from the sourcetype %q", engine, in.sourcetype))
	}
	e.Device = engine
	if in.sourcetype == "" {
		e.Sourcetype = "db:" + engine
	}
	if in.source == "" {
		e.Source = a.Source
	}

	e.User = a.User
	if !placeholder(a.ClientAddr) {
		if ip, err := canonicalIP(a.ClientAddr); err == nil {
			e.SrcIP = ip
		} else {
			e.SrcHostname = a.ClientAddr
		}
	}
	if a.ClientPort < 0 || a.ClientPort > 65535 {
		warnf(e, fmt.Sprintf("ClientPort %d is not a port", a.ClientPort))
	} else {
		e.SrcPort = a.ClientPort
	}
	e.DBName, e.DBStatement, e.DBObject = a.Database, a.Statement, a.Object
	if a.Rows < 0 {
		warnf(e, fmt.Sprintf("Rows %d is negative", a.Rows))
	} else {
		e.DBRows = a.Rows
	}
	e.Action = a.Action
	if e.Action == "" {
		e.Action = a.ActionClass
	}

	switch st := strings.ToLower(strings.TrimSpace(a.Status)); {
	case st == "":
	case outcome(st) != "":
		e.Status = outcome(st)
	default:
		warnf(e, fmt.Sprintf("Status %q is neither success nor failure", clean(a.Status, 64)))
	}

	class, activity, name := gatherClass(&a)
	classify(e, class, activity, name)
	if class == scalefield.ClassAccountChange {
		e.Severity = scalefield.SeverityLow
	}
	if e.Status == statusFailure {
		e.Severity = scalefield.SeverityLow
	}
	e.Message = gatherMessage(&a, engine, firstNonEmpty(e.SrcIP, e.SrcHostname))

	// Positions are unique per collector, collectors unique per engine.
	if a.Position != "" {
		e.VendorEventID = engine + "|" + a.Source + "|" + a.Position
	}
	return finish("gather", in, e)
}

// gatherClass classifies a record by its action class and verb:
//
//   - CONNECT, AUTH: Authentication; Logoff for LOGOFF/LOGOUT/DISCONNECT/QUIT,
//     else Logon;
//   - READ: Datastore Query for SELECT/FIND/AGGREGATE/COUNT/DISTINCT,
//     else Read;
//   - WRITE: Create for INSERT, Update for UPDATE, Delete for DELETE and
//     TRUNCATE, else Write (MERGE, UPSERT, COPY, LOAD…);
//   - DDL: Create for CREATE, Update for ALTER/RENAME, Delete for DROP and
//     TRUNCATE, else Other;
//   - ROLE: Account Change Create/Delete for CREATE/DROP USER, ROLE or
//     LOGIN, Password Change for ALTER … PASSWORD/IDENTIFIED BY, Lock for
//     ACCOUNT LOCK; other role statements (GRANT, REVOKE…) Datastore Other;
//   - FUNCTION, MISC and anything else: Datastore Other, named by the verb.
func gatherClass(a *scalefield.DBActivity) (class, activity int, name string) {
	verb := strings.ToUpper(strings.TrimSpace(a.Action))
	// "createUser" (MongoDB), "CREATE USER", "CREATE_USER": one spelling.
	compact := strings.NewReplacer(" ", "", "_", "").Replace(verb)
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(compact, p) {
				return true
			}
		}
		return false
	}
	ds := scalefield.ClassDatastoreActivity
	switch strings.ToUpper(strings.TrimSpace(a.ActionClass)) {
	case scalefield.DBActionConnect, scalefield.DBActionAuth:
		if containsAny(compact, []string{"LOGOFF", "LOGOUT", "DISCONNECT", "QUIT"}) {
			return scalefield.ClassAuthentication, authLogoff, ""
		}
		return scalefield.ClassAuthentication, authLogon, ""
	case scalefield.DBActionRead:
		if has("SELECT", "FIND", "AGGREGATE", "COUNT", "DISTINCT", "WITH", "QUERY") {
			return ds, datastoreQuery, ""
		}
		return ds, datastoreRead, ""
	case scalefield.DBActionWrite:
		switch {
		case has("INSERT"):
			return ds, datastoreCreate, ""
		case has("UPDATE"):
			return ds, datastoreUpdate, ""
		case has("DELETE", "TRUNCATE", "REMOVE"):
			return ds, datastoreDelete, ""
		}
		return ds, datastoreWrite, ""
	case scalefield.DBActionDDL:
		switch {
		case has("CREATE"):
			return ds, datastoreCreate, ""
		case has("ALTER", "RENAME", "COLLMOD"):
			return ds, datastoreUpdate, ""
		case has("DROP", "TRUNCATE"):
			return ds, datastoreDelete, ""
		}
	case scalefield.DBActionRole:
		stmt := strings.ToUpper(a.Statement)
		switch {
		case has("CREATEUSER", "CREATEROLE", "CREATELOGIN"):
			return scalefield.ClassAccountChange, accountCreate, ""
		case has("DROPUSER", "DROPROLE", "DROPLOGIN", "DROPALLUSERS"):
			return scalefield.ClassAccountChange, accountDelete, ""
		case has("ALTERUSER", "ALTERROLE", "ALTERLOGIN", "UPDATEUSER", "SETPASSWORD") &&
			(strings.Contains(stmt, "PASSWORD") || strings.Contains(stmt, "IDENTIFIED BY") || has("SETPASSWORD")):
			return scalefield.ClassAccountChange, accountPasswordChange, ""
		case has("ALTERUSER") && strings.Contains(stmt, "ACCOUNT LOCK"):
			return scalefield.ClassAccountChange, accountLock, ""
		}
	}
	if verb == "" {
		return ds, activityUnknown, ""
	}
	return ds, activityOther, a.Action
}

// gatherMessage summarises a record on one line:
// "postgresql: alice SELECT table public.accounts in appdb from 10.0.0.4:50122 (12 rows)",
// with " failed: <error>" on failure.
func gatherMessage(a *scalefield.DBActivity, engine, client string) string {
	one := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var b strings.Builder
	b.WriteString(engine + ": ")
	if u := one(a.User); u != "" {
		b.WriteString(u + " ")
	} else {
		b.WriteString("unknown user ")
	}
	switch {
	case one(a.Action) != "":
		b.WriteString(one(a.Action))
	case one(a.ActionClass) != "":
		b.WriteString(one(a.ActionClass))
	default:
		b.WriteString("activity")
	}
	if o := one(a.Object); o != "" {
		// "SELECT table public.accounts", but "DROP TABLE public.accounts".
		if t := one(a.ObjectType); t != "" && !strings.Contains(strings.ToUpper(a.Action), strings.ToUpper(t)) {
			b.WriteString(" " + strings.ToLower(t))
		}
		b.WriteString(" " + o)
	}
	if d := one(a.Database); d != "" {
		b.WriteString(" in " + d)
	}
	if c := client; c != "" {
		if a.ClientPort > 0 {
			c = net.JoinHostPort(c, strconv.Itoa(a.ClientPort))
		}
		b.WriteString(" from " + c)
	}
	switch {
	case a.Rows == 1:
		b.WriteString(" (1 row)")
	case a.Rows > 1:
		b.WriteString(" (" + strconv.FormatInt(a.Rows, 10) + " rows)")
	}
	if strings.EqualFold(strings.TrimSpace(a.Status), statusFailure) {
		b.WriteString(" failed")
		if msg := one(a.Error); msg != "" {
			b.WriteString(": " + msg)
		}
	}
	return b.String()
}
