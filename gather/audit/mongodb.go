package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scalefield/scalefield"
)

func init() {
	register(FormatInfo{Name: FormatMongo, Engine: "mongodb", New: NewMongo,
		Describe: "MongoDB auditLog, destination file, format JSON (mongo schema; relaxed or canonical Extended JSON)"})
	register(FormatInfo{Name: FormatMongoOCSF, Engine: "mongodb", New: NewMongoOCSF,
		Describe: "MongoDB 8.0+ auditLog with auditLog.schema OCSF, format JSON"})
}

// mongoRecord is one audit message of the mongo schema.
type mongoRecord struct {
	AType  string          `json:"atype"`
	TS     json.RawMessage `json:"ts"`
	UUID   json.RawMessage `json:"uuid"`
	Local  mongoEndpoint   `json:"local"`
	Remote mongoEndpoint   `json:"remote"`
	Users  []struct {
		User string `json:"user"`
		DB   string `json:"db"`
	} `json:"users"`
	Param  map[string]json.RawMessage `json:"param"`
	Result json.RawMessage            `json:"result"`
}

type mongoEndpoint struct {
	IP   string          `json:"ip"`
	Port json.RawMessage `json:"port"`
	Unix string          `json:"unix"`
}

// Mongo reads a MongoDB audit log in the mongo schema, one JSON document
// per line, in relaxed or canonical Extended JSON.
type Mongo struct {
	s    *lineStream
	src  Source
	ocsf bool
}

// NewMongo returns a reader of a MongoDB JSON audit log (mongo schema).
func NewMongo(r io.Reader, src Source) Reader {
	return &Mongo{s: newLineStream(r, src, FormatMongo), src: src}
}

// NewMongoOCSF returns a reader of a MongoDB audit log in the OCSF schema.
func NewMongoOCSF(r io.Reader, src Source) Reader {
	return &Mongo{s: newLineStream(r, src, FormatMongoOCSF), src: src, ocsf: true}
}

// Next implements Reader.
func (m *Mongo) Next() (*scalefield.DBActivity, error) {
	l, err := m.s.next()
	if err != nil {
		return nil, err
	}
	var a *scalefield.DBActivity
	var reason string
	if m.ocsf {
		a, reason = m.parseOCSF(l.text)
	} else {
		a, reason = m.parse(l.text)
	}
	format := FormatMongo
	if m.ocsf {
		format = FormatMongoOCSF
	}
	if reason != "" {
		return nil, lineError(format, m.src, l, reason)
	}
	a.Raw, a.Position = string(l.text), m.src.position(l.end)
	return a, nil
}

// mongoCommandClass maps command names (authCheck param.command) to classes.
var mongoCommandClass = map[string]string{
	"find": "READ", "aggregate": "READ", "count": "READ", "distinct": "READ", "getMore": "READ", "listCollections": "READ",
	"listIndexes": "READ", "listDatabases": "READ", "mapReduce": "READ", "dbStats": "MISC", "collStats": "MISC",
	"insert": "WRITE", "update": "WRITE", "delete": "WRITE", "findAndModify": "WRITE", "bulkWrite": "WRITE",
	"create": "DDL", "drop": "DDL", "createIndexes": "DDL", "dropIndexes": "DDL", "renameCollection": "DDL",
	"collMod": "DDL", "dropDatabase": "DDL", "createCollection": "DDL", "createDatabase": "DDL", "createIndex": "DDL",
	"dropCollection": "DDL", "dropIndex": "DDL", "shardCollection": "DDL", "enableSharding": "DDL",
	"createUser": "ROLE", "dropUser": "ROLE", "updateUser": "ROLE", "dropAllUsersFromDatabase": "ROLE",
	"grantRolesToUser": "ROLE", "revokeRolesFromUser": "ROLE", "createRole": "ROLE", "updateRole": "ROLE",
	"dropRole": "ROLE", "dropAllRolesFromDatabase": "ROLE", "grantRolesToRole": "ROLE", "revokeRolesFromRole": "ROLE",
	"grantPrivilegesToRole": "ROLE", "revokePrivilegesFromRole": "ROLE", "directAuthMutation": "ROLE",
	"eval": "FUNCTION", "$eval": "FUNCTION",
	"authenticate": "AUTH", "logout": "CONNECT", "clientMetadata": "CONNECT",
}

func mongoClass(name string) string {
	if c, ok := mongoCommandClass[name]; ok {
		return c
	}
	return scalefield.DBActionMisc
}

