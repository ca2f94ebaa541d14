package agent

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFakeEngineServer is not a test: scripts/pgbench-overhead.sh runs it
// to stand in for the engine while a real `scalefield gather` runs. With
// SCALEFIELD_FAKE_ENGINE_FILE set it starts the fake engine, writes its URL
// and CA fingerprint there as JSON, and serves until the file is removed.
func TestFakeEngineServer(t *testing.T) {
	path := os.Getenv("SCALEFIELD_FAKE_ENGINE_FILE")
	if path == "" {
		t.Skip("SCALEFIELD_FAKE_ENGINE_FILE is not set (used by scripts/pgbench-overhead.sh)")
	}
	e := newFakeEngine(t)
	b, _ := json.Marshal(map[string]string{"url": e.srv.URL, "ca_fingerprint": e.fingerprint(), "token": "sfg_test_token"})
	tmp := filepath.Join(filepath.Dir(path), ".fake-engine.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(path); err != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, hb, notices := e.counts()
	t.Logf("served %d heartbeats and %d file notices", hb, notices)
}
