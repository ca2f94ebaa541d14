package activityfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/parquet-go/parquet-go"

	"github.com/scalefield/scalefield"
)

// FileInfo is what an activity file says about itself in its footer.
type FileInfo struct {
	SchemaVersion int
	Rows          int64
	RowGroups     int
	Source        string
	AgentID       string
	FirstPosition string
	LastPosition  string
	CreatedBy     string
}

// Reader streams the rows of one activity file in batches. It checks the
// framing, footer, schema and schema version when it opens the file, and every
// page's CRC as it reads; failures are *CorruptError. Errors of the
// underlying io.ReaderAt are returned as they are (wrapped), so an outage of
// the store is not mistaken for a corrupt file. It is not safe for
// concurrent use.
type Reader struct {
	ra        *trackingReaderAt
	file      *parquet.File
	info      FileInfo
	rowGroups []parquet.RowGroup
	cols      []column
	rg        int   // next row group to open
	left      int64 // rows left in the open row group
	read      int64
	err       error
}

// NewReader opens the activity file of size bytes readable through r.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	ra := &trackingReaderAt{r: r}
	err := checkFraming(ra, size)
	if err != nil {
		return nil, err
	}
	var f *parquet.File
	if perr := catch(func() {
		f, err = parquet.OpenFile(ra, size,
			parquet.SkipPageIndex(true),
			parquet.SkipBloomFilters(true),
			parquet.ReadBufferSize(1<<20),
		)
	}); perr != nil {
		err = perr
	}
	if err != nil {
		if ioErr := ra.failure(); ioErr != nil {
			return nil, fmt.Errorf("open activity file: %w", ioErr)
		}
		return nil, corrupt(ReasonBadFooter, err, "decode footer")
	}
	var info FileInfo
	if perr := catch(func() { info, err = checkSchema(f) }); perr != nil {
		return nil, corrupt(ReasonSchemaMismatch, perr, "compare schema")
	}
	if err != nil {
		return nil, err
	}
	if err := checkChunks(f, size); err != nil {
		return nil, err
	}
	cols, err := newColumns(f.Schema())
	if err != nil {
		return nil, corrupt(ReasonSchemaMismatch, err, "map columns")
	}
	return &Reader{ra: ra, file: f, info: info, rowGroups: f.RowGroups(), cols: cols}, nil
}

// Info returns what the file's footer says about it.
func (r *Reader) Info() FileInfo { return r.info }

// Next reads up to len(batch) rows into batch and returns how many it read.
// At the end of the file it returns 0, io.EOF. Every field of batch[:n] is
// overwritten. The strings of one call share memory with the others decoded
// from the same page, so keeping one string keeps its page's bytes alive;
// callers that retain rows long-term should copy them.
func (r *Reader) Next(batch []scalefield.DBActivity) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(batch) == 0 {
		return 0, nil
	}
	for r.left == 0 {
		if r.rg == len(r.rowGroups) {
			if r.read != r.info.Rows {
				r.err = corrupt(ReasonTruncated, nil, "read %d of %d rows", r.read, r.info.Rows)
			} else {
				r.err = io.EOF
			}
			r.closeColumns()
			return 0, r.err
		}
		rg := r.rowGroups[r.rg]
		for i := range r.cols {
			r.cols[i].open(rg)
		}
		r.left = rg.NumRows()
		r.rg++
	}
	dst := batch[:min(int64(len(batch)), r.left)]
	for i := range r.cols {
		var err error
		if perr := catch(func() { err = r.cols[i].fill(dst) }); perr != nil {
			err = perr
		}
		if err != nil {
			r.closeColumns()
			if ioErr := r.ra.failure(); ioErr != nil {
				r.err = fmt.Errorf("read activity file: %w", ioErr)
			} else if errors.Is(err, io.ErrUnexpectedEOF) {
				r.err = corrupt(ReasonTruncated, err, "row group %d ends early", r.rg-1)
			} else {
				r.err = corrupt(ReasonBadData, err, "row group %d", r.rg-1)
			}
			return 0, r.err
		}
	}
	r.left -= int64(len(dst))
	r.read += int64(len(dst))
	if r.left == 0 {
		for i := range r.cols {
			if c := &r.cols[i]; c.pos != c.n {
				r.err = corrupt(ReasonBadData, nil, "column %s has %d values beyond row group %d", c.name, c.n-c.pos, r.rg-1)
				r.closeColumns()
				return 0, r.err
			}
		}
	}
	return len(dst), nil
}

