package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scalefield/scalefield/store/storetest"
)

// TestCrashLosesNoAcknowledgedEvent runs the scalefield binary, sends
// numbered events over HEC with acks from several senders, and kills the
// server with SIGKILL several times at random moments, restarting it each
// time. Senders resend every request not answered 200 with the same
// channel and request id. Afterwards every acknowledged event must be in
// Bronze exactly once.
func TestCrashLosesNoAcknowledgedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped with -short")
	}
	const (
		senders   = 6
		perBatch  = 50
		kills     = 4
		hecSecret = "c0ffee00-1234-4abc-8def-000000000001"
	)
	bin := buildBinary(t)
	srv := &crashServer{t: t, bin: bin, dir: t.TempDir(), addr: freeAddr(t), env: []string{
		"DATABASE_URL=" + storetest.NewDatabase(t),
		"REDIS_URL=" + storetest.RedisURL(t),
		"SCALEFIELD_DEMO_HEC_TOKEN=" + hecSecret,
		"SCALEFIELD_DEMO_PASSWORD=crash test password 1",
		"SCALEFIELD_LOG_LEVEL=warn",
	}}
	srv.start()
	t.Cleanup(srv.kill)

	url := "http://" + srv.addr
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	var (
		stop      atomic.Bool
		requests  atomic.Int64
		retries   atomic.Int64
		mu        sync.Mutex
		acked     = map[int]bool{}       // event number → acknowledged
		ackIDs    = map[string][]int64{} // channel → ack ids
		wg        sync.WaitGroup
		sentTotal atomic.Int64
	)
	for s := range senders {
		channel := fmt.Sprintf("%08x-0000-4000-8000-%012x", s+1, s+1)
		wg.Go(func() {
			for seq := 0; !stop.Load(); seq++ {
				first := (s*1_000_000 + seq) * perBatch
				var body bytes.Buffer
				for i := range perBatch {
					fmt.Fprintf(&body, `{"event":{"n":%d,"sender":%d},"sourcetype":"crash"}`, first+i, s)
				}
				requests.Add(1)
				sentTotal.Add(perBatch)
				// Resend until answered 200, even after stop: an unanswered
				// request may be committed, and the test must know.
				for attempt := 0; ; attempt++ {
					if attempt > 0 {
						retries.Add(1)
						time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
					}
					id, err := postHEC(client, url, hecSecret, channel, fmt.Sprintf("%d-%d", s, seq), body.Bytes())
					if err != nil {
						if attempt > 2000 {
							t.Errorf("sender %d: request %d never acknowledged: %v", s, seq, err)
							return
						}
						continue
					}
					mu.Lock()
					for i := range perBatch {
						acked[first+i] = true
					}
					ackIDs[channel] = append(ackIDs[channel], id)
					mu.Unlock()
					break
				}
			}
		})
	}

	for k := range kills {
		waitUntil(t, fmt.Sprintf("acknowledgements before kill %d", k+1), func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(acked) >= (k+1)*senders*perBatch*4
		})
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond) // a random moment under load
		srv.kill()
		srv.start()
	}
	// Some load after the last restart, then every sender finishes.
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	waitUntil(t, "acknowledgements after the last restart", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= before+senders*perBatch*4
	})
	stop.Store(true)
	wg.Wait()

	counts := bronzeCounts(t, srv.env[0][len("DATABASE_URL="):])
	var missing, duplicates, unacked int
	for n := range acked {
		if counts[n] == 0 {
			missing++
		}
	}
	for n, c := range counts {
		if c > 1 {
			duplicates += c - 1
		}
		if !acked[n] {
			unacked++
		}
	}
	inBronze := 0
	for _, c := range counts {
		inBronze += c
	}
	t.Logf("crash test: %d kills; sent %d events in %d requests (%d resends); acked %d; in bronze %d (%d not acked); missing %d; duplicates %d",
		kills, sentTotal.Load(), requests.Load(), retries.Load(), len(acked), inBronze, unacked, missing, duplicates)
	if missing > 0 || duplicates > 0 {
		t.Errorf("%d acknowledged events missing and %d duplicated in Bronze", missing, duplicates)
	}
	checkAcks(t, client, url, hecSecret, ackIDs)
	client.CloseIdleConnections()
}