func (m *Mongo) parse(line []byte) (*scalefield.DBActivity, string) {
	var r mongoRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, "not a JSON audit message: " + err.Error()
	}
	if r.AType == "" {
		return nil, "atype is missing"
	}
	t, err := mongoDate(r.TS)
	if err != nil {
		return nil, "ts: " + err.Error()
	}
	code, err := mongoInt(r.Result)
	if err != nil {
		return nil, "result: " + err.Error()
	}
	a := &scalefield.DBActivity{Time: t, Engine: "mongodb", Host: m.src.Host, Action: r.AType, Status: statusSuccess, Source: m.src.Name,
		Session: mongoUUID(r.UUID)}
	a.ClientAddr = firstOf(r.Remote.IP, r.Remote.Unix)
	if p, err := mongoInt(r.Remote.Port); err == nil {
		a.ClientPort = int(p)
	}
	if len(r.Users) > 0 {
		a.User = r.Users[0].User
	}
	ns := paramString(r.Param, "ns")
	switch r.AType {
	case "authCheck":
		cmd := paramString(r.Param, "command")
		a.Action, a.ActionClass = cmd, mongoClass(cmd)
		if args, ok := r.Param["args"]; ok {
			var buf bytes.Buffer
			if json.Compact(&buf, args) == nil {
				a.Statement = buf.String()
			}
		}
	case "authenticate":
		a.ActionClass = scalefield.DBActionAuth
		a.User = firstOf(paramString(r.Param, "user"), a.User)
		a.Database = paramString(r.Param, "db")
	default:
		a.ActionClass = mongoClass(r.AType)
		if a.ActionClass == scalefield.DBActionRole || r.AType == "createUser" {
			a.Object = paramString(r.Param, "user")
			if a.Object == "" {
				a.Object = paramString(r.Param, "role")
			}
			a.Database = paramString(r.Param, "db")
		}
	}
	if ns != "" {
		db, coll, _ := strings.Cut(ns, ".")
		a.Database = db
		if coll != "" {
			a.Object, a.ObjectType = coll, "collection"
		}
	}
	if code != 0 {
		a.Status, a.Error = statusFailure, mongoErrorName(code)
	}
	return a, ""
}

// mongoErrorName names the result codes that audit messages carry most.
func mongoErrorName(code int64) string {
	switch code {
	case 13:
		return "13 Unauthorized"
	case 18:
		return "18 AuthenticationFailed"
	case 11:
		return "11 UserNotFound"
	case 26:
		return "26 NamespaceNotFound"
	case 48:
		return "48 NamespaceExists"
	case 51003:
		return "51003 DuplicateKey"
	}
	return strconv.FormatInt(code, 10)
}

// mongoDate reads {"$date": "2024-03-01T10:15:30.123+00:00"} (relaxed),
// {"$date": {"$numberLong": "1709288130123"}} (canonical) or
// {"$date": 1709288130123}.
func mongoDate(raw json.RawMessage) (time.Time, error) {
	var d struct {
		Date json.RawMessage `json:"$date"`
	}
	if len(raw) == 0 {
		return time.Time{}, fmt.Errorf("missing")
	}
	if err := json.Unmarshal(raw, &d); err != nil || len(d.Date) == 0 {
		return time.Time{}, fmt.Errorf("not an Extended JSON date: %s", raw)
	}
	var s string
	if json.Unmarshal(d.Date, &s) == nil {
		return parseTime(s, time.UTC)
	}
	ms, err := mongoInt(d.Date)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an Extended JSON date: %s", raw)
	}
	t := time.UnixMilli(ms).UTC()
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%d ms is outside the years 1970 to 9999", ms)
	}
	return t, nil
}

// mongoInt reads a plain JSON number or {"$numberInt"|"$numberLong": "n"};
// a missing value is 0.
func mongoInt(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		if f, err := n.Float64(); err == nil && f == float64(int64(f)) {
			return int64(f), nil
		}
		return 0, fmt.Errorf("%s is not an integer", raw)
	}
	var w struct {
		Int  string `json:"$numberInt"`
		Long string `json:"$numberLong"`
	}
	if err := json.Unmarshal(raw, &w); err != nil || w.Int == "" && w.Long == "" {
		return 0, fmt.Errorf("%s is not an integer", raw)
	}
	return strconv.ParseInt(firstOf(w.Int, w.Long), 10, 64)
}

// mongoUUID returns the base64 of a connection uuid in either Extended JSON
// form of binary data.
func mongoUUID(raw json.RawMessage) string {
	var u struct {
		Binary json.RawMessage `json:"$binary"`
	}
	if json.Unmarshal(raw, &u) != nil || len(u.Binary) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(u.Binary, &s) == nil {
		return s
	}
	var c struct {
		Base64 string `json:"base64"`
	}
	if json.Unmarshal(u.Binary, &c) == nil {
		return c.Base64
	}
	return ""
}

