// Package audit reads the audit trails that databases write to files and
// turns each record into a scalefield.DBActivity: PostgreSQL server logs
// with pgaudit lines, the MariaDB/MySQL server_audit plugin log, Oracle
// UNIFIED_AUDIT_TRAIL exports and XML audit files, SQL Server audit rows,
// DB2 db2audit extracts and MongoDB audit logs. A Follower tails a directory
// of such files and remembers, in a state file, how far the records were
// stored.
//
// Every parser is a Reader over an io.Reader: Next returns one record at a
// time and io.EOF at the end. A record that cannot be parsed comes back as a
// *RecordError naming the file, line and byte offset; the next call to Next
// goes on with the following record, so one bad record never stops a file.
// docs/gather-mappings.md lists, per engine, the accepted input and how each
// source field maps onto DBActivity.
package audit

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/scalefield/scalefield"
)

// Reader reads database activity records one at a time.
type Reader interface {
	// Next returns the next record. At the end of the input it returns
	// io.EOF. A record that cannot be parsed yields a *RecordError; calling
	// Next again continues with the record after it. Any other error is a
	// read error of the underlying stream.
	Next() (*scalefield.DBActivity, error)
}

// Source says where a stream of records comes from.
type Source struct {
	// Name names the collector; it becomes DBActivity.Source.
	Name string
	// Path is the file being read; with the byte offset just past a record
	// it makes DBActivity.Position ("path:offset").
	Path string
	// Offset is the byte offset in Path at which the stream given to the
	// reader starts (the follower resumes in the middle of files). Offsets
	// in positions and errors are absolute; line numbers count from here.
	Offset int64
	// Host is the database host for formats whose records do not name it.
	Host string
	// Location is the time zone of timestamps written without one
	// (server_audit, db2audit, some Oracle exports). Nil means UTC.
	Location *time.Location
	// Growing says the file may still be written: a record cut off at the
	// end of the input is then reported as ErrPartial instead of being
	// parsed, so that a follower can read it again once it is complete.
	Growing bool
	// Delimiter and Quote override the field delimiter and string quote of
	// delimited formats (db2audit's DELIMITER option). Zero means the
	// format's default (',' and '"').
	Delimiter, Quote byte
	// Header is the header line of a delimited file with a header row
	// (Oracle and SQL Server CSV exports), for streams that start after it.
	Header string
}

func (s Source) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// position returns the DBActivity.Position of a record ending at end.
func (s Source) position(end int64) string {
	return s.Path + ":" + strconv.FormatInt(end, 10)
}

// ErrPartial is wrapped by the *RecordError returned for a record cut off by
// the end of the input: a last line without a line feed in a growing file,
// an unterminated quoted field, or an unfinished JSON or XML element.
var ErrPartial = errors.New("record cut off at the end of the input")

// RecordError says why one record could not be parsed and where it is.
type RecordError struct {
	// Format is the registry name of the format being read.
	Format string
	// Path is Source.Path.
	Path string
	// Line is the line (or, for JSON arrays and XML, the record number)
	// at which the record starts, counted from 1 at Source.Offset.
	Line int
	// Offset is the absolute byte offset at which the record starts, End
	// the one just past it.
	Offset, End int64
	// Reason says what is wrong.
	Reason string
	// Raw is the record as read, for quarantine.
	Raw string
	// Err is the cause, if any (ErrPartial for a cut-off record).
	Err error
}

// Error implements error.
func (e *RecordError) Error() string {
	path := e.Path
	if path == "" {
		path = "input"
	}
	return fmt.Sprintf("%s: %s line %d (byte %d): %s", e.Format, path, e.Line, e.Offset, e.Reason)
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// Position is where a follower may commit once the bad record is
// quarantined: "path:offset" just past the record.
func (e *RecordError) Position() string {
	return e.Path + ":" + strconv.FormatInt(e.End, 10)
}

// Constructor makes a Reader of one format over r.
type Constructor func(r io.Reader, src Source) Reader

// FormatInfo describes one registered format.
type FormatInfo struct {
	// Name is what a configuration says, e.g. "oracle-csv".
	Name string
	// Engine is the DBActivity.Engine the format's records carry.
	Engine string
	// Describe says which files the format reads.
	Describe string
	// New makes a reader.
	New Constructor
	// Document is true for formats that are one document per file (JSON
	// arrays, XML) rather than one record per line: a follower reads them
	// from the start and skips what it has handed out already.
	Document bool
	// Header is true for delimited formats whose first line names the
	// columns: a follower passes it in Source.Header when it resumes.
	Header bool
}

var formats = map[string]FormatInfo{}

func register(f FormatInfo) { formats[f.Name] = f }

// LookupFormat returns the format registered under name. An unknown name is
// an EINVALID error listing the known ones.
func LookupFormat(name string) (FormatInfo, error) {
	f, ok := formats[name]
	if !ok {
		return FormatInfo{}, scalefield.Errorf(scalefield.EINVALID, "unknown audit format %q (known: %v)", name, FormatNames())
	}
	return f, nil
}

// FormatNames returns the registered format names, sorted.
func FormatNames() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewReader returns a reader of the named format over r.
func NewReader(format string, r io.Reader, src Source) (Reader, error) {
	f, err := LookupFormat(format)
	if err != nil {
		return nil, err
	}
	return f.New(r, src), nil
}

// Format names.
const (
	FormatPostgresCSV   = "postgres-csvlog"
	FormatPostgresJSON  = "postgres-jsonlog"
	FormatMariaDB       = "mariadb-audit"
	FormatMySQL         = "mysql-server-audit"
	FormatOracleCSV     = "oracle-csv"
	FormatOracleXML     = "oracle-xml"
	FormatSQLServerCSV  = "sqlserver-csv"
	FormatSQLServerJSON = "sqlserver-json"
	FormatDB2           = "db2-del"
	FormatMongo         = "mongodb-json"
	FormatMongoOCSF     = "mongodb-ocsf"
)
