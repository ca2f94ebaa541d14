// Package spool is the gather agent's local on-disk buffer of finished
// activity files (Parquet + manifest) waiting for upload. While the blob
// store or the engine is down, files pile up here, up to a configured size,
// and are uploaded oldest first when it is back.
//
// # When the spool is full
//
// Enqueue returns ErrSpoolFull and leaves the file where it is; it never
// drops data, neither the new file nor the oldest. The collector keeps the
// file, stops reading its source and waits (WaitForSpace) before enqueuing
// it again. Its resume point (replication slot LSN, audit log offset)
// never advances before Enqueue succeeds (the gather agent advances it even
// later, once the file is in the blob store), so the source itself holds
// what the spool cannot: PostgreSQL keeps the WAL for the slot, audit logs stay on disk. We
// chose this over dropping the oldest files because an audit trail with
// silent holes is worse than a late one; the cost is that the source's
// retention grows while the store is down, which the agent reports in its
// health so an operator can act before the database's disk fills.
//
// # State on disk
//
// The state is the files in the directory, nothing else:
//
//	<dir>/tmp/                               files being written (CreateTemp)
//	<dir>/<seq>_<name>.parquet               a queued file
//	<dir>/<seq>_<name>.parquet.manifest.json its manifest, written last
//	<dir>/quarantine/                        pairs whose manifest is unreadable
//
// seq is a 16-digit hex counter that orders the queue. Enqueue fsyncs the
// file, renames it into place, writes the manifest through a temporary file,
// fsyncs and renames it, and fsyncs the directory, so a pair is queued
// exactly when its manifest exists. Open rebuilds the queue from the
// directory: it empties tmp/, deletes a Parquet file without a manifest (an
// interrupted Enqueue, whose caller did not advance its resume point, or an
// interrupted removal after upload) and a manifest without its file, and
// moves pairs with a bad manifest to quarantine/.
package spool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// ErrSpoolFull is returned (wrapped) by Enqueue when the file does not fit
// in the spool's free space. Its code is EUNAVAILABLE: retry after the
// spool drains.
var ErrSpoolFull = &scalefield.Error{Code: scalefield.EUNAVAILABLE, Message: "gather spool is full"}

// ErrDraining is returned by Drain while another Drain runs.
var ErrDraining = errors.New("spool: another drain is running")

// Config configures a Spool.
type Config struct {
	// Dir is the spool's directory; it is created if missing. Files handed
	// to Enqueue should be written under TempDir so the move is a rename.
	Dir string
	// MaxBytes bounds the bytes of queued files and manifests. Required.
	MaxBytes int64
}

// Validate reports a *scalefield.Error with code EINVALID for a bad config.
func (c *Config) Validate() error {
	switch {
	case c.Dir == "":
		return scalefield.Errorf(scalefield.EINVALID, "spool directory is required")
	case c.MaxBytes <= 0:
		return scalefield.Errorf(scalefield.EINVALID, "spool max bytes must be positive, got %d", c.MaxBytes)
	}
	return nil
}

// Item is one queued file.
type Item struct {
	// Seq orders the queue: lower is older.
	Seq uint64
	// Path is the Parquet file, ManifestPath its manifest.
	Path         string
	ManifestPath string
	Manifest     activityfile.Manifest
	// Bytes is what the pair counts against MaxBytes.
	Bytes int64
}

// Spool is a directory of activity files waiting for upload. It is safe for
// concurrent use: collectors enqueue while one uploader drains.
type Spool struct {
	dir string
	max int64

	mu       sync.Mutex
	items    []Item // by Seq
	used     int64
	nextSeq  uint64
	draining bool
	freed    chan struct{} // closed and replaced whenever space frees
}

const (
	tmpDir        = "tmp"
	quarantineDir = "quarantine"
)

// Open opens (or creates) the spool in cfg.Dir and rebuilds its queue from
// the files there. The spool may start over its maximum (after MaxBytes was
// lowered); Enqueue then fails until it drains.
func Open(cfg Config) (*Spool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Spool{dir: cfg.Dir, max: cfg.MaxBytes, nextSeq: 1, freed: make(chan struct{})}
	if err := os.RemoveAll(filepath.Join(cfg.Dir, tmpDir)); err != nil {
		return nil, fmt.Errorf("open spool: clear tmp: %w", err)
	}
	for _, d := range []string{cfg.Dir, filepath.Join(cfg.Dir, tmpDir), filepath.Join(cfg.Dir, quarantineDir)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("open spool: %w", err)
		}
	}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	return s, nil
}

