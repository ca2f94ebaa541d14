package pglogical

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scalefield/scalefield"
)

// LSN is a PostgreSQL write-ahead log position ("log sequence number"),
// written as two hexadecimal halves, e.g. "0/16B3748".
type LSN uint64

// String formats the LSN the way PostgreSQL does.
func (l LSN) String() string {
	return fmt.Sprintf("%X/%X", uint32(l>>32), uint32(l))
}

// ParseLSN parses an LSN written as PostgreSQL writes it ("0/16B3748").
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, scalefield.Errorf(scalefield.EINVALID, "LSN %q: want the form X/X", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, scalefield.Errorf(scalefield.EINVALID, "LSN %q: bad upper half", s)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, scalefield.Errorf(scalefield.EINVALID, "LSN %q: bad lower half", s)
	}
	return LSN(h<<32 | l), nil
}

// Position formats a record's place in the change stream: the commit LSN of
// its transaction and its index within that transaction, e.g. "0/16B3748#3".
// Positions of one slot are unique; order them with ParsePosition, not as
// strings.
func Position(commit LSN, index int) string {
	return commit.String() + "#" + strconv.Itoa(index)
}

// ParsePosition splits a Position into the commit LSN and the index within
// the transaction. A gather agent uses it on the last record of its newest
// durable file to set Config.StartAfter on restart.
func ParsePosition(s string) (commit LSN, index int, err error) {
	l, i, ok := strings.Cut(s, "#")
	if !ok {
		return 0, 0, scalefield.Errorf(scalefield.EINVALID, "position %q: want LSN#index", s)
	}
	if commit, err = ParseLSN(l); err != nil {
		return 0, 0, err
	}
	index, err = strconv.Atoi(i)
	if err != nil || index < 0 {
		return 0, 0, scalefield.Errorf(scalefield.EINVALID, "position %q: bad index", s)
	}
	return commit, index, nil
}
