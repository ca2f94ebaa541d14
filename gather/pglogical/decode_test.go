package pglogical

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/scalefield/scalefield"
)

// MustReadCaptured returns the captured pgoutput messages of testdata.
func MustReadCaptured(tb testing.TB) [][]byte {
	tb.Helper()
	f, err := os.Open("testdata/pgoutput-v1.hex")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var msgs [][]byte
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			tb.Fatal(err)
		}
		msgs = append(msgs, b)
	}
	if err := s.Err(); err != nil {
		tb.Fatal(err)
	}
	return msgs
}

// MustDecodeAll decodes msgs with cfg and returns the transactions.
func MustDecodeAll(tb testing.TB, cfg Config, msgs [][]byte) []*Transaction {
	tb.Helper()
	cfg = cfg.withDefaults()
	d := newDecoder(&cfg, "capture")
	var txs []*Transaction
	for i, m := range msgs {
		tx, err := d.decode(m)
		if err != nil {
			tb.Fatalf("message %d: %v", i, err)
		}
		if tx != nil {
			txs = append(txs, tx)
		}
	}
	return txs
}

// statement is the shape of a row change's Statement.
type statement struct {
	Columns []string       `json:"columns"`
	Key     map[string]any `json:"key"`
	Old     map[string]any `json:"old"`
	New     map[string]any `json:"new"`
	// TRUNCATE
	Relations       []string `json:"relations"`
	Cascade         bool     `json:"cascade"`
	RestartIdentity bool     `json:"restart_identity"`
}

func MustStatement(tb testing.TB, r scalefield.DBActivity) statement {
	tb.Helper()
	var s statement
	if err := json.Unmarshal([]byte(r.Statement), &s); err != nil {
		tb.Fatalf("statement %q: %v", r.Statement, err)
	}
	return s
}

