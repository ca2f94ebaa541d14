package pglogical

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pglogrepl"
	"github.com/scalefield/scalefield"
)

// Transaction is one committed transaction's records, delivered as a whole.
type Transaction struct {
	// Xid is the transaction id (also in each record's Session).
	Xid uint32
	// CommitLSN is the LSN of the commit record; pass it to Confirm once
	// every record is durably stored.
	CommitLSN LSN
	// EndLSN is the end of the commit record: the position the slot is
	// advanced to when the transaction is confirmed.
	EndLSN LSN
	// CommitTime is the commit timestamp (also each record's Time).
	CommitTime time.Time
	// Records holds one record per row change (one per relation for a
	// TRUNCATE), in the order of the transaction.
	Records []scalefield.DBActivity
}

// relation is what the decoder keeps of a Relation message.
type relation struct {
	schema, table string
	object        string // "schema.table"
	included      bool
	columns       []column
}

type column struct {
	name  string
	key   bool // part of the replica identity
	oid   uint32
	mask  MaskAction
	jname []byte // the JSON-quoted name
}

// decoder turns one session's pgoutput messages into transactions. It is
// not safe for concurrent use; a new session needs a new decoder, since the
// server sends Relation messages again in each session.
type decoder struct {
	cfg       *Config
	database  string
	relations map[uint32]*relation
	tx        *Transaction // the transaction being decoded, nil between transactions
	mac       hash.Hash
	buf       []byte
}

func newDecoder(cfg *Config, database string) *decoder {
	d := &decoder{cfg: cfg, database: database, relations: map[uint32]*relation{}}
	if len(cfg.HashKey) > 0 {
		d.mac = hmac.New(sha256.New, cfg.HashKey)
	}
	return d
}

// inTransaction reports whether a Begin was decoded without its Commit.
func (d *decoder) inTransaction() bool { return d.tx != nil }

// decode decodes one pgoutput message. It returns the transaction when the
// message is its Commit, and nil otherwise.
func (d *decoder) decode(data []byte) (tx *Transaction, err error) {
	// pglogrepl's parsers index into the message without bounds checks.
	defer func() {
		if r := recover(); r != nil {
			tx, err = nil, fmt.Errorf("decode pgoutput message %q: malformed: %v", typeOf(data), r)
		}
	}()
	if err := checkLengths(data); err != nil {
		return nil, fmt.Errorf("decode pgoutput message %q: %w", typeOf(data), err)
	}
	msg, err := pglogrepl.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("decode pgoutput message %q: %w", typeOf(data), err)
	}
	switch m := msg.(type) {
	case *pglogrepl.RelationMessage:
		d.addRelation(m)
	case *pglogrepl.BeginMessage:
		d.tx = &Transaction{Xid: m.Xid, CommitLSN: LSN(m.FinalLSN), CommitTime: m.CommitTime}
	case *pglogrepl.CommitMessage:
		if d.tx == nil {
			return nil, fmt.Errorf("commit %s without begin", LSN(m.CommitLSN))
		}
		tx, d.tx = d.tx, nil
		tx.CommitLSN, tx.EndLSN, tx.CommitTime = LSN(m.CommitLSN), LSN(m.TransactionEndLSN), m.CommitTime
		for i := range tx.Records {
			tx.Records[i].Time = tx.CommitTime
			tx.Records[i].Position = Position(tx.CommitLSN, i)
		}
		return tx, nil
	case *pglogrepl.InsertMessage:
		return nil, d.row("INSERT", m.RelationID, nil, 0, m.Tuple)
	case *pglogrepl.UpdateMessage:
		return nil, d.row("UPDATE", m.RelationID, m.OldTuple, m.OldTupleType, m.NewTuple)
	case *pglogrepl.DeleteMessage:
		return nil, d.row("DELETE", m.RelationID, m.OldTuple, m.OldTupleType, nil)
	case *pglogrepl.TruncateMessage:
		return nil, d.truncate(m)
	}
	// Type, Origin and logical decoding messages carry nothing to record.
	return nil, nil
}