// postHEC sends one request and returns its ack id once answered 200.
func postHEC(client *http.Client, url, secret, channel, requestID string, body []byte) (int64, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/services/collector/event", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Splunk "+secret)
	req.Header.Set("X-Splunk-Request-Channel", channel)
	req.Header.Set("X-Splunk-Request-Id", requestID)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var reply struct {
		Code  int
		AckID *int64
	}
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || json.Unmarshal(data, &reply) != nil || reply.Code != 0 || reply.AckID == nil {
		return 0, fmt.Errorf("HEC reply %d %s", res.StatusCode, data)
	}
	return *reply.AckID, nil
}

// checkAcks asks the ack endpoint about every ack id received; each must be
// reported committed. Until the lead routes /services/collector/ack, the
// check is skipped.
func checkAcks(t *testing.T, client *http.Client, url, secret string, ackIDs map[string][]int64) {
	t.Helper()
	for channel, ids := range ackIDs {
		body, _ := json.Marshal(map[string][]int64{"acks": ids})
		req, _ := http.NewRequest(http.MethodPost, url+"/services/collector/ack", bytes.NewReader(body))
		req.Header.Set("Authorization", "Splunk "+secret)
		req.Header.Set("X-Splunk-Request-Channel", channel)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			t.Logf("ack endpoint not routed (%d): ack check skipped", res.StatusCode)
			return
		}
		var reply struct{ Acks map[string]bool }
		if err := json.Unmarshal(data, &reply); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("ack reply %d %s", res.StatusCode, data)
		}
		for _, id := range ids {
			if !reply.Acks[fmt.Sprint(id)] {
				t.Errorf("channel %s: ack %d reported not committed", channel, id)
			}
		}
	}
}

// bronzeCounts returns how often each event number is in Bronze.
func bronzeCounts(t *testing.T, dbURL string) map[int]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT (convert_from(payload, 'UTF8')::jsonb -> 'event' ->> 'n')::int, count(*)
		FROM bronze_events WHERE sourcetype = 'crash' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	var n, c int
	if _, err := pgx.ForEachRow(rows, []any{&n, &c}, func() error { counts[n] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	return counts
}

// crashServer is the scalefield binary run as a subprocess.
type crashServer struct {
	t      *testing.T
	bin    string
	dir    string
	addr   string
	env    []string
	cmd    *exec.Cmd
	exited chan error
	runs   int
}

// start runs the server and waits until HEC answers.
func (s *crashServer) start() {
	s.t.Helper()
	s.runs++
	logFile, err := os.Create(filepath.Join(s.dir, fmt.Sprintf("server-%d.log", s.runs)))
	if err != nil {
		s.t.Fatal(err)
	}
	defer logFile.Close()
	s.cmd = exec.Command(s.bin, "serve", "--addr", s.addr, "--web-dir=", "--demo", "--pipeline=false")
	// Key files by environment, so the test keeps working as flags come.
	s.cmd.Env = append(os.Environ(), append(s.env,
		"SCALEFIELD_JWT_KEY_FILE="+filepath.Join(s.dir, "jwt.pem"),
		"SCALEFIELD_SECRET_KEY_FILE="+filepath.Join(s.dir, "secret.key"))...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.exited = make(chan error, 1)
	go func(cmd *exec.Cmd, exited chan<- error) { exited <- cmd.Wait() }(s.cmd, s.exited)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + s.addr + "/services/collector/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-s.exited:
			s.cmd = nil
			data, _ := os.ReadFile(logFile.Name())
			s.t.Fatalf("server exited at start (%v):\n%s", err, data)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("server not ready after 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (s *crashServer) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// buildBinary builds the scalefield command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scalefield")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitUntil polls cond until it holds, failing after a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
