package store_test

import (
	"context"
	"encoding/json"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// The hand-written binary COPY must store exactly what PostgreSQL's own
// text input of the same values stores.
func TestBinaryCopyStoresWhatTextInputStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := tempTable(t, `CREATE TEMP TABLE b (n int, i8 bigint, i4 int, f4 real, f8 double precision, ok boolean, id uuid,
		at timestamptz, s text, raw bytea, ip inet, doc jsonb, tags text[])`)
	uuid := [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}
	rows := [][]any{
		{int32(1), int64(math.MinInt64), int32(-7), float32(0.25), 1e300, true, uuid,
			time.Date(2026, 11, 23, 1, 2, 3, 456789999, time.UTC), "héllo, \"world\"", []byte{0, 1, 0xff},
			netip.MustParseAddr("192.0.2.10"), json.RawMessage(`{"a": [1, "x"]}`), []string{"one", "", "three, with comma"}},
		{int32(2), int64(0), int32(0), float32(-1.5), 0.0, false, [16]byte{},
			time.Date(1969, 7, 20, 20, 17, 40, 1000, time.FixedZone("EDT", -4*3600)), "", []byte{},
			netip.MustParseAddr("2001:db8::1"), json.RawMessage(`[]`), []string{}},
		{int32(3), nil, nil, nil, nil, nil, nil, nil, nil, nil, netip.Addr{}, json.RawMessage(nil), nil},
	}
	cols := []string{"n", "i8", "i4", "f4", "f8", "ok", "id", "at", "s", "raw", "ip", "doc", "tags"}
	if err := store.BinaryCopyForTest(ctx, tx, "b", cols, rows); err != nil {
		t.Fatalf("binary copy: %v", err)
	}
	// The same values through text literals; each row's columns must be
	// equal (IS NOT DISTINCT FROM treats two NULLs as equal).
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE want (LIKE b)`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO want VALUES
		(1, -9223372036854775808, -7, 0.25, 1e300, true, '12345678-9abc-def0-1234-56789abcdef0',
		 '2026-11-23 01:02:03.456789+00', 'héllo, "world"', '\x0001ff', '192.0.2.10', '{"a": [1, "x"]}', '{one,"","three, with comma"}'),
		(2, 0, 0, -1.5, 0, false, '00000000-0000-0000-0000-000000000000',
		 '1969-07-21 00:17:40.000001+00', '', '\x', '2001:db8::1', '[]', '{}'),
		(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, c := range cols[1:] {
		rows, err := tx.Query(ctx, `SELECT b.n, b.`+c+`::text, w.`+c+`::text FROM b JOIN want w USING (n)
			WHERE b.`+c+` IS DISTINCT FROM w.`+c+` ORDER BY b.n`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n int
			var got, want *string
			if err := rows.Scan(&n, &got, &want); err != nil {
				t.Fatal(err)
			}
			t.Errorf("row %d column %s: stored %v, want %v", n, c, deref(got), deref(want))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	var count int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM b`).Scan(&count); err != nil || count != 3 {
		t.Fatalf("rows stored = %d, %v; want 3", count, err)
	}
	// An empty array is stored with no dimensions, as '{}' is.
	var dims *int
	if err := tx.QueryRow(ctx, `SELECT array_ndims(tags) FROM b WHERE n = 2`).Scan(&dims); err != nil || dims != nil {
		t.Errorf("array_ndims of the empty array = %v, %v; want NULL", dims, err)
	}
}

// tempTable returns a transaction on a new test database, rolled back at
// the end of the test, in which ddl created a table.
func tempTable(t *testing.T, ddl string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := storetest.NewDB(t).Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	return tx
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// A value PostgreSQL refuses fails the copy with its error.
func TestBinaryCopyRefusesInvalidText(t *testing.T) {
	t.Parallel()
	tx := tempTable(t, `CREATE TEMP TABLE b (s text)`)
	err := store.BinaryCopyForTest(context.Background(), tx, "b", []string{"s"}, [][]any{{"bad \xff byte"}})
	if err == nil {
		t.Fatal("copy of invalid UTF-8 succeeded")
	}
}
