package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/audit"
	"github.com/scalefield/scalefield/gather/pglogical"
	"github.com/scalefield/scalefield/gather/spool"
)

// Collector states in CollectorStatus.Status.
const (
	StatusStarting = "starting"
	StatusRunning  = "running"
	StatusPaused   = "paused"
	StatusRetrying = "retrying"
	StatusStopped  = "stopped"
)

// checkpointFile (per postgres-logical collector) keeps the last position
// stored in the blob store. It is written before the slot is confirmed, so
// a restart skips what the slot had not yet been told about.
const checkpointFile = "checkpoint.json"

type checkpoint struct {
	Position string `json:"position"`
	File     string `json:"file"`
}

// source runs one configured collector: it reads its database or files,
// writes through a roller, and commits positions after upload.
type source struct {
	cfg    CollectorConfig
	dir    string // the collector's state directory
	host   string
	log    *slog.Logger
	spool  *spool.Spool
	roller *roller
	retry  time.Duration // longest wait between restarts

	// mu serialises (re)starts and commits.
	mu  sync.Mutex
	pg  *pglogical.Collector
	fol *audit.Follower
	rp  *replay
	// frontier is, for postgres-logical, the newest commit LSN in the
	// spool at the last (re)start: transactions up to it are spooled.
	frontier pglogical.LSN

	smu      sync.Mutex
	status   string
	lastErr  string
	position string // last committed
	paused   bool
}

func newSource(cfg CollectorConfig, stateDir, host string, log *slog.Logger, sp *spool.Spool) (*source, error) {
	dir := filepath.Join(stateDir, "collectors", cfg.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("collector %s: %w", cfg.Name, err)
	}
	s := &source{cfg: cfg, dir: dir, host: host, log: log.With("collector", cfg.Name), spool: sp, status: StatusStarting}
	if cfg.Type == TypePostgresLogical {
		if cp, err := s.readCheckpoint(); err != nil {
			return nil, err
		} else {
			s.position = cp.Position
		}
	}
	return s, nil
}

// engine is the DBActivity engine of the collector's records.
func (s *source) engine() string {
	if s.cfg.Type == TypePostgresLogical {
		return "postgresql"
	}
	info, _ := audit.LookupFormat(s.cfg.Format)
	return info.Engine
}

func (s *source) setStatus(status string, err error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	s.status = status
	if err != nil {
		s.lastErr = err.Error()
	} else if status == StatusRunning {
		s.lastErr = ""
	}
}

func (s *source) setPaused(p bool) {
	s.smu.Lock()
	s.paused = p
	s.smu.Unlock()
}

// Status returns the collector's health for the heartbeat.
func (s *source) Status() CollectorStatus {
	s.smu.Lock()
	defer s.smu.Unlock()
	st := s.status
	if s.paused && st == StatusRunning {
		st = StatusPaused
	}
	return CollectorStatus{Name: s.cfg.Name, Type: s.cfg.Type, Status: st, Error: s.lastErr, Position: s.position}
}

// run reads until ctx ends, restarting after failures with a growing
// pause. Every restart drops the file being written and reads again from
// the last committed position, skipping what the spool holds.
func (s *source) run(ctx context.Context) {
	wait := 500 * time.Millisecond
	for {
		started := time.Now()
		err := s.runOnce(ctx)
		s.roller.discard()
		if ctx.Err() != nil {
			s.setStatus(StatusStopped, nil)
			return
		}
		if err == nil {
			err = errors.New("collector stopped")
		}
		if time.Since(started) > time.Minute {
			wait = 500 * time.Millisecond
		}
		s.setStatus(StatusRetrying, err)
		s.log.WarnContext(ctx, "collector failed; restarting", "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			s.setStatus(StatusStopped, nil)
			return
		case <-t.C:
		}
		wait = min(2*wait, s.retry)
	}
}

// runOnce (re)creates the collector from the committed state and the spool,
// and reads until ctx ends or something fails.
func (s *source) runOnce(ctx context.Context) error {
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if err := s.start(); err != nil {
		return err
	}
	defer s.stop()
	s.setStatus(StatusRunning, nil)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		iv := min(max(s.roller.maxAge/4, 10*time.Millisecond), time.Second)
		t := time.NewTicker(iv)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				if err := s.roller.tick(rctx); err != nil {
					cancel(err)
					return
				}
			}
		}
	}()
	var err error
	switch {
	case s.pg != nil:
		err = s.pg.Run(rctx, s.deliver)
	default:
		err = s.follow(rctx)
	}
	cancel(nil)
	wg.Wait()
	if err == nil && ctx.Err() == nil {
		err = context.Cause(rctx)
	}
	return err
}

