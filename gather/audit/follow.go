package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scalefield/scalefield"
)

// FollowConfig configures a Follower.
type FollowConfig struct {
	// Dir is the directory the database writes its audit files to.
	Dir string
	// Pattern is a filepath.Match glob on file names in Dir, e.g. "*.csv".
	Pattern string
	// Format is a registered format name (see FormatNames).
	Format string
	// Source is the template of every file's Source: Name, Host, Location,
	// Delimiter and Quote are used; Path, Offset, Growing and Header are set
	// per file.
	Source Source
	// StateFile keeps the committed offsets; it is written atomically.
	StateFile string
	// Interval is the time between polls of Run. Default 1s.
	Interval time.Duration
	// Logger receives warnings. Default slog.Default().
	Logger *slog.Logger
}

// Validate fills defaults and rejects an unusable configuration with an
// EINVALID error.
func (c *FollowConfig) Validate() error {
	switch {
	case c.Dir == "":
		return scalefield.Errorf(scalefield.EINVALID, "follow: directory is required")
	case c.Pattern == "":
		return scalefield.Errorf(scalefield.EINVALID, "follow: file pattern is required")
	case c.StateFile == "":
		return scalefield.Errorf(scalefield.EINVALID, "follow: state file is required")
	case c.Interval < 0:
		return scalefield.Errorf(scalefield.EINVALID, "follow: interval %v is negative", c.Interval)
	}
	if _, err := filepath.Match(c.Pattern, ""); err != nil {
		return scalefield.Errorf(scalefield.EINVALID, "follow: pattern %q: %v", c.Pattern, err)
	}
	if _, err := LookupFormat(c.Format); err != nil {
		return err
	}
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return nil
}

// fileKey identifies a file across renames: device and inode.
type fileKey struct{ Dev, Ino uint64 }

// tracked is one file the follower reads.
type tracked struct {
	key       fileKey
	path      string
	f         *os.File
	read      int64 // offset just past the last record handed out
	committed int64 // offset just past the last record stored durably
	gone      bool  // its path no longer names it: rotated away or deleted
	mod       time.Time
}

// mark is a run of handed-out records of one file, not yet committed.
type mark struct {
	path       string
	key        fileKey
	start, end int64
}

// Follower reads the audit files of a directory as they grow: it follows
// renames and truncation (files are told apart by device and inode), waits
// for a cut-off last record to be completed, and keeps, per file, the
// offset up to which the caller has stored records. Records are handed out
// by Poll; Commit records that everything up to a position is stored, so a
// restart reads again whatever was not committed and never skips a record.
type Follower struct {
	cfg  FollowConfig
	info FormatInfo

	mu      sync.Mutex // guards files, pending and the state file
	files   map[fileKey]*tracked
	saved   map[fileKey]fileState // committed offsets of files not open yet
	pending []mark
}

// fileState is one file in the state file.
type fileState struct {
	Path   string `json:"path"`
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Offset int64  `json:"offset"`
}

type stateDoc struct {
	Version int         `json:"version"`
	Files   []fileState `json:"files"`
}

// NewFollower validates the configuration and loads the state file (a
// missing one means nothing was committed yet).
func NewFollower(cfg FollowConfig) (*Follower, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	info, _ := LookupFormat(cfg.Format)
	f := &Follower{cfg: cfg, info: info, files: map[fileKey]*tracked{}, saved: map[fileKey]fileState{}}
	b, err := os.ReadFile(cfg.StateFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("follow: read state: %w", err)
	default:
		var doc stateDoc
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, scalefield.Errorf(scalefield.EINVALID, "follow: state file %s is not valid: %v", cfg.StateFile, err)
		}
		for _, s := range doc.Files {
			f.saved[fileKey{s.Dev, s.Ino}] = s
		}
	}
	return f, nil
}

