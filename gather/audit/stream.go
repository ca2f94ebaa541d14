package audit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxRecord bounds one record (a line, or a CSV record spanning lines), so
// that a file without line feeds cannot exhaust memory.
const maxRecord = 8 << 20

var bom = []byte("\xef\xbb\xbf")

// lineStream splits a stream into lines and knows where each one is.
type lineStream struct {
	br     *bufio.Reader
	src    Source
	format string
	off    int64 // absolute offset of the next unread byte
	line   int   // lines consumed
	buf    []byte
	done   bool
}

func newLineStream(r io.Reader, src Source, format string) *lineStream {
	return &lineStream{br: bufio.NewReaderSize(r, 64<<10), src: src, format: format, off: src.Offset}
}

// rawLine is one line: its text without the line end, and where it is.
type rawLine struct {
	text       []byte
	start, end int64
	line       int
}

// next returns the next non-blank line. The text is valid until the next
// call.
func (s *lineStream) next() (rawLine, error) {
	for {
		if s.done {
			return rawLine{}, io.EOF
		}
		start, lineNo := s.off, s.line+1
		b, err := s.br.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			s.buf = append(s.buf[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = s.br.ReadSlice('\n')
				if len(s.buf) <= maxRecord {
					s.buf = append(s.buf, b...)
				} else {
					tooLong = true
					s.off += int64(len(s.buf))
					s.buf = s.buf[:0]
					s.buf = append(s.buf, b...)
				}
			}
			b = s.buf
		}
		s.off += int64(len(b))
		s.line++
		if err != nil && !errors.Is(err, io.EOF) {
			return rawLine{}, fmt.Errorf("%s: read %s: %w", s.format, s.src.Path, err)
		}
		if err != nil {
			s.done = true
		}
		if tooLong {
			return rawLine{}, &RecordError{Format: s.format, Path: s.src.Path, Line: lineNo, Offset: start, End: s.off,
				Reason: fmt.Sprintf("line longer than %d bytes", maxRecord)}
		}
		if len(b) == 0 {
			return rawLine{}, io.EOF
		}
		text := trimEOL(b)
		if start == 0 {
			text = bytes.TrimPrefix(text, bom)
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if b[len(b)-1] != '\n' && s.src.Growing {
			return rawLine{}, &RecordError{Format: s.format, Path: s.src.Path, Line: lineNo, Offset: start, End: s.off,
				Reason: "last line has no line feed yet", Raw: string(text), Err: ErrPartial}
		}
		return rawLine{text: text, start: start, end: s.off, line: lineNo}, nil
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// recorder keeps the bytes a decoder reads, so that a record's original text
// can be cut out by offset, and can swap two bytes on the way (to let
// encoding/csv read a file quoted with another character).
type recorder struct {
	r       io.Reader
	buf     []byte
	base    int64 // offset (relative to the stream start) of buf[0]
	eof     bool
	err     error // the last read error other than io.EOF
	swapped bool
	a, b    byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	if r.swapped {
		for i, c := range p[:n] {
			if c == r.a {
				p[i] = r.b
			} else if c == r.b {
				p[i] = r.a
			}
		}
	}
	if errors.Is(err, io.EOF) {
		r.eof = true
	} else if err != nil {
		r.err = err
	}
	return n, err
}

// slice returns the bytes between two relative offsets, clamped to what was
// read.
func (r *recorder) slice(from, to int64) []byte {
	lo, hi := from-r.base, to-r.base
	lo = max(0, min(lo, int64(len(r.buf))))
	hi = max(lo, min(hi, int64(len(r.buf))))
	return r.buf[lo:hi]
}

// discard forgets the bytes before a relative offset.
func (r *recorder) discard(upto int64) {
	n := upto - r.base
	if n <= 0 {
		return
	}
	n = min(n, int64(len(r.buf)))
	if n > int64(cap(r.buf)/2) {
		r.buf = append(r.buf[:0], r.buf[n:]...)
	} else {
		r.buf = r.buf[n:]
	}
	r.base += n
}

// total is the number of bytes read so far.
func (r *recorder) total() int64 { return r.base + int64(len(r.buf)) }

// csvStream reads delimited records with encoding/csv and keeps each
// record's original text and position.
type csvStream struct {
	rec    *recorder
	cr     *csv.Reader
	src    Source
	format string
	prev   int64 // relative offset where the next record starts
	quote  byte
}

// csvRecord is one delimited record.
type csvRecord struct {
	fields     []string
	raw        string
	start, end int64
	line       int
}

func newCSVStream(r io.Reader, src Source, format string) *csvStream {
	rec := &recorder{r: r}
	s := &csvStream{rec: rec, src: src, format: format, quote: '"'}
	comma := ','
	if src.Delimiter != 0 {
		comma = rune(src.Delimiter)
	}
	if src.Quote != 0 && src.Quote != '"' {
		// encoding/csv only quotes with '"': swap the two bytes on the way
		// in and back in every field.
		rec.swapped, rec.a, rec.b = true, src.Quote, '"'
		s.quote = src.Quote
		if comma == rune(src.Quote) {
			comma = '"'
		}
	}
	s.cr = csv.NewReader(rec)
	s.cr.Comma = comma
	s.cr.FieldsPerRecord = -1
	s.cr.ReuseRecord = true
	if comma == '\n' || comma == '\r' || comma == '"' || comma == 0xFFFD {
		s.cr.Comma = ',' // Validate rejects these; keep the reader usable
	}
	return s
}

// next returns the next record or a *RecordError for a malformed one.
func (s *csvStream) next() (csvRecord, error) {
	for {
		fields, err := s.cr.Read()
		end := s.cr.InputOffset()
		raw := s.rec.slice(s.prev, end)
		start := s.prev
		s.prev = end
		if errors.Is(err, io.EOF) {
			return csvRecord{}, io.EOF
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return csvRecord{}, fmt.Errorf("%s: read %s: %w", s.format, s.src.Path, err)
		}
		text := string(trimEOL(raw))
		if start == 0 && s.src.Offset == 0 {
			text = strings.TrimPrefix(text, string(bom))
			if len(fields) > 0 {
				fields[0] = strings.TrimPrefix(fields[0], string(bom))
			}
		}
		cut := len(raw) == 0 || raw[len(raw)-1] != '\n'
		s.rec.discard(end)
		abs := func(o int64) int64 { return s.src.Offset + o }
		if pe != nil {
			re := &RecordError{Format: s.format, Path: s.src.Path, Line: pe.StartLine, Offset: abs(start), End: abs(end),
				Reason: csvReason(pe, s.quote), Raw: text}
			if cut && s.rec.eof && errors.Is(pe.Err, csv.ErrQuote) {
				re.Reason, re.Err = "quoted field not closed before the end of the input", ErrPartial
			}
			return csvRecord{}, re
		}
		line, _ := s.cr.FieldPos(0)
		if cut && s.src.Growing {
			return csvRecord{}, &RecordError{Format: s.format, Path: s.src.Path, Line: line, Offset: abs(start), End: abs(end),
				Reason: "last line has no line feed yet", Raw: text, Err: ErrPartial}
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // blank line
		}
		if s.rec.swapped {
			for i, f := range fields {
				fields[i] = swapBytes(f, s.rec.a, s.rec.b)
			}
		}
		return csvRecord{fields: fields, raw: text, start: abs(start), end: abs(end), line: line}, nil
	}
}

func csvReason(pe *csv.ParseError, quote byte) string {
	msg := pe.Err.Error()
	if quote != '"' {
		msg = strings.ReplaceAll(msg, `"`, string(quote))
	}
	return fmt.Sprintf("malformed delimited record: %s (line %d, column %d)", msg, pe.Line, pe.Column)
}

func swapBytes(s string, a, b byte) string {
	if strings.IndexByte(s, a) < 0 && strings.IndexByte(s, b) < 0 {
		return s
	}
	out := []byte(s)
	for i, c := range out {
		if c == a {
			out[i] = b
		} else if c == b {
			out[i] = a
		}
	}
	return string(out)
}

// header maps upper-cased, trimmed column names to their index.
type header map[string]int

func newHeader(fields []string) header {
	h := make(header, len(fields))
	for i, f := range fields {
		name := strings.ToUpper(strings.TrimSpace(strings.Trim(strings.TrimSpace(f), `"[]`)))
		if _, dup := h[name]; !dup && name != "" {
			h[name] = i
		}
	}
	return h
}

// get returns the named field of a record, or "".
func (h header) get(fields []string, name string) string {
	if i, ok := h[name]; ok && i < len(fields) {
		return fields[i]
	}
	return ""
}

// has reports whether any of the names is a column.
func (h header) has(names ...string) bool {
	for _, n := range names {
		if _, ok := h[n]; ok {
			return true
		}
	}
	return false
}

// readHeader reads the header of a delimited file with a header row: from
// Source.Header when the stream starts in the middle of the file, otherwise
// from the first record.
func readHeader(s *csvStream, given string) (header, error) {
	if given != "" {
		cr := csv.NewReader(strings.NewReader(given))
		cr.Comma = s.cr.Comma
		cr.FieldsPerRecord = -1
		f, err := cr.Read()
		if err != nil {
			return nil, &RecordError{Format: s.format, Path: s.src.Path, Line: 0, Offset: s.src.Offset, End: s.src.Offset,
				Reason: "malformed header given for the file: " + err.Error()}
		}
		return newHeader(f), nil
	}
	rec, err := s.next()
	if err != nil {
		return nil, err
	}
	return newHeader(rec.fields), nil
}
