package audit

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// benchInput repeats a sample's valid records (the file without its
// malformed tail) up to about 1 MiB.
func benchInput(b *testing.B, path string, header bool, keepLines int) []byte {
	b.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	if keepLines > 0 && keepLines < len(lines) {
		lines = lines[:keepLines]
	}
	var head []byte
	if header {
		head, lines = lines[0], lines[1:]
	}
	body := bytes.Join(lines, nil)
	out := append([]byte(nil), head...)
	for len(out) < 1<<20 {
		out = append(out, body...)
	}
	return out
}

func benchReader(b *testing.B, format string, input []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	records := 0
	for b.Loop() {
		r, err := NewReader(format, bytes.NewReader(input), Source{Path: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			records++
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkPostgresCSV(b *testing.B) {
	benchReader(b, FormatPostgresCSV, benchInput(b, "testdata/postgres15-pgaudit.csv", false, 0))
}

func BenchmarkPostgresJSON(b *testing.B) {
	benchReader(b, FormatPostgresJSON, benchInput(b, "testdata/postgres15-pgaudit.json", false, 0))
}

func BenchmarkMariaDB(b *testing.B) {
	benchReader(b, FormatMariaDB, benchInput(b, "testdata/mariadb-server_audit.log", false, 0))
}

func BenchmarkOracleCSV(b *testing.B) {
	benchReader(b, FormatOracleCSV, benchInput(b, "testdata/oracle-unified-audit-trail.csv", true, 13))
}

func BenchmarkOracleXML(b *testing.B) {
	raw, err := os.ReadFile("testdata/oracle-xml-audit.xml")
	if err != nil {
		b.Fatal(err)
	}
	i, j := bytes.Index(raw, []byte("<AuditRecord>")), bytes.Index(raw, []byte("<AuditRecord><Audit_Type>1</Audit_Type><Session_Id>3002</Session_Id><StatementId>5"))
	in := append([]byte(nil), raw[:i]...)
	for len(in) < 1<<20 {
		in = append(in, raw[i:j]...)
	}
	benchReader(b, FormatOracleXML, append(in, "</Audit>\n"...))
}

func BenchmarkSQLServerCSV(b *testing.B) {
	benchReader(b, FormatSQLServerCSV, benchInput(b, "testdata/sqlserver-fn_get_audit_file.csv", true, 13))
}

func BenchmarkSQLServerJSON(b *testing.B) {
	benchReader(b, FormatSQLServerJSON, benchInput(b, "testdata/sqlserver-fn_get_audit_file.jsonl", false, 12))
}

func BenchmarkDB2(b *testing.B) {
	benchReader(b, FormatDB2, benchInput(b, "testdata/db2/execute.del", false, 10))
}

func BenchmarkMongo(b *testing.B) {
	benchReader(b, FormatMongo, benchInput(b, "testdata/mongodb-auditlog.json", false, 10))
}

func BenchmarkMongoOCSF(b *testing.B) {
	benchReader(b, FormatMongoOCSF, benchInput(b, "testdata/mongodb-auditlog-ocsf.json", false, 8))
}