// Run polls every Interval until ctx is done, handing each record or
// record error to fn. It returns nil when ctx is cancelled, and the first
// error of fn or of reading otherwise.
func (f *Follower) Run(ctx context.Context, fn func(*scalefield.DBActivity, error) error) error {
	t := time.NewTicker(f.cfg.Interval)
	defer t.Stop()
	for {
		if err := f.Poll(ctx, fn); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll reads what was added to the matching files since the last poll and
// calls fn for each record, or with a *RecordError for a record that could
// not be parsed (its Position is where to commit once it is quarantined).
// It stops at the first error fn returns.
func (f *Follower) Poll(ctx context.Context, fn func(*scalefield.DBActivity, error) error) error {
	files, err := f.scan()
	if err != nil {
		return err
	}
	for _, t := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f.readFile(ctx, t, fn); err != nil {
			return err
		}
	}
	f.forget()
	return nil
}

// scan finds the matching files, opens new ones, and notices rotation and
// truncation. It returns the files to read, oldest first.
func (f *Follower) scan() ([]*tracked, error) {
	entries, err := os.ReadDir(f.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("follow: read directory: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[fileKey]bool{}
	for _, e := range entries {
		if ok, _ := filepath.Match(f.cfg.Pattern, e.Name()); !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(f.cfg.Dir, e.Name())
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue // vanished or not a file
		}
		key := fileID(path, fi)
		seen[key] = true
		if t, ok := f.files[key]; ok {
			t.path, t.gone = path, false
			continue
		}
		fh, err := os.Open(path)
		if err != nil {
			f.cfg.Logger.Warn("follow: cannot open audit file", "path", path, "err", err)
			continue
		}
		t := &tracked{key: key, path: path, f: fh}
		if s, ok := f.saved[key]; ok && s.Offset <= fi.Size() {
			t.read, t.committed = s.Offset, s.Offset
		}
		delete(f.saved, key)
		f.files[key] = t
	}
	f.findRenamed(entries, seen)
	var out []*tracked
	for key, t := range f.files {
		fi, err := t.f.Stat()
		if err != nil {
			return nil, fmt.Errorf("follow: stat %s: %w", t.path, err)
		}
		t.gone, t.mod = !seen[key], fi.ModTime()
		if fi.Size() < t.read { // truncated in place: start again
			f.cfg.Logger.Warn("follow: audit file was truncated, reading it from the start", "path", t.path, "size", fi.Size(), "offset", t.read)
			t.read, t.committed = 0, 0
			f.dropPending(key)
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].gone != out[j].gone {
			return out[i].gone // rotated files are older
		}
		if !out[i].mod.Equal(out[j].mod) {
			return out[i].mod.Before(out[j].mod)
		}
		return out[i].path < out[j].path
	})
	return out, nil
}

// findRenamed gives files that no longer match the pattern the name they
// were renamed to, if they are still in the directory, so that positions
// name the file they are in.
func (f *Follower) findRenamed(entries []os.DirEntry, seen map[fileKey]bool) {
	lost := 0
	for key := range f.files {
		if !seen[key] {
			lost++
		}
	}
	if lost == 0 {
		return
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		path := filepath.Join(f.cfg.Dir, e.Name())
		if t, ok := f.files[fileID(path, fi)]; ok && !seen[t.key] {
			t.path = path
		}
	}
}

// readFile hands out the records of t after t.read.
func (f *Follower) readFile(ctx context.Context, t *tracked, fn func(*scalefield.DBActivity, error) error) error {
	fi, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("follow: stat %s: %w", t.path, err)
	}
	size := fi.Size()
	if size <= t.read {
		return nil
	}
	src := f.cfg.Source
	src.Path, src.Growing, src.Offset = t.path, !t.gone, t.read
	from := t.read
	if f.info.Document {
		src.Offset, from = 0, 0
	} else if f.info.Header && t.read > 0 {
		h, err := firstLine(t.f)
		if err != nil {
			return fmt.Errorf("follow: read header of %s: %w", t.path, err)
		}
		src.Header = h
	}
	r := f.info.New(io.NewSectionReader(t.f, from, size-from), src)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var re *RecordError
		var end int64
		switch {
		case err == nil:
			_, end = splitPosition(a.Position)
		case errors.As(err, &re):
			if errors.Is(err, ErrPartial) && src.Growing {
				return nil // read it again when it is complete
			}
			end = re.End
		default:
			return err
		}
		if end <= t.read {
			continue // a document read again from the start
		}
		f.handOut(t, end)
		if err := fn(a, err); err != nil {
			return err
		}
	}
}