func TestDecode_Captured(t *testing.T) {
	t.Parallel()
	msgs := MustReadCaptured(t)

	t.Run("values", func(t *testing.T) {
		t.Parallel()
		txs := MustDecodeAll(t, Config{Host: "db1", IncludeValues: true}, msgs)
		var actions []string
		for _, tx := range txs {
			actions = append(actions, tx.Records[0].Action+":"+tx.Records[0].Object)
		}
		want := []string{
			"INSERT:public.accounts", "UPDATE:public.accounts", "DELETE:public.accounts",
			"INSERT:public.audit_notes", "UPDATE:public.audit_notes", "DELETE:public.audit_notes",
			"TRUNCATE:public.accounts",
		}
		if got := strings.Join(actions, " "); got != strings.Join(want, " ") {
			t.Fatalf("transactions:\n got %s\nwant %s", got, strings.Join(want, " "))
		}
		if got := len(txs[0].Records); got != 200 {
			t.Errorf("insert records: got %d, want 200", got)
		}
		if got := len(txs[1].Records); got != 50 {
			t.Errorf("update records: got %d, want 50", got)
		}

		ins := txs[0].Records[0]
		if ins.Engine != "postgresql" || ins.Host != "db1" || ins.Database != "capture" || ins.ObjectType != "TABLE" ||
			ins.ActionClass != scalefield.DBActionWrite || ins.Rows != 1 || ins.Status != "success" || ins.Source != DefaultSource {
			t.Errorf("insert record: %+v", ins)
		}
		if ins.Time.IsZero() || !ins.Time.Equal(txs[0].CommitTime) {
			t.Errorf("insert time %v, commit time %v", ins.Time, txs[0].CommitTime)
		}
		if got, want := ins.Session, strconv.FormatUint(uint64(txs[0].Xid), 10); got != want || txs[0].Xid == 0 {
			t.Errorf("session: got %q, want the xid %s", got, want)
		}
		s := MustStatement(t, ins)
		if got, want := strings.Join(s.Columns, ","), "id,email,name,balance,active,created"; got != want {
			t.Errorf("insert columns: got %s, want %s", got, want)
		}
		if s.New["id"] != 1.0 || s.New["email"] != "user1@example.com" || s.New["name"] != "User \"1\"\tname" ||
			s.New["balance"] != "1.50" || s.New["active"] != true {
			t.Errorf("insert values: %v", s.New)
		}
		if s.Key["id"] != 1.0 || len(s.Key) != 1 {
			t.Errorf("insert key: %v", s.Key)
		}

		// Positions are unique and ordered within a transaction.
		for i, r := range txs[0].Records {
			commit, idx, err := ParsePosition(r.Position)
			if err != nil || commit != txs[0].CommitLSN || idx != i {
				t.Fatalf("record %d position %q: %v", i, r.Position, err)
			}
		}
		if txs[0].EndLSN <= txs[0].CommitLSN || txs[1].CommitLSN <= txs[0].EndLSN {
			t.Errorf("LSNs not ordered: %+v", txs[:2])
		}

		// Default replica identity: an update sends the whole new row.
		up := MustStatement(t, txs[1].Records[0])
		if up.Old != nil || up.New["balance"] != "7.00" || up.Key["id"] != 4.0 {
			t.Errorf("update: %+v", up)
		}
		del := MustStatement(t, txs[2].Records[0])
		if del.New != nil || del.Old != nil || del.Key["id"] != 191.0 || len(del.Columns) != 6 {
			t.Errorf("delete: %+v", del)
		}

		// REPLICA IDENTITY FULL: only changed columns, with old values.
		upFull := MustStatement(t, txs[4].Records[0])
		if strings.Join(upFull.Columns, ",") != "note" || upFull.Old["note"] != "first" || upFull.New["note"] != "changed" || upFull.Key["id"] != 1.0 {
			t.Errorf("update full: %+v", upFull)
		}
		delFull := MustStatement(t, txs[5].Records[0])
		if v, ok := delFull.Old["note"]; !ok || v != nil {
			t.Errorf("delete full: %+v", delFull)
		}

		tr := txs[6].Records
		if len(tr) != 2 || tr[0].Object != "public.accounts" || tr[1].Object != "public.audit_notes" || tr[0].Rows != 0 {
			t.Fatalf("truncate records: %+v", tr)
		}
		ts := MustStatement(t, tr[1])
		if !ts.RestartIdentity || ts.Cascade || strings.Join(ts.Relations, ",") != "public.accounts,public.audit_notes" {
			t.Errorf("truncate statement: %+v", ts)
		}
	})

	t.Run("values off names columns only", func(t *testing.T) {
		t.Parallel()
		txs := MustDecodeAll(t, Config{}, msgs)
		if got, want := txs[0].Records[0].Statement, `{"columns":["id","email","name","balance","active","created"]}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})

	t.Run("masks", func(t *testing.T) {
		t.Parallel()
		key := []byte("0123456789abcdef-test-key")
		txs := MustDecodeAll(t, Config{IncludeValues: true, HashKey: key, Masks: map[string]MaskAction{
			"public.accounts.email": MaskHash,
			"*.*.name":              MaskDrop,
			"public.*.balance":      MaskHide,
			"*.audit_notes.*":       MaskHide,
			"public.audit_notes.id": MaskKeep,
		}}, msgs)
		s := MustStatement(t, txs[0].Records[0])
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte("user1@example.com"))
		if got, want := s.New["email"], "hmac-sha256:"+hex.EncodeToString(mac.Sum(nil)); got != want {
			t.Errorf("hashed email: got %v, want %v", got, want)
		}
		if _, ok := s.New["name"]; ok || strings.Contains(strings.Join(s.Columns, ","), "name") {
			t.Errorf("dropped column present: %+v", s)
		}
		if s.New["balance"] != "***" {
			t.Errorf("masked balance: %v", s.New["balance"])
		}
		notes := MustStatement(t, txs[3].Records[0])
		if notes.New["id"] != 1.0 || notes.New["note"] != "***" {
			t.Errorf("keep beats pattern: %+v", notes.New)
		}
		if null := MustStatement(t, txs[3].Records[1]); null.New["note"] != nil {
			t.Errorf("masked null should stay null: %+v", null.New)
		}
		for _, tx := range txs {
			for _, r := range tx.Records {
				if strings.Contains(r.Statement, "@example.com") || strings.Contains(r.Statement, "User") {
					t.Fatalf("value leaked: %s", r.Statement)
				}
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		t.Parallel()
		txs := MustDecodeAll(t, Config{IncludeTables: []string{"public.*"}, ExcludeTables: []string{"*.audit_*"}}, msgs)
		for _, tx := range txs {
			for _, r := range tx.Records {
				if r.Object != "public.accounts" {
					t.Fatalf("excluded table recorded: %+v", r)
				}
			}
		}
		if tr := txs[len(txs)-1]; len(tr.Records) != 1 || !strings.Contains(tr.Records[0].Statement, `"relations":["public.accounts"]`) {
			t.Errorf("truncate of an excluded table: %+v", tr.Records)
		}
	})
}

func TestDecode_Malformed(t *testing.T) {
	t.Parallel()
	cfg := Config{IncludeValues: true}.withDefaults()
	msgs := MustReadCaptured(t)
	for _, tc := range []struct {
		name string
		msgs [][]byte
	}{
		{"row before relation", [][]byte{msgs[0], msgs[2]}},
		{"row outside a transaction", [][]byte{msgs[1], msgs[2]}},
		{"truncated insert", [][]byte{msgs[0], msgs[1], msgs[2][:12]}},
		{"commit without begin", [][]byte{msgs[len(msgs)-1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(&cfg, "x")
			var err error
			for _, m := range tc.msgs {
				if _, err = d.decode(m); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "quote\" back\\ slash", "\x00\x01\n\r\t\x1f", "é 日本 \u2028", "bad \xff utf8"} {
		var got string
		if err := json.Unmarshal(appendJSONString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// FuzzDecode feeds arbitrary messages after a valid Begin and Relation: the
// decoder may reject them but never panics, and every Statement is JSON.
func FuzzDecode(f *testing.F) {
	msgs := MustReadCaptured(f)
	for _, m := range msgs[2:40] {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, m []byte) {
		cfg := Config{IncludeValues: true, HashKey: []byte("0123456789abcdef"),
			Masks: map[string]MaskAction{"*.*.email": MaskHash}}.withDefaults()
		d := newDecoder(&cfg, "fuzz")
		for _, seed := range [][]byte{msgs[0], msgs[1], m, msgs[len(msgs)-1]} {
			tx, err := d.decode(seed)
			if err != nil {
				return
			}
			if tx != nil {
				for _, r := range tx.Records {
					if !json.Valid([]byte(r.Statement)) {
						t.Fatalf("statement is not JSON: %q", r.Statement)
					}
				}
			}
		}
	})
}

// BenchmarkDecode measures decoding captured pgoutput messages into records,
// with values, a hash rule and a mask rule.
func BenchmarkDecode(b *testing.B) {
	msgs := MustReadCaptured(b)
	cfg := Config{IncludeValues: true, HashKey: []byte("0123456789abcdef"), Masks: map[string]MaskAction{
		"*.*.email": MaskHash, "public.accounts.name": MaskHide,
	}}.withDefaults()
	var size int
	for _, m := range msgs {
		size += len(m)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		d := newDecoder(&cfg, "bench")
		for _, m := range msgs {
			tx, err := d.decode(m)
			if err != nil {
				b.Fatal(err)
			}
			if tx != nil {
				records += len(tx.Records)
			}
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}
