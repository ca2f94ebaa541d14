package audit

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scalefield/scalefield"
)

// seedFiles adds every record of the named samples, and each whole file.
func seedFiles(f *testing.F, paths ...string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
}

// fuzzReader reads a whole input and checks what must hold for any input:
// no panic, an end, records with a class, a status and a position inside
// the input, and errors that are *RecordError pointing into the input.
func fuzzReader(t *testing.T, format string, input []byte, src Source) {
	src.Path = "f"
	r, err := NewReader(format, bytes.NewReader(input), src)
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]bool{scalefield.DBActionRead: true, scalefield.DBActionWrite: true, scalefield.DBActionDDL: true,
		scalefield.DBActionRole: true, scalefield.DBActionFunction: true, scalefield.DBActionMisc: true,
		scalefield.DBActionConnect: true, scalefield.DBActionAuth: true}
	last := int64(0)
	for i := 0; ; i++ {
		if i > len(input)+10 {
			t.Fatalf("more results than bytes: the reader does not advance")
		}
		a, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var re *RecordError
		if err != nil {
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RecordError", err)
			}
			if a != nil || re.Reason == "" || re.Offset < 0 || re.End > int64(len(input)) || re.Offset > re.End {
				t.Fatalf("bad error %#v for %d-byte input", re, len(input))
			}
			continue
		}
		if !classes[a.ActionClass] || (a.Status != statusSuccess && a.Status != statusFailure) || a.Time.IsZero() {
			t.Fatalf("bad record %+v", a)
		}
		path, end := splitPosition(a.Position)
		if path != "f" || end <= 0 || end > int64(len(input)) || end < last {
			t.Fatalf("position %q outside the %d-byte input or going back (last %d)", a.Position, len(input), last)
		}
		last = end
	}
}

var fuzzLoc = time.FixedZone("fuzz", 3600)

func FuzzPostgresCSV(f *testing.F) {
	seedFiles(f, "testdata/postgres15-pgaudit.csv")
	f.Add([]byte(`2024-01-01 00:00:00 CET,"u","d",1,"h:1",s,1,,2024-01-01,,0,LOG,00000,"AUDIT: SESSION,1,1,READ,SELECT,,,""a"",<none>",,,,,,,,,"",x,,0`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, FormatPostgresCSV, b, Source{})
		fuzzReader(t, FormatPostgresCSV, b, Source{Growing: true})
	})
}

func FuzzPostgresJSON(f *testing.F) {
	seedFiles(f, "testdata/postgres15-pgaudit.json")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzReader(t, FormatPostgresJSON, b, Source{}) })
}

func FuzzMariaDB(f *testing.F) {
	seedFiles(f, "testdata/mariadb-server_audit.log")
	f.Add([]byte(`20240301 10:15:30,h,u,c,1,2,QUERY,db,'a\'b\\',0`))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzReader(t, FormatMariaDB, b, Source{Location: fuzzLoc}) })
}

func FuzzOracleCSV(f *testing.F) {
	seedFiles(f, "testdata/oracle-unified-audit-trail.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, FormatOracleCSV, b, Source{})
		fuzzReader(t, FormatOracleCSV, b, Source{Header: "EVENT_TIMESTAMP,ACTION_NAME,RETURN_CODE,SQL_TEXT", Offset: 0})
	})
}

func FuzzOracleXML(f *testing.F) {
	seedFiles(f, "testdata/oracle-xml-audit.xml")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzReader(t, FormatOracleXML, b, Source{}) })
}

func FuzzSQLServer(f *testing.F) {
	seedFiles(f, "testdata/sqlserver-fn_get_audit_file.csv", "testdata/sqlserver-fn_get_audit_file.jsonl", "testdata/sqlserver-fn_get_audit_file.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, FormatSQLServerCSV, b, Source{})
		fuzzReader(t, FormatSQLServerJSON, b, Source{})
	})
}

func FuzzDB2(f *testing.F) {
	for _, c := range []string{"execute", "validate", "context", "objmaint", "secmaint", "checking"} {
		seedFiles(f, "testdata/db2/"+c+".del")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, FormatDB2, b, Source{})
		fuzzReader(t, FormatDB2, b, Source{Quote: '!', Delimiter: ';'})
	})
}

func FuzzMongo(f *testing.F) {
	seedFiles(f, "testdata/mongodb-auditlog.json", "testdata/mongodb-auditlog-ocsf.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, FormatMongo, b, Source{})
		fuzzReader(t, FormatMongoOCSF, b, Source{})
	})
}

var _ = strings.TrimSpace
