package agent

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEngine implements the engine's side of docs/gather-protocol.md with
// a test CA: enrollment with one-time tokens, heartbeats and file notices.
// Setting down makes every mTLS endpoint answer 503.
type fakeEngine struct {
	t      *testing.T
	srv    *httptest.Server
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPEM  []byte
	tenant string

	mu          sync.Mutex
	tokens      map[string]bool // unspent
	enrollments int
	nodes       map[string]bool
	heartbeats  []Heartbeat
	notices     []FileNotice
	queued      map[string]bool // manifest keys known
	down        bool
}

func newFakeEngine(t *testing.T) *fakeEngine {
	t.Helper()
	e := &fakeEngine{t: t, tenant: "3f1c2d9e-0c4b-4e7b-8a51-6d2f3e4a5b6c",
		tokens: map[string]bool{"sfg_test_token": true}, nodes: map[string]bool{}, queued: map[string]bool{}}
	e.caKey = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Scalefield gather CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &e.caKey.PublicKey, e.caKey))
	e.ca = must(x509.ParseCertificate(der))
	e.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})

	srvKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	srvDER := must(x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "engine"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}, e.ca, &srvKey.PublicKey, e.caKey))
	pool := x509.NewCertPool()
	pool.AddCert(e.ca)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /gather/v1/enroll", e.enroll)
	mux.HandleFunc("POST /gather/v1/heartbeat", e.authed(e.heartbeat))
	mux.HandleFunc("POST /gather/v1/files", e.authed(e.files))
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.TLS = &tls.Config{
		// The chain carries the CA so that a pinned fingerprint can be checked.
		Certificates: []tls.Certificate{{Certificate: [][]byte{srvDER, der}, PrivateKey: srvKey}},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
	}
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	return e
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// fingerprint is the CA's sha256 as createGatherEnrollmentToken shows it.
func (e *fakeEngine) fingerprint() string {
	sum := sha256.Sum256(e.ca.Raw)
	return hex.EncodeToString(sum[:])
}

// caFile writes the CA's PEM to a file and returns its path.
func (e *fakeEngine) caFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, e.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *fakeEngine) setDown(down bool) {
	e.mu.Lock()
	e.down = down
	e.mu.Unlock()
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}

func (e *fakeEngine) enroll(w http.ResponseWriter, r *http.Request) {
	var req enrollRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, 400, "invalid", "body is not JSON")
		return
	}
	block, _ := pem.Decode([]byte(req.CSR))
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		writeError(w, 400, "invalid", "bad CSR")
		return
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil || csr.CheckSignature() != nil {
		writeError(w, 400, "invalid", "bad CSR")
		return
	}
	e.mu.Lock()
	unspent, known := e.tokens[req.Token]
	if known && unspent {
		e.tokens[req.Token] = false
		e.enrollments++
	}
	n := e.enrollments
	e.mu.Unlock()
	switch {
	case !known:
		writeError(w, 401, "unauthorized", "unknown enrollment token")
		return
	case !unspent:
		writeError(w, 409, "conflict", "enrollment token already used")
		return
	}
	node := "7b0d8a2e-7f0c-4a53-9d7e-00000000000" + string(rune('0'+n))
	serial := must(rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128)))
	der := must(x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: node, OrganizationalUnit: []string{e.tenant}, Organization: []string{"Scalefield gather"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, e.ca, csr.PublicKey, e.caKey))
	e.mu.Lock()
	e.nodes[node] = true
	e.mu.Unlock()
	json.NewEncoder(w).Encode(enrollResponse{
		NodeID: node, TenantID: e.tenant, KeyPrefix: e.tenant + "/" + node + "/",
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		CA:          string(e.caPEM),
	})
}

// authed requires a client certificate of an enrolled node.
func (e *fakeEngine) authed(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			writeError(w, 401, "unauthorized", "client certificate required")
			return
		}
		node := r.TLS.VerifiedChains[0][0].Subject.CommonName
		e.mu.Lock()
		ok, down := e.nodes[node], e.down
		e.mu.Unlock()
		if !ok {
			writeError(w, 401, "unauthorized", "unknown node")
			return
		}
		if down {
			writeError(w, 503, "internal", "internal error")
			return
		}
		h(w, r, node)
	}
}

func (e *fakeEngine) heartbeat(w http.ResponseWriter, r *http.Request, node string) {
	var hb Heartbeat
	if err := json.NewDecoder(r.Body).Decode(&hb); err != nil {
		writeError(w, 400, "invalid", "body is not JSON")
		return
	}
	e.mu.Lock()
	e.heartbeats = append(e.heartbeats, hb)
	e.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"blob_url_hint": "", "heartbeat_interval_seconds": 30})
}

func (e *fakeEngine) files(w http.ResponseWriter, r *http.Request, node string) {
	var req filesRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, 400, "invalid", "body is not JSON")
		return
	}
	prefix := e.tenant + "/" + node + "/"
	queued := 0
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range req.Files {
		if !strings.HasPrefix(f.ManifestKey, prefix) || !strings.HasSuffix(f.ManifestKey, ".manifest.json") ||
			f.Manifest.File != strings.TrimSuffix(f.ManifestKey[len(prefix):], ".manifest.json") {
			writeError(w, 400, "invalid", "manifest key outside the node's prefix")
			return
		}
		if err := f.Manifest.Validate(); err != nil {
			writeError(w, 400, "invalid", "bad manifest")
			return
		}
	}
	for _, f := range req.Files {
		e.notices = append(e.notices, f)
		if !e.queued[f.ManifestKey] {
			e.queued[f.ManifestKey] = true
			queued++
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]int{"accepted": len(req.Files), "queued": queued})
}

// counts returns the number of enrollments, heartbeats and notices so far.
func (e *fakeEngine) counts() (enrollments, heartbeats, notices int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.enrollments, len(e.heartbeats), len(e.notices)
}

func (e *fakeEngine) lastHeartbeat() (Heartbeat, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.heartbeats) == 0 {
		return Heartbeat{}, false
	}
	return e.heartbeats[len(e.heartbeats)-1], true
}

// noticeKeys returns how often each manifest key was announced.
func (e *fakeEngine) noticeKeys() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for _, n := range e.notices {
		out[n.ManifestKey]++
	}
	return out
}
