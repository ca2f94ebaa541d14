package scalefield

import "time"

// DBActivity is one database audit record in the schema every gather
// collector writes and the engine imports: who did what, where, when, and
// with what outcome.
type DBActivity struct {
	Time time.Time
	// Engine is "postgresql", "mysql", "mariadb", "oracle", "sqlserver",
	// "db2" or "mongodb".
	Engine   string
	Host     string
	Database string
	User     string
	// ClientAddr is the client's IP address (or host) and ClientPort its port.
	ClientAddr  string
	ClientPort  int
	Application string
	Session     string
	// ActionClass is one of the DBAction* classes; Action the engine's own
	// verb (e.g. "SELECT", "CREATE TABLE", "LOGON").
	ActionClass string
	Action      string
	Statement   string
	Object      string
	ObjectType  string
	Rows        int64
	// Status is "success" or "failure"; Error the engine's error text/code.
	Status string
	Error  string
	// Raw is the record as the engine wrote it.
	Raw string
	// Source names the collector; Position its place in the stream (an LSN
	// for logical decoding, "file:offset" for file collectors).
	Source   string
	Position string
}

// Action classes of database activity, after pgaudit's classes.
const (
	DBActionRead     = "READ"
	DBActionWrite    = "WRITE"
	DBActionDDL      = "DDL"
	DBActionRole     = "ROLE"
	DBActionFunction = "FUNCTION"
	DBActionMisc     = "MISC"
	DBActionConnect  = "CONNECT"
	DBActionAuth     = "AUTH"
)
