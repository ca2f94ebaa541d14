package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scalefield/scalefield"
)

// followBundle is a directory, a state file and a follower over them.
type followBundle struct {
	dir, state string
	f          *Follower
}

func setupFollow(t *testing.T, format, pattern string) *followBundle {
	t.Helper()
	dir := t.TempDir()
	b := &followBundle{dir: dir, state: filepath.Join(dir, "state", "offsets.json")}
	if err := os.MkdirAll(filepath.Dir(b.state), 0o755); err != nil {
		t.Fatal(err)
	}
	b.f = b.mustFollower(t, format, pattern)
	return b
}

func (b *followBundle) mustFollower(t *testing.T, format, pattern string) *Follower {
	t.Helper()
	f, err := NewFollower(FollowConfig{Dir: b.dir, Pattern: pattern, Format: format, StateFile: b.state, Source: Source{Name: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// polled is what one Poll handed out.
type polled struct {
	recs []*scalefield.DBActivity
	errs []*RecordError
	last string // position of the last record or error
}

func mustPoll(t *testing.T, f *Follower) polled {
	t.Helper()
	var p polled
	err := f.Poll(context.Background(), func(a *scalefield.DBActivity, err error) error {
		var re *RecordError
		switch {
		case err == nil:
			p.recs = append(p.recs, a)
			p.last = a.Position
		case errors.As(err, &re):
			p.errs = append(p.errs, re)
			p.last = re.Position()
		default:
			t.Fatalf("unexpected error %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustAppend(t *testing.T, path, s string) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteString(s); err != nil {
		t.Fatal(err)
	}
	fh.Close()
}

func mariaLine(conn, query string) string {
	return "20240301 10:15:30,db01,app,10.0.0.5," + conn + ",1,QUERY,shop,'" + query + "',0\n"
}

func statements(recs []*scalefield.DBActivity) string {
	var s []string
	for _, a := range recs {
		s = append(s, a.Statement)
	}
	return strings.Join(s, "|")
}

func TestFollower(t *testing.T) {
	t.Parallel()

	t.Run("waits for a partial last line and resumes where it stopped", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatMariaDB, "server_audit.log*")
		log := filepath.Join(b.dir, "server_audit.log")
		full := mariaLine("1", "select 3")
		mustAppend(t, log, mariaLine("1", "select 1")+mariaLine("1", "select 2")+full[:20])
		p := mustPoll(t, b.f)
		if got, want := statements(p.recs), "select 1|select 2"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		if want := log + ":" + itoa(2*len(mariaLine("1", "select 1"))); p.last != want {
			t.Fatalf("position %q, want %q", p.last, want)
		}
		if p := mustPoll(t, b.f); len(p.recs)+len(p.errs) != 0 {
			t.Fatalf("nothing new, got %+v", p)
		}
		mustAppend(t, log, full[20:]+mariaLine("1", "select 4"))
		if got, want := statements(mustPoll(t, b.f).recs), "select 3|select 4"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})

	t.Run("a restart reads again what was not committed", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatMariaDB, "*.log")
		log := filepath.Join(b.dir, "server_audit.log")
		mustAppend(t, log, mariaLine("1", "a")+mariaLine("1", "b")+mariaLine("1", "c"))
		p := mustPoll(t, b.f)
		if err := b.f.Commit(p.recs[0].Position); err != nil {
			t.Fatal(err)
		}
		b.f.Close()
		again := b.mustFollower(t, FormatMariaDB, "*.log")
		if got, want := statements(mustPoll(t, again).recs), "b|c"; got != want {
			t.Fatalf("after restart got %q, want %q", got, want)
		}
	})

	t.Run("follows a rotated file to its end, then the new one", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatMariaDB, "server_audit.log")
		log := filepath.Join(b.dir, "server_audit.log")
		mustAppend(t, log, mariaLine("1", "a"))
		p := mustPoll(t, b.f)
		mustAppend(t, log, mariaLine("1", "b"))
		if err := os.Rename(log, log+".1"); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, log, mariaLine("2", "c"))
		p2 := mustPoll(t, b.f)
		if got, want := statements(p2.recs), "b|c"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		if !strings.HasPrefix(p2.recs[0].Position, log+".1:") {
			t.Fatalf("position %q names the path the record was read under", p2.recs[0].Position)
		}
		// "a" and "c" have the same position (each 57 bytes into a file
		// named server_audit.log): commits apply in the order handed out.
		if err := b.f.Commit(p.last); err != nil {
			t.Fatal(err)
		}
		if err := b.f.Commit(p2.last); err != nil { // commits "b" on the way
			t.Fatal(err)
		}
		if err := b.f.Commit(p2.last); err == nil {
			t.Fatal("committing a position twice succeeded")
		}
		b.f.Close()
		again := b.mustFollower(t, FormatMariaDB, "server_audit.log")
		if p := mustPoll(t, again); len(p.recs) != 0 {
			t.Fatalf("after restart read again %q", statements(p.recs))
		}
	})

	t.Run("reads a truncated file from the start", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatMariaDB, "*.log")
		log := filepath.Join(b.dir, "server_audit.log")
		mustAppend(t, log, mariaLine("1", "a")+mariaLine("1", "b"))
		mustPoll(t, b.f)
		if err := os.Truncate(log, 0); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, log, mariaLine("1", "c"))
		if got, want := statements(mustPoll(t, b.f).recs), "c"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})

	t.Run("hands out a bad record as an error that can be committed", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatMariaDB, "*.log")
		log := filepath.Join(b.dir, "server_audit.log")
		mustAppend(t, log, "garbage\n"+mariaLine("1", "a"))
		p := mustPoll(t, b.f)
		if len(p.errs) != 1 || len(p.recs) != 1 || p.errs[0].Line != 1 || p.errs[0].Position() != log+":8" {
			t.Fatalf("got %+v", p)
		}
		if err := b.f.Commit(p.errs[0].Position()); err != nil {
			t.Fatal(err)
		}
		state, err := os.ReadFile(b.state)
		if err != nil || !strings.Contains(string(state), `"offset": 8`) {
			t.Fatalf("state file %s (%v)", state, err)
		}
		if err := b.f.Commit(log + ":3"); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Fatalf("commit inside a committed record: %v", err)
		}
		if err := b.f.Commit("nonsense"); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Fatalf("commit of nonsense: %v", err)
		}
	})

	t.Run("reads a CSV export from the middle with its header", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatSQLServerCSV, "*.csv")
		path := filepath.Join(b.dir, "audit.csv")
		mustAppend(t, path, "event_time,action_id,succeeded,statement\n2024-03-01 10:00:00,SL,1,select 1\n")
		mustPoll(t, b.f)
		mustAppend(t, path, "2024-03-01 10:00:01,IN,1,insert 2\n")
		p := mustPoll(t, b.f)
		if len(p.recs) != 1 || p.recs[0].ActionClass != scalefield.DBActionWrite {
			t.Fatalf("got %+v", p)
		}
	})

	t.Run("reads an XML audit file as it grows", func(t *testing.T) {
		t.Parallel()
		b := setupFollow(t, FormatOracleXML, "*.xml")
		path := filepath.Join(b.dir, "ora_1234.xml")
		rec := func(action string) string {
			return "<AuditRecord><Extended_Timestamp>2024-03-01T10:00:00Z</Extended_Timestamp><DB_User>A</DB_User><Action>" + action + "</Action><Returncode>0</Returncode></AuditRecord>\n"
		}
		mustAppend(t, path, "<?xml version=\"1.0\"?>\n<Audit><Version>11.2</Version>\n"+rec("100")+rec("3")[:40])
		if p := mustPoll(t, b.f); len(p.recs) != 1 || p.recs[0].Action != "LOGON" || len(p.errs) != 0 {
			t.Fatalf("got %+v", p)
		}
		mustAppend(t, path, rec("3")[40:]+rec("101")+"</Audit>\n")
		p := mustPoll(t, b.f)
		if len(p.recs) != 2 || p.recs[0].Action != "SELECT" || p.recs[1].Action != "LOGOFF" {
			t.Fatalf("got %+v", p)
		}
	})
}

func TestFollowConfigValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []FollowConfig{
		{Pattern: "*", Format: FormatMariaDB, StateFile: "s"},
		{Dir: "d", Format: FormatMariaDB, StateFile: "s"},
		{Dir: "d", Pattern: "[", Format: FormatMariaDB, StateFile: "s"},
		{Dir: "d", Pattern: "*", Format: "nope", StateFile: "s"},
		{Dir: "d", Pattern: "*", Format: FormatMariaDB},
		{Dir: "d", Pattern: "*", Format: FormatMariaDB, StateFile: "s", Interval: -1},
	} {
		if err := c.Validate(); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%+v: got %v, want an EINVALID error", c, err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
