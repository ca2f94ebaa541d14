package audit

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scalefield/scalefield"
)

func TestRecordErrors(t *testing.T) {
	t.Parallel()

	t.Run("a bad record names its place and the next one is read", func(t *testing.T) {
		t.Parallel()
		in := "20240301 10:15:30,h,u,c,1,2,QUERY,db,'select 1',0\nnot a record\n20240301 10:15:31,h,u,c,1,3,QUERY,db,'select 2',0\n"
		got := mustRead(t, FormatMariaDB, in, Source{Path: "/var/log/mysql/server_audit.log"})
		if len(got) != 3 || got[0].Record == nil || got[2].Record == nil || got[2].Record.Statement != "select 2" {
			t.Fatalf("got %+v", got)
		}
		want := "mariadb-audit: /var/log/mysql/server_audit.log line 2 (byte 50): 1 fields, want 10"
		if !strings.HasPrefix(got[1].Error, want) {
			t.Fatalf("error %q, want it to start with %q", got[1].Error, want)
		}
	})

	t.Run("a cut-off last line of a growing file is partial", func(t *testing.T) {
		t.Parallel()
		r, _ := NewReader(FormatMariaDB, strings.NewReader("20240301 10:15:30,h,u,c,1,2,CONNECT,,,0"), Source{Growing: true})
		if _, err := r.Next(); !errors.Is(err, ErrPartial) {
			t.Fatalf("got %v, want ErrPartial", err)
		}
		r, _ = NewReader(FormatMariaDB, strings.NewReader("20240301 10:15:30,h,u,c,1,2,CONNECT,,,0"), Source{})
		if a, err := r.Next(); err != nil || a.ActionClass != scalefield.DBActionConnect {
			t.Fatalf("complete file: %+v, %v", a, err)
		}
	})

	t.Run("an unclosed quote at the end is partial", func(t *testing.T) {
		t.Parallel()
		got := mustRead(t, FormatDB2, "2024-03-01-10.15.30.000000,\"VALIDATE\",\"AUTHENTICATION\",1,0,\"DB\",\"u", Source{})
		if len(got) != 1 || !strings.Contains(got[0].Error, "quoted field not closed") {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("an ambiguous time zone is an error, not a guess", func(t *testing.T) {
		t.Parallel()
		line := `2024-03-01 10:15:30.000 CET,"u","d",1,"10.0.0.1:5",s,1,,2024-03-01 10:00:00 CET,,0,LOG,00000,"AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>",,,,,,,,,"app",client backend,,0` + "\n"
		got := mustRead(t, FormatPostgresCSV, line, Source{})
		if len(got) != 1 || !strings.Contains(got[0].Error, "time zone CET is ambiguous") {
			t.Fatalf("got %+v", got)
		}
		got = mustRead(t, FormatPostgresCSV, strings.Replace(line, " CET", "", 1), Source{Location: time.FixedZone("CET", 3600)})
		if got[0].Record == nil || !got[0].Record.Time.Equal(time.Date(2024, 3, 1, 9, 15, 30, 0, time.UTC)) {
			t.Fatalf("got %+v", got)
		}
	})
}

func TestDB2Delimiters(t *testing.T) {
	t.Parallel()
	in := "2024-03-01-10.15.30.000000;!VALIDATE!;!AUTHENTICATION!;1;-30082;!SAMPLE!;!o\"k!!s!;!OK!;!x!;0;0;!*LOCAL.x!;!app!\n"
	got := mustRead(t, FormatDB2, in, Source{Delimiter: ';', Quote: '!'})
	if len(got) != 1 || got[0].Record == nil {
		t.Fatalf("got %+v", got)
	}
	a := got[0].Record
	if a.User != `o"k!s` || a.ActionClass != scalefield.DBActionAuth || a.Status != "failure" || a.Error != "SQLCODE=-30082" {
		t.Fatalf("got %+v", a)
	}
}

func TestVerbClasses(t *testing.T) {
	t.Parallel()
	for stmt, want := range map[string]string{
		"select 1": "READ", "  /* hint */ (SELECT 1)": "READ", "-- c\nINSERT INTO t VALUES (1)": "WRITE",
		"create or replace view v as select 1": "DDL", "CREATE USER x": "ROLE", "grant select on t to u": "ROLE",
		"exec dbo.p": "FUNCTION", "CALL p()": "FUNCTION", "vacuum": "MISC", "": "MISC", "TRUNCATE TABLE t": "WRITE",
	} {
		if got := classOfVerb(sqlVerb(stmt)); got != want {
			t.Errorf("%q: got %s, want %s", stmt, got, want)
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	if _, err := NewReader("sybase", strings.NewReader(""), Source{}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Fatalf("unknown format: %v", err)
	}
	for _, name := range FormatNames() {
		f, err := LookupFormat(name)
		if err != nil || f.Engine == "" || f.Describe == "" || f.New == nil {
			t.Errorf("%s: %+v, %v", name, f, err)
		}
	}
}
