package activityfile

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/scalefield/scalefield"
)

// Defaults of WriterConfig.
const (
	// DefaultRowGroupRows is sized for import: a row group of 64k rows of
	// ~1 KiB decodes into ~64 MiB at most, and is one CopyFrom batch.
	DefaultRowGroupRows = 64 * 1024
	// DefaultPageBufferSize is the uncompressed size at which a column's
	// page is cut.
	DefaultPageBufferSize = 1 << 20
	// DefaultDictionaryMaxBytes bounds a column's dictionary per row group;
	// beyond it the column falls back to plain encoding (for example
	// client addresses or sessions that turn out to be unique).
	DefaultDictionaryMaxBytes = 1 << 20
)

// maxRowGroupRows bounds WriterConfig.RowGroupRows, and what a Reader
// accepts.
const maxRowGroupRows = 1 << 22

// CompressionLevel is a zstd level.
type CompressionLevel = zstd.Level

// zstd levels for WriterConfig.Compression.
const (
	CompressionFastest = zstd.SpeedFastest
	CompressionDefault = zstd.SpeedDefault
	CompressionBetter  = zstd.SpeedBetterCompression
)

// WriterConfig configures a Writer. The zero value of a field means its
// default.
type WriterConfig struct {
	// Name is the file's base name, ending in .parquet. Required.
	Name string
	// Source names the collector writing the file. Required.
	Source string
	// Engine and Host name the database the rows come from; they go into
	// the manifest.
	Engine string
	Host   string
	// AgentID identifies the gather agent.
	AgentID string
	// RowGroupRows is the number of rows per row group (default
	// DefaultRowGroupRows).
	RowGroupRows int
	// Compression is the zstd level (default CompressionFastest: the write
	// side runs on the database host and must stay cheap).
	Compression CompressionLevel
	// Now returns the time for the manifest's created_at (default time.Now).
	Now func() time.Time
}