func (r *Reader) closeColumns() {
	for i := range r.cols {
		r.cols[i].close()
	}
}

// Close releases the reader's buffers. It does not close the io.ReaderAt.
func (r *Reader) Close() error {
	r.closeColumns()
	if r.err == nil {
		r.err = errors.New("activity reader is closed")
	}
	return nil
}

// checkFraming checks the magic bytes at both ends and the footer length
// before parquet-go sees the file, so that the reason is precise.
func checkFraming(ra *trackingReaderAt, size int64) error {
	if size < minFileSize {
		return corrupt(ReasonTruncated, nil, "%d bytes is shorter than any Parquet file", size)
	}
	var head [4]byte
	if _, err := ra.ReadAt(head[:], 0); err != nil {
		return readErr(ra, err, "read header")
	}
	if string(head[:]) != "PAR1" {
		return corrupt(ReasonBadMagic, nil, "header magic %q", head[:])
	}
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return readErr(ra, err, "read trailer")
	}
	if string(tail[4:]) != "PAR1" {
		// A file cut short loses its footer first; anything else at the end
		// of a file that starts right is most likely that.
		return corrupt(ReasonTruncated, nil, "trailer magic %q: footer missing", tail[4:])
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-minFileSize || n == 0 {
		return corrupt(ReasonBadFooter, nil, "footer length %d does not fit in %d bytes", n, size)
	}
	return nil
}

func readErr(ra *trackingReaderAt, err error, what string) error {
	if ioErr := ra.failure(); ioErr != nil {
		return fmt.Errorf("%s: %w", what, ioErr)
	}
	return corrupt(ReasonTruncated, err, "%s", what)
}

// checkSchema checks the file's schema and schema version and collects its
// key/value metadata.
func checkSchema(f *parquet.File) (FileInfo, error) {
	md := f.Metadata()
	info := FileInfo{Rows: f.NumRows(), RowGroups: len(f.RowGroups()), CreatedBy: md.CreatedBy}
	version, ok := f.Lookup(MetaSchemaVersion)
	if !ok {
		return info, corrupt(ReasonSchemaMismatch, nil, "no %s in metadata: not an activity file", MetaSchemaVersion)
	}
	v, err := strconv.Atoi(version)
	if err != nil || v != SchemaVersion {
		return info, corrupt(ReasonSchemaMismatch, err, "schema version %q, this build reads %d", version, SchemaVersion)
	}
	info.SchemaVersion = v
	if !parquet.EqualNodes(f.Schema(), schema) {
		return info, corrupt(ReasonSchemaMismatch, nil, "columns differ from schema version %d: %s", SchemaVersion, f.Schema())
	}
	info.Source, _ = f.Lookup(MetaSource)
	info.AgentID, _ = f.Lookup(MetaAgentID)
	info.FirstPosition, _ = f.Lookup(MetaFirstPosition)
	info.LastPosition, _ = f.Lookup(MetaLastPosition)
	var sum int64
	for _, rg := range md.RowGroups {
		if rg.NumRows < 0 {
			return info, corrupt(ReasonBadFooter, nil, "row group with %d rows", rg.NumRows)
		}
		sum += rg.NumRows
	}
	if sum != md.NumRows {
		return info, corrupt(ReasonBadFooter, nil, "row groups hold %d rows, footer says %d", sum, md.NumRows)
	}
	return info, nil
}

// maxChunkBytes bounds a column chunk's uncompressed size.
const maxChunkBytes = 1 << 30

