package pglogical

import (
	"net"
	"slices"
	"testing"
	"time"
)

// chunkConn returns its chunks one per Read.
type chunkConn struct {
	net.Conn
	chunks []string
}

func (c *chunkConn) Read(p []byte) (int, error) {
	n := copy(p, c.chunks[0])
	c.chunks = c.chunks[1:]
	return n, nil
}

// Once streaming, a read waits only after one that emptied the socket (it
// returned less than asked): while reads fill the buffer, more is waiting.
func TestBatchingConnWaitsOnlyAfterTheSocketIsEmpty(t *testing.T) {
	var slept []time.Duration
	c := &batchingConn{Conn: &chunkConn{chunks: []string{"ab", "c", "de", "fg", "h", "i"}}, delay: 10 * time.Millisecond,
		sleep: func(d time.Duration) { slept = append(slept, d) }}
	buf := make([]byte, 2)
	read := func() string {
		t.Helper()
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	}

	// Set-up: request and answer, never delayed.
	if read() != "ab" || read() != "c" || read() != "de" || len(slept) != 0 {
		t.Fatalf("before streaming: slept %v", slept)
	}
	c.streaming.Store(true)
	var got []string
	var sleptBefore []int
	for range 3 {
		before := len(slept)
		got = append(got, read())
		sleptBefore = append(sleptBefore, len(slept)-before)
	}
	// "de" filled the buffer, so "fg" is read at once; "fg" filled it too,
	// so "h" is as well; "h" was short, so "i" waits.
	if !slices.Equal(got, []string{"fg", "h", "i"}) || !slices.Equal(sleptBefore, []int{0, 0, 1}) || slept[0] != 10*time.Millisecond {
		t.Errorf("read %v, waits before each %v, slept %v", got, sleptBefore, slept)
	}
}
