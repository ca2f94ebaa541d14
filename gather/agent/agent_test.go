package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// net/http keeps idle connections of the test servers' clients
		// until they time out.
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// waitLimit bounds every wait on a condition; reaching it fails the test.
const waitLimit = 60 * time.Second

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bundle is one test's engine, store, state directory and audit directory.
type bundle struct {
	engine   *fakeEngine
	storeURL string
	storeDir string // for file:// stores
	stateDir string
	auditDir string
	cfg      Config
}

// setup returns a configuration with one MariaDB file collector over a
// fresh directory, a file:// store and the fake engine.
func setup(t *testing.T) *bundle {
	t.Helper()
	e := newFakeEngine(t)
	b := &bundle{engine: e, storeDir: t.TempDir(), stateDir: t.TempDir(), auditDir: t.TempDir()}
	b.storeURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(b.storeDir)}).String()
	b.cfg = Config{
		Engine:   EngineConfig{URL: e.srv.URL, Token: "sfg_test_token", CAFingerprint: e.fingerprint()},
		StateDir: b.stateDir,
		Hostname: "db-0.test",
		Blob:     BlobConfig{URL: b.storeURL},
		Files:    FilesConfig{MaxRows: 10, MaxAge: 100 * time.Millisecond},
		Location: &Location{Lat: 50.11, Lon: 8.68, Label: "Frankfurt DC2"},
		Collectors: []CollectorConfig{{
			Name: "maria", Type: TypeFile, Dir: b.auditDir, Glob: "server_audit*.log", Format: "mariadb-audit",
			PollInterval: 20 * time.Millisecond, Version: "10.11.6", Database: "shop", Port: 3306,
		}},
	}
	return b
}