// start builds the collector and its replay state. Items queued in the
// spool before it are recognised when read again.
func (s *source) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []spool.Item
	for _, it := range s.spool.Items() {
		if it.Manifest.Source == s.cfg.Name {
			items = append(items, it)
		}
	}
	switch s.cfg.Type {
	case TypePostgresLogical:
		pc, err := s.cfg.pglogicalConfig()
		if err != nil {
			return err
		}
		cp, err := s.readCheckpoint()
		if err != nil {
			return err
		}
		if cp.Position != "" {
			if pc.StartAfter, _, err = pglogical.ParsePosition(cp.Position); err != nil {
				return fmt.Errorf("collector %s: checkpoint: %w", s.cfg.Name, err)
			}
		}
		s.frontier = 0
		for _, it := range items {
			if lsn, _, err := pglogical.ParsePosition(it.Manifest.LastPosition); err == nil {
				s.frontier = max(s.frontier, lsn)
			}
		}
		pc.Logger = s.log
		if s.pg, err = pglogical.New(pc); err != nil {
			return err
		}
	default:
		rp, err := newFollowReplay(items)
		if err != nil {
			return err
		}
		fol, err := audit.NewFollower(s.cfg.followConfig(s.dir, s.host))
		if err != nil {
			return err
		}
		s.fol, s.rp = fol, rp
	}
	return nil
}

// stop releases the follower; the pglogical collector is closed by Run.
func (s *source) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fol != nil {
		s.fol.Close()
		s.fol = nil // a closed follower must not save its (empty) state
	}
	if s.rp != nil {
		s.rp.giveUp() // wake commits waiting on it; the next start rebuilds it
	}
}

// deliver writes one committed transaction, unless it is already spooled.
func (s *source) deliver(ctx context.Context, tx pglogical.Transaction) error {
	if tx.CommitLSN <= s.frontier {
		return nil
	}
	return s.roller.write(ctx, tx.Records)
}

// follow polls the directory until ctx ends. After the first poll every
// spooled record still there has been read again, so replay settles what
// it did not match.
func (s *source) follow(ctx context.Context) error {
	t := time.NewTicker(s.cfg.followConfig(s.dir, s.host).Interval)
	defer t.Stop()
	buf := make([]scalefield.DBActivity, 1)
	fn := func(a *scalefield.DBActivity, err error) error {
		if err != nil {
			var re *audit.RecordError
			if !errors.As(err, &re) {
				return err
			}
			a = s.unparsed(re)
		}
		if s.rp.match(a.Position) {
			return nil
		}
		buf[0] = *a
		return s.roller.write(ctx, buf)
	}
	for first := true; ; first = false {
		err := s.fol.Poll(ctx, fn)
		if first {
			s.rp.giveUp()
		}
		if err != nil {
			if ctx.Err() != nil {
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

// unparsed turns a record that could not be parsed into a row, so the raw
// record reaches the engine (which can quarantine it) and the position
// sequence has no hole.
func (s *source) unparsed(re *audit.RecordError) *scalefield.DBActivity {
	s.log.Warn("audit record could not be parsed", "path", re.Path, "line", re.Line, "reason", re.Reason)
	return &scalefield.DBActivity{
		Time: s.roller.now().UTC(), Engine: s.engine(), Host: s.cfg.Host,
		ActionClass: scalefield.DBActionMisc, Action: "UNPARSED", Status: "failure",
		Error: re.Reason, Raw: re.Raw, Source: s.cfg.Name, Position: re.Position(),
	}
}

// commit is called by the uploader once m's file and manifest are in the
// blob store: it advances the collector's resume point to m.LastPosition.
func (s *source) commit(ctx context.Context, m activityfile.Manifest) error {
	if m.Rows == 0 || m.LastPosition == "" {
		return nil
	}
	for {
		s.mu.Lock()
		rf := s.rp.find(m.File)
		if rf == nil || isClosed(rf.done) {
			break
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-rf.done:
		}
	}
	defer s.mu.Unlock()
	switch {
	case s.cfg.Type == TypePostgresLogical:
		if err := writeJSONAtomic(filepath.Join(s.dir, checkpointFile), checkpoint{Position: m.LastPosition, File: m.File}); err != nil {
			return fmt.Errorf("collector %s: write checkpoint: %w", s.cfg.Name, err)
		}
		lsn, _, err := pglogical.ParsePosition(m.LastPosition)
		if err != nil {
			return err
		}
		if s.pg != nil {
			s.pg.Confirm(lsn)
		}
	case s.fol == nil:
		// Between runs: keep the file queued; the next run replays it.
		return scalefield.Errorf(scalefield.EUNAVAILABLE, "collector %s is restarting", s.cfg.Name)
	default:
		if rf := s.rp.find(m.File); rf != nil && !rf.handed {
			// Not read again: committed before, or its records come
			// again in new files.
			return nil
		}
		if err := s.fol.Commit(m.LastPosition); err != nil {
			// Committed already (a crash after the commit, before the
			// spool removed the file) or never read in this run.
			s.log.Warn("follower commit skipped", "file", m.File, "position", m.LastPosition, "error", err)
			return nil
		}
	}
	s.smu.Lock()
	s.position = m.LastPosition
	s.smu.Unlock()
	return nil
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func (s *source) readCheckpoint() (checkpoint, error) {
	var cp checkpoint
	b, err := os.ReadFile(filepath.Join(s.dir, checkpointFile))
	if errors.Is(err, os.ErrNotExist) {
		return cp, nil
	} else if err != nil {
		return cp, fmt.Errorf("collector %s: read checkpoint: %w", s.cfg.Name, err)
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		return cp, fmt.Errorf("collector %s: checkpoint is not valid: %w", s.cfg.Name, err)
	}
	return cp, nil
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'), 0o600)
}
