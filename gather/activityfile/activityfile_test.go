package activityfile_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

var fixedNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// MustWrite writes rows into an in-memory activity file.
func MustWrite(t testing.TB, rows []scalefield.DBActivity, cfg activityfile.WriterConfig) ([]byte, activityfile.Manifest) {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "pg-orders-000001.parquet"
	}
	if cfg.Source == "" {
		cfg.Source = "pgaudit:db-0"
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	var buf bytes.Buffer
	w, err := activityfile.NewWriter(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBatch(rows); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	rows := sampleRows(10_000, 1)
	rows[5].Time = rows[5].Time.Add(123 * time.Nanosecond) // truncated to µs
	data, m := MustWrite(t, rows, activityfile.WriterConfig{RowGroupRows: 1000, AgentID: "agent-7"})

	t.Run("rows", func(t *testing.T) {
		got, err := activityfile.ReadAll(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(rows) {
			t.Fatalf("got %d rows, want %d", len(got), len(rows))
		}
		for i := range rows {
			want := rows[i]
			want.Time = want.Time.Truncate(time.Microsecond).UTC()
			if got[i] != want {
				t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], want)
			}
		}
	})

	t.Run("manifest", func(t *testing.T) {
		sum := sha256.Sum256(data)
		want := activityfile.Manifest{
			SchemaVersion: activityfile.SchemaVersion,
			File:          "pg-orders-000001.parquet",
			Rows:          int64(len(rows)),
			Bytes:         int64(len(data)),
			SHA256:        hex.EncodeToString(sum[:]),
			MinTime:       rows[0].Time.UTC(),
			MaxTime:       rows[len(rows)-1].Time.UTC(),
			Source:        "pgaudit:db-0",
			Engine:        "postgresql",
			Host:          rows[0].Host,
			FirstPosition: rows[0].Position,
			LastPosition:  rows[len(rows)-1].Position,
			CreatedAt:     fixedNow,
			AgentID:       "agent-7",
		}
		for _, r := range rows {
			if r.Time.Before(want.MinTime) {
				want.MinTime = r.Time.Truncate(time.Microsecond)
			}
			if r.Time.After(want.MaxTime) {
				want.MaxTime = r.Time.Truncate(time.Microsecond)
			}
		}
		if m != want {
			t.Fatalf("manifest:\n got %+v\nwant %+v", m, want)
		}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := activityfile.VerifyChecksum(bytes.NewReader(data), int64(len(data)), &m); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("info", func(t *testing.T) {
		r, err := activityfile.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got := r.Info()
		if got.Rows != 10_000 || got.RowGroups != 10 || got.SchemaVersion != activityfile.SchemaVersion ||
			got.Source != "pgaudit:db-0" || got.AgentID != "agent-7" ||
			got.FirstPosition != rows[0].Position || got.LastPosition != rows[len(rows)-1].Position {
			t.Fatalf("info %+v", got)
		}
	})

	t.Run("small batches", func(t *testing.T) {
		r, err := activityfile.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		batch := make([]scalefield.DBActivity, 7)
		var total int
		for {
			n, err := r.Next(batch)
			total += n
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if batch[0].Position != rows[total-n].Position {
				t.Fatalf("batch at %d starts with %s, want %s", total-n, batch[0].Position, rows[total-n].Position)
			}
		}
		if total != len(rows) {
			t.Fatalf("read %d rows, want %d", total, len(rows))
		}
	})
}

func TestEmptyFile(t *testing.T) {
	t.Parallel()
	data, m := MustWrite(t, nil, activityfile.WriterConfig{})
	if m.Rows != 0 || !m.MinTime.IsZero() || m.FirstPosition != "" {
		t.Fatalf("manifest %+v", m)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	got, err := activityfile.ReadAll(data)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %d rows, %v", len(got), err)
	}
}

func TestFileLayout(t *testing.T) {
	t.Parallel()
	data, _ := MustWrite(t, sampleRows(3000, 2), activityfile.WriterConfig{RowGroupRows: 1024})
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	md := f.Metadata()
	if got, want := len(md.RowGroups), 3; got != want {
		t.Fatalf("row groups: got %d, want %d", got, want)
	}
	dict := map[string]bool{"engine": true, "host": true, "database": true, "user": true, "action_class": true,
		"action": true, "status": true, "application": true}
	for _, rg := range md.RowGroups {
		for _, c := range rg.Columns {
			name := strings.Join(c.MetaData.PathInSchema, ".")
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("column %s: codec %s, want ZSTD", name, c.MetaData.Codec)
			}
			if dict[name] && c.MetaData.DictionaryPageOffset == 0 {
				t.Errorf("column %s has no dictionary page", name)
			}
		}
	}
	if v, _ := f.Lookup(activityfile.MetaSchemaVersion); v != "1" {
		t.Errorf("schema version metadata %q", v)
	}
	col, ok := f.Schema().Lookup("time")
	if !ok {
		t.Fatal("no time column")
	}
	if got, want := col.Node.Type().LogicalType().String(), "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"; got != want {
		t.Errorf("time column logical type %s, want %s", got, want)
	}
}

func TestCorruptFiles(t *testing.T) {
	t.Parallel()
	data, m := MustWrite(t, sampleRows(5000, 3), activityfile.WriterConfig{RowGroupRows: 2000})

	open := func(b []byte) error {
		_, err := activityfile.ReadAll(b)
		return err
	}
	tests := []struct {
		name string
		data func() []byte
		want activityfile.Reason
	}{
		{"empty", func() []byte { return nil }, activityfile.ReasonTruncated},
		{"only header", func() []byte { return data[:8] }, activityfile.ReasonTruncated},
		{"footer cut", func() []byte { return data[:len(data)-100] }, activityfile.ReasonTruncated},
		{"half", func() []byte { return data[:len(data)/2] }, activityfile.ReasonTruncated},
		{"bad magic", func() []byte { b := clone(data); b[0] = 'X'; return b }, activityfile.ReasonBadMagic},
		{"footer length", func() []byte { b := clone(data); b[len(b)-6] ^= 0x40; return b }, activityfile.ReasonBadFooter},
		{"footer bytes", func() []byte {
			b := clone(data)
			for i := len(b) - 200; i < len(b)-100; i++ {
				b[i] = 0xff
			}
			return b
		}, activityfile.ReasonBadFooter},
		{"bit flip in page", func() []byte {
			b := clone(data)
			off, size := chunkOf(t, data, "raw")
			b[off+size/2] ^= 0x10
			return b
		}, activityfile.ReasonBadData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := open(tt.data())
			if !errors.Is(err, activityfile.ErrCorrupt) {
				t.Fatalf("got %v, want a corrupt file error", err)
			}
			if got := activityfile.ReasonOf(err); got != tt.want {
				t.Fatalf("reason %q, want %q (%v)", got, tt.want, err)
			}
			if got := scalefield.ErrorCode(err); got != scalefield.EINVALID {
				t.Fatalf("code %q, want %q", got, scalefield.EINVALID)
			}
		})
	}

	t.Run("checksum catches any flip", func(t *testing.T) {
		t.Parallel()
		for off := 0; off < len(data); off += len(data)/97 + 1 {
			b := clone(data)
			b[off] ^= 0x01
			err := activityfile.VerifyChecksum(bytes.NewReader(b), int64(len(b)), &m)
			if activityfile.ReasonOf(err) != activityfile.ReasonChecksumMismatch {
				t.Fatalf("flip at %d: got %v", off, err)
			}
		}
	})
	t.Run("checksum of a short file", func(t *testing.T) {
		t.Parallel()
		b := data[:len(data)-1]
		err := activityfile.VerifyChecksum(bytes.NewReader(b), int64(len(b)), &m)
		if activityfile.ReasonOf(err) != activityfile.ReasonTruncated {
			t.Fatalf("got %v", err)
		}
	})
}

