package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// binaryCopy builds the body of a COPY ... FROM STDIN (FORMAT binary) for
// the hot bulk loads (Bronze on ingest and on gather import). pgx's
// CopyFrom encodes each value through its generic type map (a plan lookup
// and an interface allocation per value), which cost the HEC receiver a
// sixth of its CPU; the columns of these tables are few and fixed, so their
// wire encoding is written here, field by field, into one buffer.
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

func (c *binaryCopy) null() {
	c.buf = binary.BigEndian.AppendUint32(c.buf, math.MaxUint32) // -1
}

// send finishes the body and runs COPY table (columns) FROM STDIN on tx,
// returning the rows copied.
func (c *binaryCopy) send(ctx context.Context, tx pgx.Tx, table string, columns []string) (int64, error) {
	c.buf = binary.BigEndian.AppendUint16(c.buf, math.MaxUint16) // trailer: -1
	quoted := make([]string, len(columns))
	for i, col := range columns {
		quoted[i] = pgx.Identifier{col}.Sanitize()
	}
	sql := fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT binary)", pgx.Identifier{table}.Sanitize(), strings.Join(quoted, ", "))
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.buf), sql)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() != int64(c.rows) {
		return tag.RowsAffected(), fmt.Errorf("copy %s: %d of %d rows stored", table, tag.RowsAffected(), c.rows)
	}
	return tag.RowsAffected(), nil
}