func paramString(p map[string]json.RawMessage, key string) string {
	var s string
	if raw, ok := p[key]; ok && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// ocsfRecord is one audit message of the OCSF schema (MongoDB 8.0+).
type ocsfRecord struct {
	ActivityID *int64 `json:"activity_id"`
	ClassUID   *int64 `json:"class_uid"`
	Time       *int64 `json:"time"`
	StatusID   int64  `json:"status_id"`
	Status     string `json:"status"`
	StatusCode any    `json:"status_code"`
	Actor      struct {
		User struct {
			Name string `json:"name"`
		} `json:"user"`
	} `json:"actor"`
	Src struct {
		IP   string `json:"ip"`
		Port int    `json:"port"`
	} `json:"src_endpoint"`
	API struct {
		Operation string `json:"operation"`
	} `json:"api"`
	Resources []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"resources"`
	Unmapped map[string]json.RawMessage `json:"unmapped"`
	Metadata struct {
		CorrelationUID string `json:"correlation_uid"`
	} `json:"metadata"`
}

// parseOCSF maps an OCSF message by class and activity: 3002 Authentication
// (1 logon, 2 logoff), 3001/3005/3006 account, privilege and group
// changes, 6003 API Activity (1 create, 2 read, 3 update, 4 delete),
// 4001 Network Activity (1 open, 2 close); anything else is MISC.
func (m *Mongo) parseOCSF(line []byte) (*scalefield.DBActivity, string) {
	var r ocsfRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, "not a JSON OCSF message: " + err.Error()
	}
	if r.ClassUID == nil || r.ActivityID == nil || r.Time == nil {
		return nil, "class_uid, activity_id or time is missing"
	}
	if y := time.UnixMilli(*r.Time).UTC().Year(); y < 1970 || y > 9999 {
		return nil, fmt.Sprintf("time %d ms is outside the years 1970 to 9999", *r.Time)
	}
	a := &scalefield.DBActivity{Time: time.UnixMilli(*r.Time).UTC(), Engine: "mongodb", Host: m.src.Host, User: r.Actor.User.Name,
		ClientAddr: r.Src.IP, ClientPort: r.Src.Port, Session: r.Metadata.CorrelationUID, Status: statusSuccess, Source: m.src.Name}
	if db, user, ok := strings.Cut(a.User, "."); ok { // "db.user"
		a.Database, a.User = db, user
	}
	act := *r.ActivityID
	atype := ""
	if raw, ok := r.Unmapped["atype"]; ok {
		json.Unmarshal(raw, &atype)
	}
	a.Action = firstOf(r.API.Operation, atype)
	switch *r.ClassUID {
	case 3002:
		a.ActionClass = scalefield.DBActionAuth
		if act == 2 {
			a.ActionClass = scalefield.DBActionConnect
		}
		a.Action = firstOf(a.Action, map[int64]string{1: "logon", 2: "logoff"}[act], "authentication")
	case 3001, 3005, 3006:
		a.ActionClass = scalefield.DBActionRole
	case 4001:
		a.ActionClass = scalefield.DBActionConnect
		a.Action = firstOf(a.Action, map[int64]string{1: "open", 2: "close"}[act], "network")
	case 6003:
		a.ActionClass = mongoClass(a.Action)
		if a.ActionClass == scalefield.DBActionMisc {
			a.ActionClass = map[int64]string{1: scalefield.DBActionDDL, 2: scalefield.DBActionRead, 3: scalefield.DBActionWrite,
				4: scalefield.DBActionDDL}[act]
			if a.ActionClass == "" {
				a.ActionClass = scalefield.DBActionMisc
			}
		}
	default:
		a.ActionClass = scalefield.DBActionMisc
	}
	if a.Action == "" {
		a.Action = fmt.Sprintf("class %d activity %d", *r.ClassUID, act)
	}
	if len(r.Resources) > 0 {
		db, coll, _ := strings.Cut(r.Resources[0].Name, ".")
		a.Database, a.Object, a.ObjectType = db, coll, r.Resources[0].Type
	}
	if r.StatusID == 2 {
		a.Status = statusFailure
		a.Error = firstOf(fmt.Sprint(firstNonNil(r.StatusCode, "")), r.Status, "failure")
	}
	return a, ""
}

func firstNonNil(v ...any) any {
	for _, x := range v {
		if x != nil {
			return x
		}
	}
	return nil
}
