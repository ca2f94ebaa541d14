// Package agent is the gather agent (`scalefield gather`): it enrolls with
// the engine for a client certificate, runs the configured collectors
// (PostgreSQL logical decoding, PostgreSQL server logs with pgaudit, and
// audit files of other databases), writes their records into activity files
// that roll at a row count or age, buffers finished files in a local spool,
// uploads them to the blob store it shares with the engine and announces
// them, and sends heartbeats with the host's inventory.
//
// A collector's position (replication slot LSN, audit file offset) is
// committed only after the file holding it and its manifest are in the
// blob store, so a crash loses nothing; files already spooled are
// recognised when read again after a restart, so nothing is written twice.
// docs/gather-agent.md describes the configuration and the guarantees.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
	"github.com/scalefield/scalefield/gather/spool"
)

// Agent is one gather agent. Create it with New and run it with Run.
type Agent struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	hostname string

	// retryMax bounds the pause between retries of uploads, enrollment
	// and collector restarts.
	retryMax time.Duration
	// afterUpload, if set, runs after a pair is stored and before the
	// notice and commit; an error stops there (tests simulate a crash).
	afterUpload func(activityfile.Manifest) error

	mu      sync.Mutex
	id      *Identity
	spool   *spool.Spool
	sources []*source
	wake    chan struct{}
}

// Options are the agent's dependencies that do not come from gather.yaml.
type Options struct {
	// Logger receives progress and problems; slog.Default() if nil.
	Logger *slog.Logger
	// Now is the clock; time.Now if nil.
	Now func() time.Time
}

// New validates cfg and returns an Agent. Nothing is started.
func New(cfg Config, opts Options) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	a := &Agent{cfg: cfg, log: opts.Logger, now: opts.Now, retryMax: 30 * time.Second, wake: make(chan struct{}, 1)}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.hostname = cfg.Hostname
	if a.hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("host name: %w", err)
		}
		a.hostname = h
	}
	return a, nil
}

// Identity returns the agent's enrollment, or nil before Run enrolled.
func (a *Agent) Identity() *Identity {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.id
}