func TestSchemaMismatch(t *testing.T) {
	t.Parallel()
	type otherRow struct {
		Time   int64  `parquet:"time,timestamp(microsecond:utc)"`
		Engine string `parquet:"engine,dict"`
		Extra  string `parquet:"extra"`
	}
	write := func(kv map[string]string) []byte {
		var buf bytes.Buffer
		var opts []parquet.WriterOption
		for k, v := range kv {
			opts = append(opts, parquet.KeyValueMetadata(k, v))
		}
		w := parquet.NewGenericWriter[otherRow](&buf, opts...)
		if _, err := w.Write([]otherRow{{Time: 1, Engine: "mysql", Extra: "x"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	writeRow := func(kv map[string]string) []byte {
		var buf bytes.Buffer
		var opts []parquet.WriterOption
		for k, v := range kv {
			opts = append(opts, parquet.KeyValueMetadata(k, v))
		}
		w := parquet.NewGenericWriter[activityfile.Row](&buf, opts...)
		if _, err := w.Write([]activityfile.Row{{Time: 1, Engine: "mysql"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"other columns", write(map[string]string{activityfile.MetaSchemaVersion: "1"})},
		{"no version", writeRow(nil)},
		{"newer version", writeRow(map[string]string{activityfile.MetaSchemaVersion: "2"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := activityfile.NewReader(bytes.NewReader(tt.data), int64(len(tt.data)))
			if got := activityfile.ReasonOf(err); got != activityfile.ReasonSchemaMismatch {
				t.Fatalf("reason %q (%v), want %q", got, err, activityfile.ReasonSchemaMismatch)
			}
		})
	}
}

type failingReaderAt struct{ err error }

func (f failingReaderAt) ReadAt([]byte, int64) (int, error) { return 0, f.err }

func TestStoreErrorIsNotCorruption(t *testing.T) {
	t.Parallel()
	outage := errors.New("connection reset by peer")
	_, err := activityfile.NewReader(failingReaderAt{outage}, 1<<20)
	if !errors.Is(err, outage) || errors.Is(err, activityfile.ErrCorrupt) {
		t.Fatalf("got %v, want the store's error and no corruption", err)
	}
}

func TestManifest(t *testing.T) {
	t.Parallel()
	_, m := MustWrite(t, sampleRows(10, 4), activityfile.WriterConfig{})

	t.Run("json round trip", func(t *testing.T) {
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := activityfile.ParseManifest(b)
		if err != nil {
			t.Fatal(err)
		}
		if got != m {
			t.Fatalf("got %+v\nwant %+v", got, m)
		}
		if activityfile.ManifestName(m.File) != "pg-orders-000001.parquet.manifest.json" {
			t.Fatal(activityfile.ManifestName(m.File))
		}
	})

	bad := []struct {
		name   string
		change func(*activityfile.Manifest)
	}{
		{"schema version", func(m *activityfile.Manifest) { m.SchemaVersion = 2 }},
		{"no file", func(m *activityfile.Manifest) { m.File = "" }},
		{"path in file", func(m *activityfile.Manifest) { m.File = "../x.parquet" }},
		{"not parquet", func(m *activityfile.Manifest) { m.File = "x.csv" }},
		{"negative rows", func(m *activityfile.Manifest) { m.Rows = -1 }},
		{"tiny", func(m *activityfile.Manifest) { m.Bytes = 4 }},
		{"sha256", func(m *activityfile.Manifest) { m.SHA256 = "abc" }},
		{"sha256 upper case", func(m *activityfile.Manifest) { m.SHA256 = strings.ToUpper(m.SHA256) }},
		{"no source", func(m *activityfile.Manifest) { m.Source = "" }},
		{"no created_at", func(m *activityfile.Manifest) { m.CreatedAt = time.Time{} }},
		{"no time range", func(m *activityfile.Manifest) { m.MinTime = time.Time{} }},
		{"reversed time range", func(m *activityfile.Manifest) { m.MinTime, m.MaxTime = m.MaxTime.Add(time.Second), m.MinTime }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := m
			tt.change(&c)
			if got := activityfile.ReasonOf(c.Validate()); got != activityfile.ReasonBadManifest {
				t.Fatalf("reason %q, want %q", got, activityfile.ReasonBadManifest)
			}
		})
	}
	t.Run("not json", func(t *testing.T) {
		_, err := activityfile.ParseManifest([]byte("{rows: 1"))
		if activityfile.ReasonOf(err) != activityfile.ReasonBadManifest {
			t.Fatalf("got %v", err)
		}
	})
}

func TestWriterConfigValidate(t *testing.T) {
	t.Parallel()
	for _, cfg := range []activityfile.WriterConfig{
		{Name: "x.parquet"},
		{Name: "x", Source: "s"},
		{Name: "a/x.parquet", Source: "s"},
		{Name: "x.parquet", Source: "s", RowGroupRows: -1},
	} {
		if _, err := activityfile.NewWriter(io.Discard, cfg); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%+v: got %v, want an invalid error", cfg, err)
		}
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// chunkOf returns the byte range of the first row group's chunk of column.
func chunkOf(t *testing.T, data []byte, column string) (int, int) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Metadata().RowGroups[0].Columns {
		if strings.Join(c.MetaData.PathInSchema, ".") == column {
			return int(c.MetaData.DataPageOffset), int(c.MetaData.TotalCompressedSize)
		}
	}
	t.Fatalf("no column %s", column)
	return 0, 0
}

func TestVerifiedReader(t *testing.T) {
	t.Parallel()
	rows := sampleRows(1000, 11)
	data, m := MustWrite(t, rows, activityfile.WriterConfig{RowGroupRows: 300})
	open := func(b []byte, m activityfile.Manifest) error {
		r, err := activityfile.NewVerifiedReader(bytes.NewReader(b), int64(len(b)), &m)
		if err != nil {
			return err
		}
		defer r.Close()
		batch := make([]scalefield.DBActivity, 256)
		for {
			if _, err := r.Next(batch); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
	if err := open(data, m); err != nil {
		t.Fatal(err)
	}
	flipped := clone(data)
	flipped[len(flipped)-300] ^= 0x80 // footer statistics: no CRC covers them
	if got := activityfile.ReasonOf(open(flipped, m)); got != activityfile.ReasonChecksumMismatch {
		t.Fatalf("flip: reason %q", got)
	}
	wrongRows := m
	wrongRows.Rows++
	if got := activityfile.ReasonOf(open(data, wrongRows)); got != activityfile.ReasonBadManifest {
		t.Fatalf("rows: reason %q", got)
	}
}

// A damaged footer must fail cleanly, without the reader asking for huge
// buffers (a wrong page offset makes a page header out of data bytes).
func TestDamagedFooterStaysSmall(t *testing.T) {
	data, _ := MustWrite(t, sampleRows(300, 9), activityfile.WriterConfig{RowGroupRows: 100})
	footer := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	var worst uint64
	for off := len(data) - 8 - footer; off < len(data)-8; off++ {
		for _, flip := range []byte{0x10, 0x80} {
			b := clone(data)
			b[off] ^= flip
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := activityfile.ReadAll(b)
			runtime.ReadMemStats(&after)
			if err != nil && !errors.Is(err, activityfile.ErrCorrupt) {
				t.Fatalf("flip %#x at %d: %v is not a corruption", flip, off, err)
			}
			worst = max(worst, after.TotalAlloc-before.TotalAlloc)
		}
	}
	if worst > 64<<20 {
		t.Fatalf("a damaged footer made the reader allocate %d MiB", worst>>20)
	}
}
