package ingest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/store"
)

// startSyslog starts listeners for b's tenant on free loopback ports.
func startSyslog(t *testing.T, b *bundle, listeners ...ingest.SyslogListenerConfig) *ingest.Syslog {
	t.Helper()
	cfg := ingest.SyslogConfig{Listeners: listeners, StopGrace: ingest.Duration(2 * time.Second)}
	for i := range cfg.Listeners {
		l := &cfg.Listeners[i]
		if l.Listen == "" {
			l.Listen = "127.0.0.1:0"
		}
		if l.TenantID == "" && l.TenantSlug == "" {
			l.TenantSlug = b.tenant.Slug
		}
	}
	cfg.ApplyDefaults()
	s := &ingest.Syslog{Config: cfg, Committer: b.committer, Tenants: store.NewTenantService(b.db), Log: discard}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func waitBronze(t *testing.T, b *bundle, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d bronze rows", n), func() bool { return bronzeCount(t, b) >= n })
	if got := bronzeCount(t, b); got != n {
		t.Fatalf("bronze rows = %d, want %d", got, n)
	}
}

func payloads(t *testing.T, b *bundle) []string {
	t.Helper()
	var out []string
	for _, r := range bronzeRows(t, b) {
		parts := strings.SplitN(r, "|", 6)
		out = append(out, parts[5])
	}
	return out
}

func TestSyslogTCPFraming(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := startSyslog(t, b, ingest.SyslogListenerConfig{Protocol: "tcp", Source: "firewalls", Sourcetype: "cisco:asa"})
	conn, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stream := octet("<13>1 2024-01-01T00:00:00Z h app - - - octet one", "<14>octet\ntwo") +
		"<15>lf three\r\n" + octet("<16>octet four") + "<17>lf five\n"
	// Written in small pieces, so frames arrive split across reads.
	for i := 0; i < len(stream); i += 7 {
		if _, err := conn.Write([]byte(stream[i:min(i+7, len(stream))])); err != nil {
			t.Fatal(err)
		}
	}
	waitBronze(t, b, 5)
	got := bronzeRows(t, b)
	want := []string{
		"syslog|127.0.0.1|firewalls|cisco:asa||<13>1 2024-01-01T00:00:00Z h app - - - octet one",
		"syslog|127.0.0.1|firewalls|cisco:asa||<14>octet\ntwo",
		"syslog|127.0.0.1|firewalls|cisco:asa||<15>lf three",
		"syslog|127.0.0.1|firewalls|cisco:asa||<16>octet four",
		"syslog|127.0.0.1|firewalls|cisco:asa||<17>lf five",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bronze rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var events int64
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT sum(events_total) FROM ingest_sources WHERE kind = 'syslog-tcp' AND name = 'firewalls'`).Scan(&events); err != nil || events != 5 {
		t.Errorf("source registry events = %d (%v), want 5", events, err)
	}
}

func TestSyslogUDP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := startSyslog(t, b, ingest.SyslogListenerConfig{Protocol: "udp", Source: "routers", MaxMessageBytes: 512})
	// Metrics are process-wide: compare with where they stood (go test -count).
	rejectedLabels := map[string]string{"channel": "syslog-udp", "source": "routers", "outcome": "rejected"}
	rejectedBefore := metricValue(t, "scalefield_ingest_events_total", rejectedLabels)
	conn, err := net.Dial("udp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, msg := range []string{"<13>one\n", "<14>two\r\n", "<15>three\x00", "<16>" + strings.Repeat("x", 600), "\n"} {
		if _, err := conn.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	waitBronze(t, b, 3)
	if got := strings.Join(payloads(t, b), ","); got != "<13>one,<14>two,<15>three" {
		t.Errorf("payloads %q, want the three small messages without trailers", got)
	}
	if got := metricValue(t, "scalefield_ingest_events_total", rejectedLabels) - rejectedBefore; got != 1 {
		t.Errorf("rejected (too large) = %v, want 1", got)
	}
}

func TestSyslogUDPDropsWhenTheQueueIsFull(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.QueueEvents, c.Writers = 1, 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	s := startSyslog(t, b, ingest.SyslogListenerConfig{Protocol: "udp", Source: "lossy"})
	conn, err := net.Dial("udp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("<13>kept")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first message queued", func() bool { return b.committer.Depth() == 1 })
	// The queue (of one) fills: the writer holding the first message at the
	// gate may let one more in, then every further datagram is dropped and
	// counted.
	sent := 1
	droppedBefore := int(metricValue(t, "scalefield_ingest_udp_dropped_total", map[string]string{"source": "lossy"}))
	dropped := func() int {
		return int(metricValue(t, "scalefield_ingest_udp_dropped_total", map[string]string{"source": "lossy"})) - droppedBefore
	}
	for ; dropped() == 0; sent++ {
		if sent == 1000 {
			t.Fatal("no drop counted")
		}
		if _, err := conn.Write([]byte("<13>dropped")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // pace the sender, not a wait for the result
	}
	close(gate)
	// Datagrams still in the socket buffer are read after this point, so
	// wait until every datagram sent is either in Bronze or counted as
	// dropped, then check both happened.
	waitFor(t, "every datagram kept or dropped", func() bool { return bronzeCount(t, b)+dropped() == sent })
	if kept := bronzeCount(t, b); kept < 1 || dropped() < 1 {
		t.Fatalf("%d sent: %d kept, %d dropped; want some of each", sent, kept, dropped())
	}
}

func TestSyslogTLS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ca, caKey := newCA(t)
	certFile, keyFile := writeCert(t, dir, "server", ca, caKey, false)
	clientCert, clientKey := writeCert(t, dir, "client", ca, caKey, true)
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startSyslog(t, b,
		ingest.SyslogListenerConfig{Protocol: "tls", Source: "tls-in", CertFile: certFile, KeyFile: keyFile},
		ingest.SyslogListenerConfig{Protocol: "tls", Source: "mtls-in", CertFile: certFile, KeyFile: keyFile, ClientCAFile: caFile})
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	conn, err := tls.Dial("tcp", s.Addrs()[0].String(), &tls.Config{RootCAs: roots, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, octet("<13>1 - over tls", "<14>1 - second")); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	waitBronze(t, b, 2)

	t.Run("mutual TLS refuses a client without a certificate", func(t *testing.T) {
		conn, err := tls.Dial("tcp", s.Addrs()[1].String(), &tls.Config{RootCAs: roots, ServerName: "localhost"})
		if err == nil {
			_, _ = io.WriteString(conn, "<13>should not arrive\n")
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = conn.Read(make([]byte, 1))
			conn.Close()
		}
		if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("client without a certificate was served (%v)", err)
		}
	})
	t.Run("mutual TLS accepts a client certificate of the CA", func(t *testing.T) {
		pair, err := tls.LoadX509KeyPair(clientCert, clientKey)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := tls.Dial("tcp", s.Addrs()[1].String(), &tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{pair}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(conn, "<13>mutual\n")
		conn.Close()
		waitBronze(t, b, 3)
	})
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// writeCert writes a certificate for localhost signed by ca, and its key,
// as PEM files.
func writeCert(t *testing.T, dir, name string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, client bool) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestSyslogTCPBackpressure(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	b := setup(t, func(o *options) {
		o.committer = func(c *ingest.CommitterConfig) { c.QueueEvents, c.Writers = 1000, 1 }
		o.store = func(s ingest.CommitStore) ingest.CommitStore { return &gatedStore{CommitStore: s, gate: gate} }
	})
	s := startSyslog(t, b, ingest.SyslogListenerConfig{Protocol: "tcp", Source: "flood"})
	conn, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	line := "<13>1 2024-01-01T00:00:00Z host app - - - " + strings.Repeat("x", 200) + "\n"
	chunk := []byte(strings.Repeat(line, 256))
	// With commits blocked the listener stops reading once the queue is
	// full, so the socket buffers fill and the sender's writes stall.
	sent := 0
	var rest []byte
	for sent < 1<<30 && rest == nil {
		_ = conn.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := conn.Write(chunk)
		sent += n
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			rest = chunk[n:]
		case err != nil:
			t.Fatal(err)
		}
	}
	if rest == nil {
		t.Fatalf("sent %d bytes without the listener pushing back", sent)
	}
	if d := b.committer.Depth(); d > 1000 {
		t.Errorf("queue depth %d above its bound 1000", d)
	}
	close(gate)
	// Finish the message the stalled write cut in half; then every message
	// sent arrives.
	_ = conn.SetWriteDeadline(time.Time{})
	if _, err := conn.Write(rest); err != nil {
		t.Fatal(err)
	}
	sent += len(rest)
	waitBronze(t, b, sent/len(line))
}

func TestSyslogGracefulStopLosesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) { o.direct = true })
	c := ingest.NewCommitter(ingest.DefaultCommitterConfig(), b.events, discard)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := ingest.SyslogConfig{StopGrace: ingest.Duration(2 * time.Second), Listeners: []ingest.SyslogListenerConfig{
		{Listen: "127.0.0.1:0", Protocol: "tcp", TenantID: b.tenant.ID, Source: "tcp-src"},
		{Listen: "127.0.0.1:0", Protocol: "udp", TenantID: b.tenant.ID, Source: "udp-src"},
	}}
	cfg.ApplyDefaults()
	s := &ingest.Syslog{Config: cfg, Committer: c, Tenants: store.NewTenantService(b.db), Log: discard}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	udp, err := net.Dial("udp", s.Addrs()[1].String())
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	const n = 2000
	var stream strings.Builder
	for i := range n {
		fmt.Fprintf(&stream, "<13>tcp message %d\n", i)
	}
	if _, err := io.WriteString(tcp, stream.String()); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := fmt.Fprintf(udp, "<13>udp message %d", i); err != nil {
			t.Fatal(err)
		}
	}
	// Stop at once, with the connection still open and messages in flight.
	s.Stop()
	c.Stop()
	if got := bronzeCount(t, b); got != n+50 {
		t.Errorf("bronze rows after a graceful stop = %d, want %d", got, n+50)
	}
	if _, err := tcp.Write([]byte("<13>after stop\n")); err == nil {
		if _, err := tcp.Read(make([]byte, 1)); err == nil {
			t.Error("connection still open after Stop")
		}
	}
}

func TestSyslogConnectionLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := startSyslog(t, b, ingest.SyslogListenerConfig{Protocol: "tcp", Source: "capped", MaxConnections: 1, IdleTimeout: ingest.Duration(time.Second)})
	first, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := io.WriteString(first, "<13>first\n"); err != nil {
		t.Fatal(err)
	}
	waitBronze(t, b, 1)
	second, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	_ = second.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := second.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Errorf("second connection above the cap: read %v, want it closed", err)
	}
	// The idle timeout closes the first connection.
	_ = first.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := first.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Errorf("idle connection: read %v, want it closed", err)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }

// metricValue reads a counter or gauge of the default registry.
func metricValue(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}