// checkLengths checks that the counted parts of a Truncate, Insert, Update
// or Delete message fit in it, so that a corrupt count cannot make the parser
// allocate gigabytes before it fails.
func checkLengths(data []byte) error {
	if len(data) == 0 {
		return errors.New("empty message")
	}
	kind := data[0]
	if kind == 'T' {
		if len(data) < 6 || int64(binary.BigEndian.Uint32(data[1:]))*4 != int64(len(data)-6) {
			return errors.New("relation count does not match the message length")
		}
		return nil
	}
	if kind != 'I' && kind != 'U' && kind != 'D' {
		return nil
	}
	p := 5 // type and relation id
	for p < len(data) {
		switch data[p] {
		case 'N', 'K', 'O':
		default:
			return fmt.Errorf("unknown tuple type %q", data[p])
		}
		p++
		if p+2 > len(data) {
			return errors.New("tuple cut short")
		}
		n := int(binary.BigEndian.Uint16(data[p:]))
		p += 2
		for range n {
			if p >= len(data) {
				return errors.New("tuple cut short")
			}
			t := data[p]
			p++
			if t == pglogrepl.TupleDataTypeText || t == pglogrepl.TupleDataTypeBinary {
				if p+4 > len(data) {
					return errors.New("tuple cut short")
				}
				l := int(binary.BigEndian.Uint32(data[p:]))
				p += 4
				if l > len(data)-p {
					return errors.New("column value longer than its message")
				}
				p += l
			}
		}
	}
	return nil
}

func typeOf(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	return pglogrepl.MessageType(data[0]).String()
}

func (d *decoder) addRelation(m *pglogrepl.RelationMessage) {
	r := &relation{
		schema:   m.Namespace,
		table:    m.RelationName,
		object:   m.Namespace + "." + m.RelationName,
		included: d.cfg.tableIncluded(m.Namespace, m.RelationName),
		columns:  make([]column, len(m.Columns)),
	}
	for i, c := range m.Columns {
		r.columns[i] = column{
			name:  c.Name,
			key:   c.Flags&1 != 0,
			oid:   c.DataType,
			mask:  d.cfg.maskFor(m.Namespace, m.RelationName, c.Name),
			jname: appendJSONString(nil, c.Name),
		}
	}
	d.relations[m.RelationID] = r
}

func (d *decoder) record(r *relation, action string, rows int64, statement string) scalefield.DBActivity {
	return scalefield.DBActivity{
		Engine:      "postgresql",
		Host:        d.cfg.Host,
		Database:    d.database,
		Session:     strconv.FormatUint(uint64(d.tx.Xid), 10),
		ActionClass: scalefield.DBActionWrite,
		Action:      action,
		Statement:   statement,
		Object:      r.object,
		ObjectType:  "TABLE",
		Rows:        rows,
		Status:      "success",
		Source:      d.cfg.Source,
	}
}

func (d *decoder) relation(id uint32) (*relation, error) {
	if d.tx == nil {
		return nil, fmt.Errorf("row change outside a transaction")
	}
	r, ok := d.relations[id]
	if !ok {
		return nil, fmt.Errorf("row change for unknown relation %d", id)
	}
	return r, nil
}