// testLogger discards the agent's log unless SCALEFIELD_AGENT_TEST_LOG is
// set.
func testLogger() *slog.Logger {
	if os.Getenv("SCALEFIELD_AGENT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// running is an agent started by start.
type running struct {
	agent  *Agent
	cancel context.CancelFunc
	done   chan error
}

func (b *bundle) start(t *testing.T, tweak func(*Agent)) *running {
	t.Helper()
	a, err := New(b.cfg, Options{Logger: testLogger()})
	if err != nil {
		t.Fatalf("new agent: %v", err)
	}
	a.retryMax = 200 * time.Millisecond
	if tweak != nil {
		tweak(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{agent: a, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- a.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the agent and waits for Run to return.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("agent run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("agent did not stop")
	}
}

// mariaLine is one server_audit record whose statement carries n.
func mariaLine(n int) string {
	return fmt.Sprintf("20261122 22:32:50,vm,app,10.0.0.5,7,%d,QUERY,shop,'SELECT %d FROM orders',0\n", n, n)
}

// appendLines appends records from..to-1 to the named file in dir.
func appendLines(t *testing.T, dir, name string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sb strings.Builder
	for i := from; i < to; i++ {
		sb.WriteString(mariaLine(i))
	}
	if _, err := f.WriteString(sb.String()); err != nil {
		t.Fatal(err)
	}
}

// stored reads every complete pair in the store: manifests by key and the
// rows of their files.
type stored struct {
	manifests map[string]activityfile.Manifest
	rows      []scalefield.DBActivity
}

func readStore(t *testing.T, rawURL string) stored {
	t.Helper()
	// A listing can meet a temporary file the agent is renaming: try again.
	for i := 0; ; i++ {
		s, err := tryReadStore(t, rawURL)
		if err == nil {
			return s
		}
		if i == 50 {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tryReadStore(t *testing.T, rawURL string) (stored, error) {
	t.Helper()
	ctx := context.Background()
	s, err := blobstore.Open(ctx, rawURL)
	if err != nil {
		return stored{}, err
	}
	defer s.Close()
	out := stored{manifests: map[string]activityfile.Manifest{}}
	token := ""
	for {
		page, err := s.ListManifests(ctx, "", token, 1000)
		if err != nil {
			return stored{}, err
		}
		for _, o := range page.Manifests {
			mb, err := s.Bucket().ReadAll(ctx, o.Key)
			if err != nil {
				return stored{}, err
			}
			m, err := activityfile.ParseManifest(mb)
			if err != nil {
				return stored{}, fmt.Errorf("manifest %s: %w", o.Key, err)
			}
			data, err := s.Bucket().ReadAll(ctx, strings.TrimSuffix(o.Key, activityfile.ManifestExt))
			if err != nil {
				return stored{}, err
			}
			if err := activityfile.VerifyChecksum(bytesReaderAt(data), int64(len(data)), &m); err != nil {
				return stored{}, fmt.Errorf("file of %s: %w", o.Key, err)
			}
			rows, err := activityfile.ReadAll(data)
			if err != nil {
				return stored{}, err
			}
			out.manifests[o.Key] = m
			out.rows = append(out.rows, rows...)
		}
		if page.Next == "" {
			return out, nil
		}
		token = page.Next
	}
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// statementCounts counts stored rows per statement.
func (s stored) statementCounts() map[string]int {
	out := map[string]int{}
	for _, r := range s.rows {
		out[r.Statement]++
	}
	return out
}

// checkExactlyOnce fails unless records 0..n-1 are each stored once.
func checkExactlyOnce(t *testing.T, s stored, n int) {
	t.Helper()
	counts := s.statementCounts()
	var missing, dup []int
	for i := 0; i < n; i++ {
		switch c := counts[fmt.Sprintf("SELECT %d FROM orders", i)]; {
		case c == 0:
			missing = append(missing, i)
		case c > 1:
			dup = append(dup, i)
		}
	}
	if len(missing) > 0 || len(dup) > 0 || len(s.rows) != n {
		t.Fatalf("stored %d rows for %d records; missing %v; duplicated %v", len(s.rows), n, head(missing), head(dup))
	}
}

func head(s []int) []int {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

func storedRows(t *testing.T, rawURL string) func() int {
	return func() int { return len(readStore(t, rawURL).rows) }
}

func TestEnrollment(t *testing.T) {
	t.Run("persisted with private files and reused on restart", func(t *testing.T) {
		b := setup(t)
		r := b.start(t, nil)
		waitFor(t, "enrollment", func() bool { return r.agent.Identity() != nil })
		id := r.agent.Identity()
		r.stop(t)
		if id.TenantID != b.engine.tenant || id.KeyPrefix != b.engine.tenant+"/"+id.NodeID+"/" {
			t.Fatalf("identity %+v", id)
		}
		for _, f := range []string{keyFile, certFile, caFile, nodeFile} {
			st, err := os.Stat(filepath.Join(b.stateDir, identityDir, f))
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != 0o600 {
				t.Errorf("%s mode %v, want 0600", f, got)
			}
		}
		// The token is spent: a second enrollment would fail.
		b.cfg.Engine.Token = "sfg_spent_or_unknown"
		r = b.start(t, nil)
		appendLines(t, b.auditDir, "server_audit.log", 0, 3)
		waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() == 3 })
		if got := r.agent.Identity().NodeID; got != id.NodeID {
			t.Errorf("node after restart %q, want %q", got, id.NodeID)
		}
		if n, _, _ := b.engine.counts(); n != 1 {
			t.Errorf("%d enrollments, want 1", n)
		}
	})
	t.Run("CA file instead of a fingerprint", func(t *testing.T) {
		b := setup(t)
		b.cfg.Engine.CAFingerprint, b.cfg.Engine.CAFile = "", b.engine.caFile(t)
		r := b.start(t, nil)
		waitFor(t, "enrollment", func() bool { return r.agent.Identity() != nil })
	})
	t.Run("a wrong fingerprint refuses the engine", func(t *testing.T) {
		b := setup(t)
		b.cfg.Engine.CAFingerprint = strings.Repeat("ab", 32)
		a, err := New(b.cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		a.retryMax = 10 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		if err := a.Run(ctx); err != nil {
			t.Fatalf("run: %v", err)
		}
		if n, _, _ := b.engine.counts(); n != 0 {
			t.Errorf("enrolled %d times through an untrusted connection", n)
		}
	})
	t.Run("an unknown token is an error", func(t *testing.T) {
		b := setup(t)
		b.cfg.Engine.Token = "sfg_unknown"
		a, err := New(b.cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		err = a.Run(context.Background())
		if scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
			t.Fatalf("run: %v, want unauthorized", err)
		}
	})
}

func TestUpload(t *testing.T) {
	t.Run("files are rolled, uploaded and announced", func(t *testing.T) {
		b := setup(t)
		r := b.start(t, nil)
		appendLines(t, b.auditDir, "server_audit.log", 0, 95)
		waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() == 95 })
		waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
		s := readStore(t, b.storeURL)
		checkExactlyOnce(t, s, 95)
		id := r.agent.Identity()
		notices := b.engine.noticeKeys()
		for key, m := range s.manifests {
			if !strings.HasPrefix(key, id.KeyPrefix+"maria_") {
				t.Errorf("key %s outside %s", key, id.KeyPrefix)
			}
			if m.Rows > 10 {
				t.Errorf("%s has %d rows, more than max_rows", key, m.Rows)
			}
			if m.AgentID != id.NodeID || m.Source != "maria" || m.Engine != "mariadb" {
				t.Errorf("manifest %+v", m)
			}
			if notices[key] != 1 {
				t.Errorf("%s announced %d times", key, notices[key])
			}
		}
		if len(notices) != len(s.manifests) {
			t.Errorf("%d notices for %d files", len(notices), len(s.manifests))
		}
		waitFor(t, "a committed position", func() bool { return r.agent.Statuses()[0].Position != "" })
		if st := r.agent.Statuses()[0]; st.Status != StatusRunning || !strings.HasSuffix(st.Position, fmt.Sprintf(":%d", fileSize(t, b.auditDir, "server_audit.log"))) {
			t.Errorf("status %+v", st)
		}
	})
	t.Run("a file rolls at max age", func(t *testing.T) {
		b := setup(t)
		b.cfg.Files = FilesConfig{MaxRows: 1000, MaxAge: 50 * time.Millisecond}
		b.start(t, nil)
		appendLines(t, b.auditDir, "server_audit.log", 0, 3)
		waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() == 3 })
	})
	t.Run("heartbeat carries the inventory", func(t *testing.T) {
		b := setup(t)
		b.cfg.Engine.HeartbeatInterval = time.Second
		b.start(t, nil)
		waitFor(t, "two heartbeats", func() bool { _, n, _ := b.engine.counts(); return n >= 2 })
		hb, _ := b.engine.lastHeartbeat()
		if hb.Hostname != "db-0.test" || !strings.HasPrefix(hb.OS, runtime.GOOS+"/"+runtime.GOARCH) || hb.Version == "" {
			t.Errorf("heartbeat %+v", hb)
		}
		if hb.Location == nil || hb.Location.Label != "Frankfurt DC2" {
			t.Errorf("location %+v", hb.Location)
		}
		want := Database{Engine: "mariadb", Version: "10.11.6", Name: "shop", Host: "db-0.test", Port: 3306}
		if len(hb.Databases) != 1 || hb.Databases[0] != want {
			t.Errorf("databases %+v, want %+v", hb.Databases, want)
		}
		if len(hb.Collectors) != 1 || hb.Collectors[0].Name != "maria" || hb.Collectors[0].Type != TypeFile || hb.Collectors[0].Status != StatusRunning {
			t.Errorf("collectors %+v", hb.Collectors)
		}
		for _, ip := range hb.IPs {
			if strings.HasPrefix(ip, "127.") || ip == "::1" {
				t.Errorf("loopback address %s reported", ip)
			}
		}
	})
}

func fileSize(t *testing.T, dir, name string) int64 {
	st, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestEngineDown(t *testing.T) {
	t.Run("the spool fills, the collector pauses, then everything drains", func(t *testing.T) {
		b := setup(t)
		b.cfg.Spool.MaxBytes = 40 << 10
		r := b.start(t, nil)
		waitFor(t, "enrollment", func() bool { return r.agent.Identity() != nil })
		b.engine.setDown(true)
		const n = 3000
		appendLines(t, b.auditDir, "server_audit.log", 0, n)
		waitFor(t, "collector paused", func() bool { return r.agent.Statuses()[0].Status == StatusPaused })
		st := r.agent.SpoolStats()
		if st.Bytes > int64(b.cfg.Spool.MaxBytes) || st.Files == 0 {
			t.Fatalf("spool %+v", st)
		}
		if _, _, notices := b.engine.counts(); notices != 0 {
			t.Fatalf("%d notices while the engine is down", notices)
		}
		b.engine.setDown(false)
		waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() >= n })
		waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
		checkExactlyOnce(t, readStore(t, b.storeURL), n)
	})
	t.Run("the spool survives a restart while the engine is down", func(t *testing.T) {
		b := setup(t)
		r := b.start(t, nil)
		waitFor(t, "enrollment", func() bool { return r.agent.Identity() != nil })
		b.engine.setDown(true)
		appendLines(t, b.auditDir, "server_audit.log", 0, 57)
		waitFor(t, "files spooled", func() bool { return r.agent.SpoolStats().Files >= 5 })
		r.stop(t)
		b.engine.setDown(false)
		r = b.start(t, nil)
		appendLines(t, b.auditDir, "server_audit.log", 57, 80)
		waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() >= 80 })
		waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
		checkExactlyOnce(t, readStore(t, b.storeURL), 80)
	})
}

func TestCrashBetweenUploadAndCommit(t *testing.T) {
	b := setup(t)
	var once sync.Once
	var crashed activityfile.Manifest
	crash := make(chan struct{})
	r := b.start(t, func(a *Agent) {
		a.afterUpload = func(m activityfile.Manifest) error {
			if m.Rows > 0 && strings.HasPrefix(m.FirstPosition, filepath.Join(b.auditDir, "server_audit.log")) && m.Rows == 10 {
				fired := false
				once.Do(func() { crashed, fired = m, true; close(crash) })
				if fired {
					return errors.New("crash after upload")
				}
			}
			return nil
		}
	})
	appendLines(t, b.auditDir, "server_audit.log", 0, 40)
	<-crash
	r.stop(t)
	// The crashed file is in the store but its position is not committed.
	s := readStore(t, b.storeURL)
	id := r.agent.Identity()
	if _, ok := s.manifests[activityfile.ManifestName(id.KeyPrefix+crashed.File)]; !ok {
		t.Fatalf("crashed file %s not in the store", crashed.File)
	}
	r = b.start(t, nil)
	appendLines(t, b.auditDir, "server_audit.log", 40, 50)
	waitFor(t, "rows stored", func() bool { return storedRows(t, b.storeURL)() >= 50 })
	waitFor(t, "spool empty", func() bool { return r.agent.SpoolStats().Files == 0 })
	checkExactlyOnce(t, readStore(t, b.storeURL), 50)
	// The same file, same key and sha, was announced again after the
	// restart; the engine queues it once.
	key := activityfile.ManifestName(id.KeyPrefix + crashed.File)
	if got := b.engine.noticeKeys()[key]; got != 1 {
		// The crash came before the notice, so the one notice is the re-send.
		t.Errorf("crashed file announced %d times, want 1", got)
	}
	if got := readStore(t, b.storeURL).manifests[key]; got.SHA256 != crashed.SHA256 {
		t.Errorf("re-sent file has sha %s, want %s", got.SHA256, crashed.SHA256)
	}
}