// Run enrolls (once; the certificate is kept in the state directory),
// then runs the collectors, the uploader and the heartbeat until ctx ends.
// It returns nil after a clean stop, or an error that prevents running
// (bad state directory, a refused enrollment, a blob URL that cannot be
// opened).
func (a *Agent) Run(ctx context.Context) error {
	if err := os.MkdirAll(a.cfg.StateDir, 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	sp, err := spool.Open(spool.Config{Dir: filepath.Join(a.cfg.StateDir, "spool"), MaxBytes: int64(a.cfg.Spool.MaxBytes)})
	if err != nil {
		return err
	}
	id, err := a.identity(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	store, err := blobstore.Open(ctx, a.cfg.Blob.URL)
	if err != nil {
		return err
	}
	defer store.Close()
	c := newClient(a.cfg.Engine.URL, id.mtls())
	defer c.close()

	var sources []*source
	for _, cc := range a.cfg.Collectors {
		s, err := newSource(cc, a.cfg.StateDir, a.hostname, a.log, sp)
		if err != nil {
			return err
		}
		s.retry = a.retryMax
		host := cc.Host
		if host == "" {
			host = a.hostname
		}
		s.roller = &roller{
			name: cc.Name, engine: s.engine(), host: host, nodeID: id.NodeID,
			maxRows: int64(a.cfg.Files.MaxRows), maxAge: a.cfg.Files.MaxAge, now: a.now, spool: sp,
			enqueued: a.kick, paused: s.setPaused,
		}
		sources = append(sources, s)
	}
	a.mu.Lock()
	a.spool, a.sources = sp, sources
	a.mu.Unlock()

	a.log.InfoContext(ctx, "gather agent started", "node", id.NodeID, "collectors", len(sources), "store", store.String())
	var wg sync.WaitGroup
	for _, s := range sources {
		wg.Go(func() { s.run(ctx) })
	}
	wg.Go(func() { a.upload(ctx, store, c, id) })
	wg.Go(func() { a.heartbeats(ctx, c) })
	wg.Wait()
	a.log.Info("gather agent stopped", "spooled_files", sp.Stats().Items)
	return nil
}

// identity loads the stored identity or enrolls, retrying while the engine
// is unreachable.
func (a *Agent) identity(ctx context.Context) (*Identity, error) {
	id, err := loadIdentity(a.cfg.StateDir)
	if err == nil {
		a.mu.Lock()
		a.id = id
		a.mu.Unlock()
		return id, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	tc, err := enrollTLS(&a.cfg.Engine)
	if err != nil {
		return nil, err
	}
	c := newClient(a.cfg.Engine.URL, tc)
	defer c.close()
	wait := time.Second
	for {
		id, err := enroll(ctx, c, &a.cfg, a.hostname)
		if err == nil {
			a.log.InfoContext(ctx, "enrolled", "node", id.NodeID, "tenant", id.TenantID)
			a.mu.Lock()
			a.id = id
			a.mu.Unlock()
			return id, nil
		}
		if code := scalefield.ErrorCode(err); code != scalefield.EUNAVAILABLE && code != scalefield.ERATELIMIT {
			return nil, err
		}
		a.log.WarnContext(ctx, "enrollment failed; retrying", "error", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		wait = min(2*wait, a.retryMax)
	}
}

// kick wakes the uploader.
func (a *Agent) kick() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// upload drains the spool whenever a file is queued, and retries with a
// growing pause while the store or the engine is down.
func (a *Agent) upload(ctx context.Context, store *blobstore.Store, c *client, id *Identity) {
	wait := 200 * time.Millisecond
	failing := false
	for {
		res, err := a.spool.Drain(ctx, func(ctx context.Context, it spool.Item) error {
			return a.uploadItem(ctx, store, c, id, it)
		})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing {
				a.log.WarnContext(ctx, "upload failed; files stay in the spool", "error", err, "spooled", a.spool.Stats().Items)
			}
			failing = true
			if !sleep(ctx, wait) {
				return
			}
			wait = min(2*wait, a.retryMax)
			continue
		}
		if failing {
			a.log.InfoContext(ctx, "uploads resumed", "uploaded", res.Uploaded)
		}
		failing, wait = false, 200*time.Millisecond
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		case <-time.After(5 * time.Second):
		}
	}
}

// uploadItem stores one pair, announces it, and commits the collector's
// position; only then does Drain remove it from the spool.
func (a *Agent) uploadItem(ctx context.Context, store *blobstore.Store, c *client, id *Identity, it spool.Item) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	m := it.Manifest
	if err := store.PutActivityFile(ctx, id.KeyPrefix, it.Path, m); err != nil {
		return err
	}
	if a.afterUpload != nil {
		if err := a.afterUpload(m); err != nil {
			return err
		}
	}
	key := activityfile.ManifestName(id.KeyPrefix + m.File)
	if err := c.notifyFiles(ctx, []FileNotice{{ManifestKey: key, Manifest: m}}); err != nil {
		return err
	}
	for _, s := range a.sources {
		if s.cfg.Name == m.Source {
			return s.commit(ctx, m)
		}
	}
	// A collector removed from the configuration: nothing to commit.
	return nil
}

// Statuses returns every collector's status.
func (a *Agent) Statuses() []CollectorStatus {
	a.mu.Lock()
	sources := a.sources
	a.mu.Unlock()
	out := make([]CollectorStatus, 0, len(sources))
	for _, s := range sources {
		out = append(out, s.Status())
	}
	return out
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// SpoolStats returns the spool's fill level (zero before Run opened it).
func (a *Agent) SpoolStats() SpoolStats {
	a.mu.Lock()
	sp := a.spool
	a.mu.Unlock()
	if sp == nil {
		return SpoolStats{}
	}
	st := sp.Stats()
	return SpoolStats{Files: st.Items, Bytes: st.Bytes}
}
