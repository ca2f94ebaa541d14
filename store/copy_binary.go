package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	scalefield "github.com/scalefield/scalefield"
)

// binaryCopy builds the body of a COPY ... FROM STDIN (FORMAT binary) for
// the hot bulk loads (Bronze on ingest, Silver and the Gold deltas on
// refine). pgx's CopyFrom encodes each value through its generic type map
// (a plan lookup and an interface allocation per value, and a failed plan
// and an error value for every string sent to a uuid or inet column),
// which cost the HEC receiver a sixth of its CPU and the refine stage more;
// the columns of these tables are fixed, so their wire encoding is written
// here, field by field, into one buffer.
//
// Callers write a row with row(n) followed by exactly n fields, in the
// column order of the COPY statement.
type binaryCopy struct {
	buf  []byte
	rows int
}

// pgEpoch is where PostgreSQL's binary timestamps count from.
var pgEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

func newBinaryCopy(sizeHint int) *binaryCopy {
	c := &binaryCopy{buf: make([]byte, 0, 19+sizeHint)}
	c.buf = append(c.buf, "PGCOPY\n\xff\r\n\x00"...)
	c.buf = binary.BigEndian.AppendUint32(c.buf, 0) // flags
	c.buf = binary.BigEndian.AppendUint32(c.buf, 0) // header extension length
	return c
}

func (c *binaryCopy) row(fields int) {
	c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(fields))
	c.rows++
}

func (c *binaryCopy) int64(v int64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, uint64(v))
}

func (c *binaryCopy) int32(v int32) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(v))
}

func (c *binaryCopy) float32(v float32) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, math.Float32bits(v))
}

func (c *binaryCopy) float64(v float64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, math.Float64bits(v))
}

func (c *binaryCopy) bool(v bool) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 1)
	if v {
		c.buf = append(c.buf, 1)
	} else {
		c.buf = append(c.buf, 0)
	}
}

func (c *binaryCopy) uuid(u [16]byte) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 16)
	c.buf = append(c.buf, u[:]...)
}

// timestamptz writes t as microseconds since 2000-01-01 UTC, the server's
// representation (integer datetimes); sub-microsecond digits are dropped,
// as the text form would round them away too.
func (c *binaryCopy) timestamptz(t time.Time) {
	c.int64(t.UnixMicro() - pgEpoch.UnixMicro())
}

// text writes s, which must be valid UTF-8 without NUL bytes (cleanText).
func (c *binaryCopy) text(s string) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(s)))
	c.buf = append(c.buf, s...)
}

func (c *binaryCopy) bytea(b []byte) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(b)))
	c.buf = append(c.buf, b...)
}

// inet writes a as a host address (no zone: PostgreSQL has none), or NULL
// when it is the zero Addr.
func (c *binaryCopy) inet(a netip.Addr) {
	switch {
	case !a.IsValid():
		c.null()
	case a.Is4():
		b := a.As4()
		c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
		c.buf = append(c.buf, 2, 32, 0, 4) // PGSQL_AF_INET, bits, not cidr, length
		c.buf = append(c.buf, b[:]...)
	default:
		b := a.As16()
		c.buf = binary.BigEndian.AppendUint32(c.buf, 20)
		c.buf = append(c.buf, 3, 128, 0, 16) // PGSQL_AF_INET6
		c.buf = append(c.buf, b[:]...)
	}
}

// jsonb writes doc (JSON text), or NULL when it is nil.
func (c *binaryCopy) jsonb(doc []byte) {
	if doc == nil {
		c.null()
		return
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(1+len(doc)))
	c.buf = append(c.buf, 1) // jsonb binary format version
	c.buf = append(c.buf, doc...)
}

// textArray writes a one-dimensional text[] of values (each valid UTF-8
// without NUL bytes); nil writes an empty array.
func (c *binaryCopy) textArray(values []string) {
	const textOID = 25
	size := 12
	if len(values) > 0 {
		size += 8
	}
	for _, v := range values {
		size += 4 + len(v)
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(size))
	if len(values) == 0 {
		c.buf = binary.BigEndian.AppendUint32(c.buf, 0) // dimensions
		c.buf = binary.BigEndian.AppendUint32(c.buf, 0) // no NULLs
		c.buf = binary.BigEndian.AppendUint32(c.buf, textOID)
		return
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, 1)
	c.buf = binary.BigEndian.AppendUint32(c.buf, 0)
	c.buf = binary.BigEndian.AppendUint32(c.buf, textOID)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(values)))
	c.buf = binary.BigEndian.AppendUint32(c.buf, 1) // lower bound
	for _, v := range values {
		c.text(v)
	}
}

func (c *binaryCopy) null() {
	c.buf = binary.BigEndian.AppendUint32(c.buf, math.MaxUint32) // -1
}

// trailer ends the body: a field count of -1.
func (c *binaryCopy) trailer() {
	c.buf = binary.BigEndian.AppendUint16(c.buf, math.MaxUint16)
}

// copyStatement is COPY table (columns) FROM STDIN (FORMAT binary).
func copyStatement(table string, columns []string) string {
	quoted := make([]string, len(columns))
	for i, col := range columns {
		quoted[i] = pgx.Identifier{col}.Sanitize()
	}
	return fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT binary)", pgx.Identifier{table}.Sanitize(), strings.Join(quoted, ", "))
}

// send finishes the body and runs COPY table (columns) FROM STDIN on the
// connection (inside the caller's transaction), returning the rows copied.
func (c *binaryCopy) send(ctx context.Context, conn *pgconn.PgConn, table string, columns []string) (int64, error) {
	c.trailer()
	tag, err := conn.CopyFrom(ctx, bytes.NewReader(c.buf), copyStatement(table, columns))
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() != int64(c.rows) {
		return tag.RowsAffected(), fmt.Errorf("copy %s: %d of %d rows stored", table, tag.RowsAffected(), c.rows)
	}
	return tag.RowsAffected(), nil
}

// uuids parses tenant IDs once each for a batch of rows.
type uuids map[string][16]byte

func (u uuids) parse(s string) ([16]byte, error) {
	if b, ok := u[s]; ok {
		return b, nil
	}
	var id pgtype.UUID
	if err := id.Scan(s); err != nil {
		return [16]byte{}, scalefield.Errorf(scalefield.EINVALID, "tenant ID %q is not a UUID", s)
	}
	u[s] = id.Bytes
	return id.Bytes, nil
}
