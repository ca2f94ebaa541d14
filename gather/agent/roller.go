package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/spool"
)

// roller writes one collector's records into activity files, finishing a
// file at MaxRows rows or MaxAge after it was opened and moving it into the
// spool. When the spool is full, finishing waits for space while holding
// the roller, so the collector feeding it stops reading: nothing is
// dropped.
type roller struct {
	name    string // collector name: the files' source and name prefix
	engine  string
	host    string
	nodeID  string
	maxRows int64
	maxAge  time.Duration
	now     func() time.Time
	spool   *spool.Spool
	// enqueued is called after a file enters the spool.
	enqueued func()
	// paused is called with true while waiting for spool space, false after.
	paused func(bool)

	mu     sync.Mutex
	f      *os.File
	w      *activityfile.Writer
	opened time.Time
}

// write appends rows to the current file, opening one if needed, and
// finishes the file when it reaches maxRows. A pglogical transaction is
// written whole, so files end between transactions.
func (r *roller) write(ctx context.Context, rows []scalefield.DBActivity) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		if err := r.open(); err != nil {
			return err
		}
	}
	if err := r.w.WriteBatch(rows); err != nil {
		return err
	}
	if r.w.Rows() >= r.maxRows {
		return r.finish(ctx)
	}
	return nil
}

// tick finishes the current file if it is older than maxAge.
func (r *roller) tick(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil || r.now().Sub(r.opened) < r.maxAge {
		return nil
	}
	return r.finish(ctx)
}

// discard drops the current file: its records were not committed, so the
// collector reads them again.
func (r *roller) discard() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drop()
}

func (r *roller) drop() {
	if r.f != nil {
		r.f.Close()
		os.Remove(r.f.Name())
	}
	r.f, r.w = nil, nil
}

// open starts a new file in the spool's temporary directory. r.mu held.
func (r *roller) open() error {
	var rnd [4]byte
	rand.Read(rnd[:])
	now := r.now().UTC()
	name := fmt.Sprintf("%s_%s_%s%s", r.name, now.Format("20060102T150405.000000Z"), hex.EncodeToString(rnd[:]), activityfile.FileExt)
	f, err := r.spool.CreateTemp(name + ".*")
	if err != nil {
		return err
	}
	w, err := activityfile.NewWriter(f, activityfile.WriterConfig{
		Name: name, Source: r.name, Engine: r.engine, Host: r.host, AgentID: r.nodeID, Now: r.now,
	})
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	r.f, r.w, r.opened = f, w, r.now()
	return nil
}

// finish closes the current file and enqueues it, waiting for space while
// the spool is full. r.mu held. On error the file is dropped.
func (r *roller) finish(ctx context.Context) error {
	defer r.drop()
	m, err := r.w.Close()
	if err != nil {
		return err
	}
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("close activity file: %w", err)
	}
	path := r.f.Name()
	manifest, err := m.Marshal()
	if err != nil {
		return err
	}
	for {
		_, err := r.spool.Enqueue(path, m)
		if err == nil {
			break
		}
		if !errors.Is(err, spool.ErrSpoolFull) {
			return err
		}
		r.paused(true)
		err = r.spool.WaitForSpace(ctx, m.Bytes+int64(len(manifest)))
		r.paused(false)
		if err != nil {
			return err
		}
	}
	r.f = nil // moved into the spool; nothing to remove
	r.enqueued()
	return nil
}