func (c *WriterConfig) withDefaults() WriterConfig {
	out := *c
	if out.RowGroupRows == 0 {
		out.RowGroupRows = DefaultRowGroupRows
	}
	if out.Compression == 0 {
		out.Compression = CompressionFastest
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	return out
}

// Validate reports a *scalefield.Error with code EINVALID for a bad config.
func (c *WriterConfig) Validate() error {
	switch {
	case c.Name == "" || !strings.HasSuffix(c.Name, FileExt) || strings.ContainsAny(c.Name, `/\`):
		return scalefield.Errorf(scalefield.EINVALID, "activity file name %q must be a base name ending in %s", c.Name, FileExt)
	case c.Source == "":
		return scalefield.Errorf(scalefield.EINVALID, "activity file source is required")
	case c.RowGroupRows < 0 || c.RowGroupRows > maxRowGroupRows:
		return scalefield.Errorf(scalefield.EINVALID, "row group rows %d out of range 1..%d", c.RowGroupRows, maxRowGroupRows)
	case c.Compression < 0 || c.Compression > zstd.SpeedBestCompression:
		return scalefield.Errorf(scalefield.EINVALID, "zstd level %d out of range", c.Compression)
	}
	return nil
}

// Writer writes database activity as one Parquet file and computes its
// Manifest while it writes: the sha256 and size of the bytes it emits, the
// row count, the time range and the first and last position. It is not safe
// for concurrent use.
type Writer struct {
	cfg WriterConfig
	out *countingHasher
	pw  *parquet.GenericWriter[Row]

	buf []Row // rows converted but not yet handed to pw

	rows         int64
	minT, maxT   int64
	first, last  string
	engine, host string
	closed       bool
	err          error
}

// unboundedColumns get no page min/max. Those of free text (long or unique
// values) serve no query; those of the per-row dictionary columns span
// nearly the whole dictionary in every page, so they prune nothing either,
// and computing them was a tenth of the writer's CPU. Time, engine, host and
// source keep theirs: a page's time range and a file's engine, host and
// source are what readers filter on.
var unboundedColumns = []string{"client_addr", "session", "statement", "object", "error", "raw", "position",
	"database", "user", "application", "action_class", "action", "object_type", "status"}

// rowBatch is how many rows the Writer converts before handing them to
// parquet-go in one call.
const rowBatch = 4096

// NewWriter returns a Writer writing to w, which is typically a file in the
// spool's temporary directory. Nothing is written to w before the first row
// group fills or Close is called.
func NewWriter(w io.Writer, cfg WriterConfig) (*Writer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	out := &countingHasher{w: w, h: sha256.New()}
	opts := []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: cfg.Compression}),
		parquet.MaxRowsPerRowGroup(int64(cfg.RowGroupRows)),
		parquet.PageBufferSize(DefaultPageBufferSize),
		parquet.DictionaryMaxBytes(DefaultDictionaryMaxBytes),
		parquet.CreatedBy("scalefield", "", ""),
		parquet.KeyValueMetadata(MetaSchemaVersion, strconv.Itoa(SchemaVersion)),
		parquet.KeyValueMetadata(MetaSource, cfg.Source),
	}
	for _, c := range unboundedColumns {
		opts = append(opts, parquet.SkipPageBounds(c), parquet.SkipPageStatistics(c))
	}
	pw := parquet.NewGenericWriter[Row](out, opts...)
	return &Writer{
		cfg: cfg, out: out, pw: pw,
		buf:  make([]Row, 0, rowBatch),
		minT: int64(^uint64(0) >> 1), maxT: -int64(^uint64(0)>>1) - 1,
		engine: cfg.Engine, host: cfg.Host,
	}, nil
}

// Write appends one row. Errors are sticky: after one, every later call
// returns it.
func (w *Writer) Write(a *scalefield.DBActivity) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("write activity: writer is closed")
	}
	w.buf = w.buf[:len(w.buf)+1]
	r := &w.buf[len(w.buf)-1]
	r.FromActivity(a)
	if r.Time < w.minT {
		w.minT = r.Time
	}
	if r.Time > w.maxT {
		w.maxT = r.Time
	}
	if w.rows == 0 {
		w.first = a.Position
		if w.engine == "" {
			w.engine = a.Engine
		}
		if w.host == "" {
			w.host = a.Host
		}
	}
	w.last = a.Position
	w.rows++
	if len(w.buf) == cap(w.buf) {
		return w.flushBuf()
	}
	return nil
}

// WriteBatch appends rows in order; see Write.
func (w *Writer) WriteBatch(rows []scalefield.DBActivity) error {
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) flushBuf() error {
	if len(w.buf) == 0 {
		return nil
	}
	if _, err := w.pw.Write(w.buf); err != nil {
		w.err = fmt.Errorf("write activity rows: %w", err)
		return w.err
	}
	clear(w.buf) // drop string references
	w.buf = w.buf[:0]
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Size returns an estimate of the file's size if it were closed now; a
// collector uses it to cut files at a target size.
func (w *Writer) Size() int64 { return w.pw.Size() + int64(len(w.buf))*256 }

// Close flushes the last row group and the footer and returns the file's
// manifest. It does not close the underlying io.Writer (the caller fsyncs
// and closes the file).
func (w *Writer) Close() (Manifest, error) {
	if w.err != nil {
		return Manifest{}, w.err
	}
	if w.closed {
		return Manifest{}, errors.New("close activity writer: already closed")
	}
	w.closed = true
	if err := w.flushBuf(); err != nil {
		return Manifest{}, err
	}
	if w.rows > 0 {
		w.pw.SetKeyValueMetadata(MetaFirstPosition, w.first)
		w.pw.SetKeyValueMetadata(MetaLastPosition, w.last)
	}
	if w.cfg.AgentID != "" {
		w.pw.SetKeyValueMetadata(MetaAgentID, w.cfg.AgentID)
	}
	if err := w.pw.Close(); err != nil {
		w.err = fmt.Errorf("close activity file: %w", err)
		return Manifest{}, w.err
	}
	if w.out.err != nil {
		w.err = fmt.Errorf("close activity file: %w", w.out.err)
		return Manifest{}, w.err
	}
	m := Manifest{
		SchemaVersion: SchemaVersion,
		File:          w.cfg.Name,
		Rows:          w.rows,
		Bytes:         w.out.n,
		SHA256:        sumHex(w.out.h.Sum(nil)),
		Source:        w.cfg.Source,
		Engine:        w.engine,
		Host:          w.host,
		FirstPosition: w.first,
		LastPosition:  w.last,
		CreatedAt:     w.cfg.Now().UTC(),
		AgentID:       w.cfg.AgentID,
	}
	if w.rows > 0 {
		m.MinTime = time.UnixMicro(w.minT).UTC()
		m.MaxTime = time.UnixMicro(w.maxT).UTC()
	}
	return m, nil
}

// countingHasher passes bytes through to w while hashing and counting them.
type countingHasher struct {
	w   io.Writer
	h   hash.Hash
	n   int64
	err error
}

func (c *countingHasher) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}
