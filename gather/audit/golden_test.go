package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalefield/scalefield"
)

var update = flag.Bool("update", false, "rewrite the golden files testdata/*.golden.json")

// sample is one vendor-shaped input file and how to read it.
type sample struct {
	format, path string
	src          Source
}

// samples are the test inputs; SOURCES in testdata/README.md says where
// each comes from.
var samples = []sample{
	{FormatPostgresCSV, "testdata/postgres15-pgaudit.csv", Source{Name: "pg", Host: "db01"}},
	{FormatPostgresJSON, "testdata/postgres15-pgaudit.json", Source{Name: "pg", Host: "db01"}},
	{FormatMariaDB, "testdata/mariadb-server_audit.log", Source{Name: "maria"}},
	{FormatOracleCSV, "testdata/oracle-unified-audit-trail.csv", Source{Name: "ora", Host: "db01"}},
	{FormatOracleXML, "testdata/oracle-xml-audit.xml", Source{Name: "ora", Host: "db01"}},
	{FormatSQLServerCSV, "testdata/sqlserver-fn_get_audit_file.csv", Source{Name: "mssql"}},
	{FormatSQLServerJSON, "testdata/sqlserver-fn_get_audit_file.jsonl", Source{Name: "mssql"}},
	{FormatSQLServerJSON, "testdata/sqlserver-fn_get_audit_file.json", Source{Name: "mssql"}},
	{FormatDB2, "testdata/db2/execute.del", Source{Name: "db2"}},
	{FormatDB2, "testdata/db2/validate.del", Source{Name: "db2"}},
	{FormatDB2, "testdata/db2/context.del", Source{Name: "db2"}},
	{FormatDB2, "testdata/db2/objmaint.del", Source{Name: "db2"}},
	{FormatDB2, "testdata/db2/secmaint.del", Source{Name: "db2"}},
	{FormatDB2, "testdata/db2/checking.del", Source{Name: "db2"}},
	{FormatMongo, "testdata/mongodb-auditlog.json", Source{Name: "mongo", Host: "mongo01"}},
	{FormatMongoOCSF, "testdata/mongodb-auditlog-ocsf.json", Source{Name: "mongo", Host: "mongo01"}},
}

// result is one Next call in a golden file.
type result struct {
	Record *scalefield.DBActivity `json:"record,omitempty"`
	Error  string                 `json:"error,omitempty"`
}

// readAll reads a stream to the end, keeping record errors in place.
func readAll(t testing.TB, r Reader) []result {
	t.Helper()
	var out []result
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("reader does not end")
		}
		a, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("read error: %v", err)
		}
		if err != nil {
			out = append(out, result{Error: err.Error()})
			continue
		}
		out = append(out, result{Record: a})
	}
}

func TestGolden(t *testing.T) {
	for _, s := range samples {
		t.Run(s.format+" "+filepath.Base(s.path), func(t *testing.T) {
			f, err := os.Open(s.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			src := s.src
			src.Path = s.path
			r, err := NewReader(s.format, f, src)
			if err != nil {
				t.Fatal(err)
			}
			got := mustJSON(t, readAll(t, r))
			golden := s.path + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update, then check the file line by line)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length: got %d lines, want %d", golden, len(gl), len(wl))
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mustRead reads a whole input of a format from a string.
func mustRead(t testing.TB, format, input string, src Source) []result {
	t.Helper()
	r, err := NewReader(format, strings.NewReader(input), src)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, r)
}

var _ = time.UTC