// checkChunks checks the footer's layout before any page is read: row
// groups of a sane size, every column with one value per row, and column
// chunks that tile the file in order without gaps or overlaps, as the Writer
// lays them out. A damaged offset would otherwise make parquet-go parse
// data bytes as a page header, and a garbage page size can ask for
// gigabytes.
func checkChunks(f *parquet.File, size int64) error {
	next := int64(4) // after the header magic
	for i, rg := range f.Metadata().RowGroups {
		if rg.NumRows > maxRowGroupRows {
			return corrupt(ReasonBadFooter, nil, "row group %d has %d rows, over %d", i, rg.NumRows, maxRowGroupRows)
		}
		for j, c := range rg.Columns {
			md := &c.MetaData
			start := md.DataPageOffset
			if md.DictionaryPageOffset > 0 {
				start = md.DictionaryPageOffset
			}
			switch {
			case md.NumValues != rg.NumRows:
				return corrupt(ReasonBadFooter, nil, "row group %d column %d has %d values for %d rows", i, j, md.NumValues, rg.NumRows)
			case start != next || md.TotalCompressedSize <= 0 || start+md.TotalCompressedSize > size-8:
				return corrupt(ReasonBadFooter, nil, "row group %d column %d spans bytes %d..%d, expected to start at %d in %d bytes",
					i, j, start, start+md.TotalCompressedSize, next, size)
			case md.TotalUncompressedSize < 0 || md.TotalUncompressedSize > maxChunkBytes:
				return corrupt(ReasonBadFooter, nil, "row group %d column %d claims %d bytes uncompressed", i, j, md.TotalUncompressedSize)
			}
			next = start + md.TotalCompressedSize
		}
	}
	return nil
}

// catch turns a panic in parquet-go (which some malformed inputs cause) into
// an error.
func catch(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parquet: %v", p)
		}
	}()
	f()
	return nil
}

// trackingReaderAt remembers the first error of the underlying ReaderAt
// other than io.EOF, to tell store failures from corrupt bytes.
type trackingReaderAt struct {
	r   io.ReaderAt
	mu  sync.Mutex
	err error
}

func (t *trackingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := t.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		t.mu.Lock()
		if t.err == nil {
			t.err = err
		}
		t.mu.Unlock()
	}
	return n, err
}

func (t *trackingReaderAt) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// VerifyChecksum reads the size bytes of r and checks them against the
// manifest's size and sha256. A mismatch is a *CorruptError with
// ReasonTruncated (size) or ReasonChecksumMismatch; a read error is returned
// wrapped.
func VerifyChecksum(r io.ReaderAt, size int64, m *Manifest) error {
	if size != m.Bytes {
		return corrupt(ReasonTruncated, nil, "file has %d bytes, manifest says %d", size, m.Bytes)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return fmt.Errorf("verify checksum: %w", err)
	}
	if got := sumHex(h.Sum(nil)); got != m.SHA256 {
		return corrupt(ReasonChecksumMismatch, nil, "sha256 %s, manifest says %s", got, m.SHA256)
	}
	return nil
}

// NewVerifiedReader checks the file against its manifest (size and sha256,
// one sequential pass) and then opens it; it also checks that the footer's
// row count is the manifest's. This is how the import stage should open a
// file: NewReader alone checks page CRCs and the footer's layout, but not
// every byte (page header and footer statistics are not covered by a CRC).
func NewVerifiedReader(r io.ReaderAt, size int64, m *Manifest) (*Reader, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := VerifyChecksum(r, size, m); err != nil {
		return nil, err
	}
	rd, err := NewReader(r, size)
	if err != nil {
		return nil, err
	}
	if rd.info.Rows != m.Rows {
		rd.Close()
		return nil, corrupt(ReasonBadManifest, nil, "file holds %d rows, manifest says %d", rd.info.Rows, m.Rows)
	}
	return rd, nil
}

// ReadAll reads every row of an activity file held in memory. It is meant
// for tests and small files.
func ReadAll(data []byte) ([]scalefield.DBActivity, error) {
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []scalefield.DBActivity
	batch := make([]scalefield.DBActivity, 1024)
	for {
		n, err := r.Next(batch)
		out = append(out, batch[:n]...)
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, err
		}
	}
}