// handOut records that the records of t up to end were handed out.
func (f *Follower) handOut(t *tracked, end int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.pending); n > 0 && f.pending[n-1].key == t.key && f.pending[n-1].path == t.path && f.pending[n-1].end == t.read {
		f.pending[n-1].end = end
	} else {
		f.pending = append(f.pending, mark{path: t.path, key: t.key, start: t.read, end: end})
	}
	t.read = end
}

func (f *Follower) dropPending(key fileKey) {
	kept := f.pending[:0]
	for _, m := range f.pending {
		if m.key != key {
			kept = append(kept, m)
		}
	}
	f.pending = kept
}

// forget closes rotated files that were read and committed to the end.
func (f *Follower) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for key, t := range f.files {
		if !t.gone {
			continue
		}
		fi, err := t.f.Stat()
		if err == nil && t.read >= fi.Size() && t.committed >= t.read {
			t.f.Close()
			delete(f.files, key)
		}
	}
}

// Commit records that every record handed out up to and including the one
// at position ("path:offset", a DBActivity.Position or RecordError.Position)
// is stored durably, and writes the state file. A position that was not
// handed out, or was committed already, is an EINVALID error. When two
// uncommitted records share a position (a file rotated and its successor
// created under the same name), the earlier one is committed first.
func (f *Follower) Commit(position string) error {
	path, off := splitPosition(position)
	if off < 0 {
		return scalefield.Errorf(scalefield.EINVALID, "follow: position %q is not path:offset", position)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := -1
	for j, m := range f.pending {
		if m.path == path && m.start < off && off <= m.end {
			i = j
			break
		}
	}
	if i < 0 {
		return scalefield.Errorf(scalefield.EINVALID, "follow: position %q was not handed out or is committed already", position)
	}
	for _, m := range f.pending[:i] {
		if t, ok := f.files[m.key]; ok {
			t.committed = max(t.committed, m.end)
		}
	}
	if t, ok := f.files[f.pending[i].key]; ok {
		t.committed = max(t.committed, off)
	}
	f.pending[i].start = off
	if off == f.pending[i].end {
		i++
	}
	f.pending = append(f.pending[:0], f.pending[i:]...)
	return f.save()
}

// save writes the state file atomically: a temporary file, fsync, rename,
// fsync of the directory.
func (f *Follower) save() error {
	doc := stateDoc{Version: 1}
	for _, t := range f.files {
		doc.Files = append(doc.Files, fileState{Path: t.path, Dev: t.key.Dev, Ino: t.key.Ino, Offset: t.committed})
	}
	for _, s := range f.saved {
		doc.Files = append(doc.Files, s)
	}
	sort.Slice(doc.Files, func(i, j int) bool { return doc.Files[i].Path < doc.Files[j].Path })
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(f.cfg.StateFile, b)
}

func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("follow: write state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("follow: write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("follow: sync state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("follow: write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("follow: replace state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Close closes the files the follower holds open.
func (f *Follower) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for key, t := range f.files {
		t.f.Close()
		delete(f.files, key)
	}
	return nil
}

// splitPosition splits "path:offset"; the offset is -1 when there is none.
func splitPosition(p string) (string, int64) {
	i := strings.LastIndexByte(p, ':')
	if i < 0 {
		return p, -1
	}
	n, err := strconv.ParseInt(p[i+1:], 10, 64)
	if err != nil || n < 0 {
		return p, -1
	}
	return p[:i], n
}

// firstLine reads the first line of a file (its header row).
func firstLine(f *os.File) (string, error) {
	br := bufio.NewReader(io.NewSectionReader(f, 0, maxRecord))
	line, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(strings.TrimPrefix(line, string(bom)), "\r\n"), nil
}
