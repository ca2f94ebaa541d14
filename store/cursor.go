package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// Cursors are opaque to clients: base64 of the keyset position.

func encodeTimeCursor(t time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + ":" + strconv.FormatInt(id, 10)))
}

func decodeTimeCursor(s string) (time.Time, int64, error) {
	bad := scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, bad
	}
	us, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return time.Time{}, 0, bad
	}
	micros, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, 0, bad
	}
	return time.UnixMicro(micros).UTC(), n, nil
}

func encodeIDCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

func decodeIDCursor(s string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), "id:") {
		return 0, scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), "id:"), 10, 64)
	if err != nil {
		return 0, scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
	}
	return n, nil
}

func encodeStringCursor(s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s:" + s))
}

func decodeStringCursor(c string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(raw), "s:") {
		return "", scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
	}
	return strings.TrimPrefix(string(raw), "s:"), nil
}

// trimPage cuts items, fetched with one row more than first to learn
// whether another page follows, to the page, and makes each item's cursor.
func trimPage[T any](items []T, first int, cursor func(T) string) (page []T, cursors []string, hasNext bool) {
	if len(items) > first {
		items, hasNext = items[:first], true
	}
	cursors = make([]string, len(items))
	for i, it := range items {
		cursors[i] = cursor(it)
	}
	return items, cursors, hasNext
}