// row records one INSERT, UPDATE or DELETE. For UPDATE and DELETE, old is the
// key ('K') or the whole old row ('O', with REPLICA IDENTITY FULL), or nil.
func (d *decoder) row(action string, relID uint32, old *pglogrepl.TupleData, oldType uint8, new *pglogrepl.TupleData) error {
	r, err := d.relation(relID)
	if err != nil {
		return err
	}
	if !r.included {
		return nil
	}
	if (old != nil && len(old.Columns) > len(r.columns)) || (new != nil && len(new.Columns) > len(r.columns)) {
		return fmt.Errorf("%s on %s: more columns than its relation", action, r.object)
	}
	// changed[i]: column i is written by this change.
	var changed [64]bool
	changedCols := changed[:0]
	if len(r.columns) > len(changed) {
		changedCols = make([]bool, len(r.columns))
	} else {
		changedCols = changed[:len(r.columns)]
	}
	switch {
	case new != nil:
		for i, c := range new.Columns {
			changedCols[i] = c.DataType != pglogrepl.TupleDataTypeToast
			if changedCols[i] && oldType == 'O' && old != nil && i < len(old.Columns) {
				o := old.Columns[i]
				changedCols[i] = o.DataType != c.DataType || string(o.Data) != string(c.Data)
			}
		}
	default:
		for i := range changedCols {
			changedCols[i] = true
		}
	}

	b := append(d.buf[:0], `{"columns":[`...)
	first := true
	for i, c := range r.columns {
		if !changedCols[i] || c.mask == MaskDrop {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, c.jname...)
	}
	b = append(b, ']')
	if d.cfg.IncludeValues {
		key := new
		if old != nil {
			key = old
		}
		if key != nil {
			b = d.appendValues(b, `,"key":{`, r, key, func(i int) bool { return r.columns[i].key })
		}
		if old != nil && oldType == 'O' {
			b = d.appendValues(b, `,"old":{`, r, old, func(i int) bool { return new == nil || changedCols[i] })
		}
		if new != nil {
			b = d.appendValues(b, `,"new":{`, r, new, func(i int) bool { return changedCols[i] })
		}
	}
	b = append(b, '}')
	d.buf = b
	d.tx.Records = append(d.tx.Records, d.record(r, action, 1, string(b)))
	return nil
}

// appendValues appends `prefix` then "name":value for every column of t that
// want selects and no rule drops, then '}'.
func (d *decoder) appendValues(b []byte, prefix string, r *relation, t *pglogrepl.TupleData, want func(int) bool) []byte {
	b = append(b, prefix...)
	first := true
	for i, v := range t.Columns {
		c := &r.columns[i]
		if c.mask == MaskDrop || v.DataType == pglogrepl.TupleDataTypeToast || !want(i) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, c.jname...)
		b = append(b, ':')
		b = d.appendValue(b, c, v)
	}
	return append(b, '}')
}

// Type OIDs whose text form is also a JSON literal.
const (
	oidBool = 16
	oidInt8 = 20
	oidInt2 = 21
	oidInt4 = 23
	oidOID  = 26
)

func (d *decoder) appendValue(b []byte, c *column, v *pglogrepl.TupleDataColumn) []byte {
	if v.DataType == pglogrepl.TupleDataTypeNull {
		return append(b, "null"...)
	}
	switch c.mask {
	case MaskHide:
		return append(b, `"***"`...)
	case MaskHash:
		d.mac.Reset()
		d.mac.Write(v.Data)
		var sum [sha256.Size]byte
		b = append(b, `"hmac-sha256:`...)
		b = hex.AppendEncode(b, d.mac.Sum(sum[:0]))
		return append(b, '"')
	}
	if v.DataType == pglogrepl.TupleDataTypeBinary {
		b = append(b, `"\\x`...)
		b = hex.AppendEncode(b, v.Data)
		return append(b, '"')
	}
	switch c.oid {
	case oidBool:
		switch string(v.Data) {
		case "t":
			return append(b, "true"...)
		case "f":
			return append(b, "false"...)
		}
	case oidInt2, oidInt4, oidInt8, oidOID:
		if isInteger(v.Data) {
			return append(b, v.Data...)
		}
	}
	return appendJSONString(b, string(v.Data))
}

func isInteger(s []byte) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// truncate records one TRUNCATE per included relation. The WAL does not say
// how many rows went, so Rows is 0.
func (d *decoder) truncate(m *pglogrepl.TruncateMessage) error {
	if d.tx == nil {
		return fmt.Errorf("truncate outside a transaction")
	}
	rels := make([]*relation, 0, len(m.RelationIDs))
	for _, id := range m.RelationIDs {
		r, err := d.relation(id)
		if err != nil {
			return err
		}
		if r.included {
			rels = append(rels, r)
		}
	}
	b := append(d.buf[:0], `{"relations":[`...)
	for i, r := range rels {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, r.object)
	}
	b = fmt.Appendf(b, `],"cascade":%t,"restart_identity":%t}`, m.Option&1 != 0, m.Option&2 != 0)
	d.buf = b
	for _, r := range rels {
		d.tx.Records = append(d.tx.Records, d.record(r, "TRUNCATE", 0, string(b)))
	}
	return nil
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
