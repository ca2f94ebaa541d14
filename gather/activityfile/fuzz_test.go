package activityfile_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// FuzzReader feeds damaged activity files to the Reader: it must return rows
// or an error, never panic or loop.
func FuzzReader(f *testing.F) {
	data, _ := MustWrite(f, sampleRows(300, 9), activityfile.WriterConfig{RowGroupRows: 100})
	empty, _ := MustWrite(f, nil, activityfile.WriterConfig{})
	f.Add(data, 0, byte(0))
	f.Add(data, len(data)/3, byte(0x10))
	f.Add(data, len(data)-20, byte(0xff))
	f.Add(empty, 5, byte(1))
	f.Fuzz(func(t *testing.T, data []byte, off int, flip byte) {
		b := append([]byte(nil), data...)
		if len(b) > 0 {
			off = ((off % len(b)) + len(b)) % len(b)
			b[off] ^= flip
		}
		r, err := activityfile.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, activityfile.ErrCorrupt) {
				t.Fatalf("open: error is not a corruption: %v", err)
			}
			return
		}
		defer r.Close()
		batch := make([]scalefield.DBActivity, 64)
		for i := 0; ; i++ {
			n, err := r.Next(batch)
			if errors.Is(err, io.EOF) {
				return
			} else if err != nil {
				if !errors.Is(err, activityfile.ErrCorrupt) {
					t.Fatalf("read: error is not a corruption: %v", err)
				}
				return
			}
			if n == 0 || i > 1_000_000 {
				t.Fatalf("no progress: n=%d after %d calls", n, i)
			}
		}
	})
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriterOutputFails(t *testing.T) {
	t.Parallel()
	w, err := activityfile.NewWriter(&failingWriter{after: 2}, activityfile.WriterConfig{
		Name: "a.parquet", Source: "s", RowGroupRows: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := sampleRows(5000, 5)
	werr := w.WriteBatch(rows)
	_, cerr := w.Close()
	if werr == nil && cerr == nil {
		t.Fatal("a failing output must fail the write or the close")
	}
	if err := w.Write(&rows[0]); err == nil {
		t.Fatal("errors must be sticky")
	}
}
