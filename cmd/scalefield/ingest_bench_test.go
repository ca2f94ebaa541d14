package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
)

// ingestBench is an engine without the pipeline (so the figures are those
// of ingestion alone) and the group-commit receivers on its database.
type ingestBench struct {
	*bundle
	committer *ingest.Committer
	events    *store.EventService
}

func setupIngestBench(b *testing.B) *ingestBench {
	b.Helper()
	bb := setupWith(b, func(c *Config) { c.Pipeline = false })
	events := store.NewEventService(bb.main.DB)
	c := ingest.NewCommitter(ingest.DefaultCommitterConfig(), events, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := c.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Stop)
	return &ingestBench{bundle: bb, committer: c, events: events}
}

// BenchmarkIngestHECGroupCommit posts batches of 100 events from 8
// concurrent clients to the HEC receiver with group commit, and reports
// the events per second committed to Bronze and the process's peak RSS.
// With acks, each client has a channel and a request id per request, so
// every request also takes an ack id and an idempotency key.
func BenchmarkIngestHECGroupCommit(b *testing.B) {
	for _, acks := range []bool{false, true} {
		b.Run(fmt.Sprintf("acks=%v", acks), func(b *testing.B) { benchHEC(b, acks) })
	}
}

func benchHEC(b *testing.B, acks bool) {
	const clients, batch = 8, 100
	ib := setupIngestBench(b)
	hec := &ingest.HEC{Config: ingest.DefaultHECConfig(), Tokens: store.NewHECTokenService(ib.main.DB), Bronze: ib.events,
		Committer: ib.committer, Log: ib.main.Log, Now: time.Now}
	mux := http.NewServeMux()
	hec.Register(mux, nil)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var body strings.Builder
	for i := range batch {
		fmt.Fprintf(&body, `{"event":{"message":"benchmark event %d","severity":"medium","user":"bench","src_ip":"192.0.2.%d"},"host":"bench-01","sourcetype":"bench"}`, i, i%250+1)
	}
	payload := body.String()
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer httpClient.CloseIdleConnections()
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		channel := fmt.Sprintf("%08x-0000-4000-8000-000000000000", c+1)
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/services/collector/event", strings.NewReader(payload))
				req.Header.Set("Authorization", "Splunk "+ib.a.Secret)
				if acks {
					req.Header.Set(ingest.HeaderChannel, channel)
					req.Header.Set(ingest.HeaderRequestID, strconv.FormatInt(n, 10))
				}
				res, err := httpClient.Do(req)
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if res != nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests were not accepted", n)
	}
	if got := committedEvents(b, ib, "hec"); got != int64(b.N*batch) {
		b.Fatalf("bronze holds %d events, want %d", got, b.N*batch)
	}
	b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "events/s")
	b.ReportMetric(peakRSSMiB(b), "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIngestSyslogTCP streams RFC 5424 messages over 8 TCP
// connections (LF framing) to a syslog listener with group commit, and
// reports the messages per second committed to Bronze and the process's
// peak RSS.
func BenchmarkIngestSyslogTCP(b *testing.B) {
	const conns = 8
	ib := setupIngestBench(b)
	cfg := ingest.SyslogConfig{Listeners: []ingest.SyslogListenerConfig{
		{Listen: "127.0.0.1:0", Protocol: "tcp", TenantID: ib.a.Tenant.ID, Source: "bench"},
	}}
	cfg.ApplyDefaults()
	s := &ingest.Syslog{Config: cfg, Committer: ib.committer, Tenants: store.NewTenantService(ib.main.DB), Log: ib.main.Log}
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	addr := s.Addrs()[0].String()

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range conns {
		n := b.N / conns
		if c < b.N%conns {
			n++
		}
		wg.Go(func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer conn.Close()
			w := bufio.NewWriterSize(conn, 64<<10)
			var line bytes.Buffer
			for i := range n {
				line.Reset()
				fmt.Fprintf(&line, "<134>1 2024-05-01T12:00:00.000Z fw-%02d filterlog 4242 - - connection %d from 198.51.100.%d to 203.0.113.7 port 443 allowed\n", c, i, i%250+1)
				_, _ = w.Write(line.Bytes())
			}
			if err := w.Flush(); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	for committedEvents(b, ib, "syslog-tcp") < int64(b.N) {
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(peakRSSMiB(b), "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op")
}

// committedEvents reads the source registry's count of committed events of
// a kind.
func committedEvents(b *testing.B, ib *ingestBench, kind string) int64 {
	b.Helper()
	var n int64
	err := ib.main.DB.Pool.QueryRow(context.Background(),
		`SELECT coalesce(sum(events_total), 0)::bigint FROM ingest_sources WHERE tenant_id = $1 AND kind = $2`, ib.a.Tenant.ID, kind).Scan(&n)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// peakRSSMiB is this process's peak resident set (VmHWM): the receivers,
// the HTTP or TCP clients and the test harness together; PostgreSQL is a
// separate process.
func peakRSSMiB(b *testing.B) float64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
