package ingest_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/scalefield/scalefield/ingest"
)

// decodeAll returns every message of r, with errors written as "!error".
func decodeAll(r io.Reader, bufSize, maxMessage int) []string {
	dec := ingest.NewFrameDecoder(bufio.NewReaderSize(r, bufSize), maxMessage)
	var out []string
	for {
		msg, err := dec.Next()
		switch {
		case err == nil:
			out = append(out, string(msg))
		case errors.Is(err, io.EOF):
			return out
		case errors.Is(err, ingest.ErrMessageTooLarge):
			out = append(out, "!too large")
		default:
			return append(out, "!"+err.Error())
		}
	}
}

func octet(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "%d %s", len(m), m)
	}
	return b.String()
}

var framingCases = []struct {
	name  string
	input string
	want  []string
}{
	{"octet counting", octet("<13>one", "<14>two with\nnewline", "<15>three"), []string{"<13>one", "<14>two with\nnewline", "<15>three"}},
	{"LF framing", "<13>one\n<14>two\r\n\n<15>three\n", []string{"<13>one", "<14>two", "<15>three"}},
	{"LF framing: the last message ends with the stream", "<13>one\n<14>two", []string{"<13>one", "<14>two"}},
	{"mixed", octet("<13>one") + "<14>two\n" + octet("<15>three") + "2024-01-01 digits first\n5 apples\n" + octet("<16>four"),
		[]string{"<13>one", "<14>two", "<15>three", "2024-01-01 digits first", "5 apples", "<16>four"}},
	{"octet counting keeps going without a PRI", octet("<13>one", "no pri", "12345"), []string{"<13>one", "no pri", "12345"}},
	{"a count without a PRI after it is a line", "123 abc\n5 <13>x", []string{"123 abc", "<13>x"}},
	{"leading zero is not a count", "0 <13>x\n", []string{"0 <13>x"}},
	{"digits at the end of the stream", "<13>a\n42", []string{"<13>a", "42"}},
	{"truncated octet frame", octet("<13>one") + "20 <14>short", []string{"<13>one", "!unexpected EOF"}},
	{"too large octet frame is skipped", octet("<13>one", "<14>"+strings.Repeat("x", 40), "<15>three"), []string{"<13>one", "!too large", "<15>three"}},
	{"too large line is skipped", "<13>one\n<14>" + strings.Repeat("y", 40) + "\n<15>three\n", []string{"<13>one", "!too large", "<15>three"}},
	{"a message of exactly the limit", octet("<1>"+strings.Repeat("z", 29)) + strings.Repeat("w", 32) + "\r\n", []string{"<1>" + strings.Repeat("z", 29), strings.Repeat("w", 32)}},
	{"a ten-digit count breaks the stream", octet("<13>one") + "1234567890 <13>x", []string{"<13>one", "!malformed syslog frame"}},
}

func TestFrameDecoder(t *testing.T) {
	t.Parallel()
	for _, tt := range framingCases {
		t.Run(tt.name, func(t *testing.T) {
			for _, size := range []int{16, 4096} {
				if got := decodeAll(strings.NewReader(tt.input), size, 32); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
					t.Errorf("buffer %d: got %q, want %q", size, got, tt.want)
				}
			}
		})
	}
}

// splitReader returns its data in two reads, split at a given offset.
type splitReader struct {
	parts [][]byte
}

func (r *splitReader) Read(p []byte) (int, error) {
	for len(r.parts) > 0 && len(r.parts[0]) == 0 {
		r.parts = r.parts[1:]
	}
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	return n, nil
}

func TestFrameDecoderPartialReads(t *testing.T) {
	t.Parallel()
	for _, tt := range framingCases {
		t.Run(tt.name, func(t *testing.T) {
			want := fmt.Sprintf("%q", tt.want)
			if got := decodeAll(iotest.OneByteReader(strings.NewReader(tt.input)), 16, 32); fmt.Sprintf("%q", got) != want {
				t.Errorf("one byte per read: got %q, want %s", got, want)
			}
			for k := 0; k <= len(tt.input); k++ {
				r := &splitReader{parts: [][]byte{[]byte(tt.input[:k]), []byte(tt.input[k:])}}
				if got := decodeAll(r, 16, 32); fmt.Sprintf("%q", got) != want {
					t.Fatalf("split at %d: got %q, want %s", k, got, want)
				}
			}
		})
	}
}

func TestFrameDecoderSamples(t *testing.T) {
	t.Parallel()
	want := map[string]int{"lf.log": 3, "octet.log": 4, "mixed.log": 5}
	for name, n := range want {
		data, err := os.ReadFile(filepath.Join("testdata", "framing", name))
		if err != nil {
			t.Fatal(err)
		}
		got := decodeAll(bytes.NewReader(data), 4096, 8192)
		if len(got) != n {
			t.Errorf("%s: %d messages %q, want %d", name, len(got), got, n)
		}
		for _, m := range got {
			if strings.HasPrefix(m, "!") {
				t.Errorf("%s: %s", name, m)
			}
		}
	}
}

// FuzzFrameDecoder checks that no stream panics the decoder, that every
// message is within the limit, and that the messages do not depend on how
// the stream is split into reads.
func FuzzFrameDecoder(f *testing.F) {
	for _, tt := range framingCases {
		f.Add([]byte(tt.input), uint16(3))
	}
	for _, glob := range []string{"testdata/framing/*", "../testdata/syslog/*"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint16(len(data)/2))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		const limit = 64
		whole := decodeAll(bytes.NewReader(data), 16, limit)
		for _, m := range whole {
			if !strings.HasPrefix(m, "!") && len(m) > limit {
				t.Fatalf("message of %d bytes above the limit %d", len(m), limit)
			}
		}
		k := int(split) % (len(data) + 1)
		parts := &splitReader{parts: [][]byte{bytes.Clone(data[:k]), bytes.Clone(data[k:])}}
		if got := decodeAll(parts, 16, limit); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", whole) {
			t.Fatalf("split at %d: %q, whole: %q", k, got, whole)
		}
	})
}