// load rebuilds the queue from the directory.
func (s *Spool) load() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	parquets := map[string]bool{}
	manifests := map[string]bool{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		name := e.Name()
		switch {
		case strings.HasSuffix(name, activityfile.FileExt+activityfile.ManifestExt):
			manifests[strings.TrimSuffix(name, activityfile.ManifestExt)] = true
		case strings.HasSuffix(name, activityfile.FileExt):
			parquets[name] = true
		}
	}
	for name := range parquets {
		if !manifests[name] {
			if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
				return fmt.Errorf("remove incomplete %s: %w", name, err)
			}
		}
	}
	for name := range manifests {
		if !parquets[name] {
			if err := os.Remove(filepath.Join(s.dir, activityfile.ManifestName(name))); err != nil {
				return fmt.Errorf("remove stale manifest of %s: %w", name, err)
			}
			continue
		}
		it, err := s.loadItem(name)
		if err != nil {
			if qerr := s.quarantine(name); qerr != nil {
				return qerr
			}
			continue
		}
		s.items = append(s.items, it)
		s.used += it.Bytes
		s.nextSeq = max(s.nextSeq, it.Seq+1)
	}
	slices.SortFunc(s.items, func(a, b Item) int { return cmpSeq(a.Seq, b.Seq) })
	return syncDir(s.dir)
}

func cmpSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Spool) loadItem(name string) (Item, error) {
	seqText, _, ok := strings.Cut(name, "_")
	if !ok || len(seqText) != 16 {
		return Item{}, fmt.Errorf("%s: no sequence number", name)
	}
	seq, err := strconv.ParseUint(seqText, 16, 64)
	if err != nil {
		return Item{}, fmt.Errorf("%s: %w", name, err)
	}
	path := filepath.Join(s.dir, name)
	mpath := filepath.Join(s.dir, activityfile.ManifestName(name))
	data, err := os.ReadFile(mpath)
	if err != nil {
		return Item{}, err
	}
	m, err := activityfile.ParseManifest(data)
	if err != nil {
		return Item{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return Item{}, err
	}
	if st.Size() != m.Bytes {
		return Item{}, fmt.Errorf("%s has %d bytes, its manifest says %d", name, st.Size(), m.Bytes)
	}
	return Item{Seq: seq, Path: path, ManifestPath: mpath, Manifest: m, Bytes: st.Size() + int64(len(data))}, nil
}

func (s *Spool) quarantine(name string) error {
	for _, n := range []string{name, activityfile.ManifestName(name)} {
		if err := os.Rename(filepath.Join(s.dir, n), filepath.Join(s.dir, quarantineDir, n)); err != nil {
			return fmt.Errorf("quarantine %s: %w", n, err)
		}
	}
	return nil
}

// TempDir is where collectors write files before Enqueue, on the spool's
// file system so that Enqueue moves them with a rename. It is emptied by
// Open.
func (s *Spool) TempDir() string { return filepath.Join(s.dir, tmpDir) }

// CreateTemp creates a new file in TempDir for a collector to write an
// activity file into; pattern is as for os.CreateTemp.
func (s *Spool) CreateTemp(pattern string) (*os.File, error) {
	f, err := os.CreateTemp(s.TempDir(), pattern)
	if err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	return f, nil
}

// Enqueue moves the finished activity file at path, described by m, into
// the queue, durably: when it returns nil the pair survives a crash, so a
// caller may advance its resume point to m.LastPosition (the gather agent
// waits until the pair is uploaded). When the pair does
// not fit it returns an error wrapping ErrSpoolFull and leaves path alone.
// A file larger than MaxBytes on its own, or a manifest that does not match
// the file, is EINVALID.
func (s *Spool) Enqueue(path string, m activityfile.Manifest) (Item, error) {
	data, err := m.Marshal()
	if err != nil {
		return Item{}, fmt.Errorf("enqueue %s: %w", m.File, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return Item{}, fmt.Errorf("enqueue %s: %w", m.File, err)
	}
	if st.Size() != m.Bytes {
		return Item{}, scalefield.Errorf(scalefield.EINVALID, "enqueue %s: file has %d bytes, manifest says %d", m.File, st.Size(), m.Bytes)
	}
	need := st.Size() + int64(len(data))
	if need > s.max {
		return Item{}, scalefield.Errorf(scalefield.EINVALID, "enqueue %s: %d bytes exceed the spool's maximum of %d", m.File, need, s.max)
	}

	s.mu.Lock()
	if s.used+need > s.max {
		used := s.used
		s.mu.Unlock()
		return Item{}, fmt.Errorf("enqueue %s: %w (%d of %d bytes used, %d needed)", m.File, ErrSpoolFull, used, s.max, need)
	}
	s.used += need // reserved; released if the move fails
	seq := s.nextSeq
	s.nextSeq++
	s.mu.Unlock()

	name := fmt.Sprintf("%016x_%s", seq, m.File)
	it := Item{
		Seq: seq, Path: filepath.Join(s.dir, name), ManifestPath: filepath.Join(s.dir, activityfile.ManifestName(name)),
		Manifest: m, Bytes: need,
	}
	if err := s.place(path, it, data); err != nil {
		_ = os.Remove(it.ManifestPath)
		if _, serr := os.Stat(path); errors.Is(serr, os.ErrNotExist) {
			// Hand the file back so the caller can retry.
			_ = os.Rename(it.Path, path)
		}
		_ = os.Remove(it.Path)
		s.mu.Lock()
		s.used -= need
		s.mu.Unlock()
		return Item{}, fmt.Errorf("enqueue %s: %w", m.File, err)
	}

	s.mu.Lock()
	s.items = append(s.items, it)
	slices.SortFunc(s.items, func(a, b Item) int { return cmpSeq(a.Seq, b.Seq) })
	s.mu.Unlock()
	return it, nil
}

// place fsyncs the file, moves it to it.Path and writes its manifest.
func (s *Spool) place(src string, it Item, manifest []byte) error {
	if err := syncFile(src); err != nil {
		return err
	}
	if err := os.Rename(src, it.Path); err != nil {
		// Another file system: copy, then remove the source once the copy
		// is durable.
		if err := copyFile(src, it.Path); err != nil {
			_ = os.Remove(it.Path)
			return err
		}
		defer os.Remove(src)
	}
	tmp, err := os.CreateTemp(s.TempDir(), "manifest-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(manifest); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), it.ManifestPath); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// Uploader uploads one item; an error leaves the item queued.
type Uploader func(ctx context.Context, it Item) error

// DrainResult counts what one Drain did.
type DrainResult struct {
	Uploaded  int
	Bytes     int64
	Remaining int
}

// Drain uploads queued items oldest first, removing each after its upload
// succeeds, until the queue is empty, ctx ends or an upload fails. It stops
// at the first failure (the store is most likely down; later items would
// fail too, and the order is kept) and returns the error; call it again
// later to retry. Only one Drain runs at a time (ErrDraining).
func (s *Spool) Drain(ctx context.Context, upload Uploader) (DrainResult, error) {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		return DrainResult{}, ErrDraining
	}
	s.draining = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.draining = false
		s.mu.Unlock()
	}()

	var res DrainResult
	for {
		s.mu.Lock()
		if len(s.items) == 0 {
			s.mu.Unlock()
			return res, nil
		}
		it := s.items[0]
		res.Remaining = len(s.items)
		s.mu.Unlock()

		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := upload(ctx, it); err != nil {
			return res, fmt.Errorf("upload %s: %w", it.Manifest.File, err)
		}
		if err := s.remove(it); err != nil {
			return res, err
		}
		res.Uploaded++
		res.Bytes += it.Bytes
		res.Remaining--
	}
}

// remove deletes an uploaded item: manifest first, so a crash in between
// leaves a bare Parquet file that Open deletes.
func (s *Spool) remove(it Item) error {
	if err := os.Remove(it.ManifestPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove uploaded %s: %w", it.Manifest.File, err)
	}
	if err := os.Remove(it.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove uploaded %s: %w", it.Manifest.File, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = slices.DeleteFunc(s.items, func(x Item) bool { return x.Seq == it.Seq })
	s.used -= it.Bytes
	close(s.freed)
	s.freed = make(chan struct{})
	return nil
}

// WaitForSpace blocks until need bytes fit in the spool or ctx ends. A
// collector that got ErrSpoolFull calls it before enqueuing again.
func (s *Spool) WaitForSpace(ctx context.Context, need int64) error {
	if need > s.max {
		return scalefield.Errorf(scalefield.EINVALID, "%d bytes exceed the spool's maximum of %d", need, s.max)
	}
	for {
		s.mu.Lock()
		ok, freed := s.used+need <= s.max, s.freed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-freed:
		}
	}
}

// Items returns the queued items, oldest first.
func (s *Spool) Items() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.items)
}

// Stats is the spool's fill level, for the agent's health report.
type Stats struct {
	Items    int
	Bytes    int64
	MaxBytes int64
}

// Stats returns the spool's fill level.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Items: len(s.items), Bytes: s.used, MaxBytes: s.max}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
