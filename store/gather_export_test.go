package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
)

// AppendActivityJSONForTest exposes appendActivityJSON to the external tests.
var AppendActivityJSONForTest = appendActivityJSON

// BinaryCopyForTest sends rows through binaryCopy, each value written by
// the method its Go type selects (nil is NULL; json.RawMessage is jsonb).
func BinaryCopyForTest(ctx context.Context, tx pgx.Tx, table string, columns []string, rows [][]any) error {
	c := newBinaryCopy(0)
	for _, row := range rows {
		c.row(len(row))
		for _, v := range row {
			switch v := v.(type) {
			case nil:
				c.null()
			case int64:
				c.int64(v)
			case int32:
				c.int32(v)
			case float32:
				c.float32(v)
			case float64:
				c.float64(v)
			case bool:
				c.bool(v)
			case [16]byte:
				c.uuid(v)
			case time.Time:
				c.timestamptz(v)
			case string:
				c.text(v)
			case []byte:
				c.bytea(v)
			case netip.Addr:
				c.inet(v)
			case json.RawMessage:
				c.jsonb(v)
			case []string:
				c.textArray(v)
			default:
				return fmt.Errorf("no binary encoding for %T", v)
			}
		}
	}
	_, err := c.send(ctx, tx.Conn().PgConn(), table, columns)
	return err
}
