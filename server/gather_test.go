package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/server"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

type gatherBundle struct {
	srv    *server.GatherServer
	files  *store.GatherService
	ca     *auth.CA
	admin  context.Context
	tenant *scalefield.Tenant
	queued int
}

// countLimiter refuses a key after max events.
type countLimiter struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

func (l *countLimiter) Allow(_ context.Context, key string, _ scalefield.Limit, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n[key] += n
	if l.n[key] > l.max {
		return scalefield.Errorf(scalefield.ERATELIMIT, "slow down")
	}
	return nil
}

func gatherSetup(t *testing.T) *gatherBundle {
	t.Helper()
	ctx := context.Background()
	db := storetest.NewDB(t)
	b := &gatherBundle{files: store.NewGatherService(db)}
	b.tenant = &scalefield.Tenant{Slug: "acme", Name: "ACME"}
	if err := store.NewTenantService(db).CreateTenant(ctx, b.tenant); err != nil {
		t.Fatal(err)
	}
	b.admin = scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "u", TenantID: b.tenant.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
	key := make([]byte, auth.SecretKeySize)
	_, _ = rand.Read(key)
	cipher, _ := auth.NewCipher(auth.SecretKey{ID: 1, Key: key})
	ca, err := auth.LoadOrCreateCA(ctx, b.files, cipher, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.ca = ca
	cfg := server.DefaultGatherConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.MaxHeartbeatBytes = 4096
	b.srv = &server.GatherServer{Config: cfg, CA: ca, Store: b.files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limiter: &countLimiter{max: 20, n: map[string]int{}}, Queued: func() { b.queued++ }}
	if err := b.srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.srv.Close(context.Background()) })
	return b
}

func (b *gatherBundle) MustToken(t *testing.T) string {
	t.Helper()
	_, secret, err := b.files.CreateGatherEnrollmentToken(b.admin, "db-0", time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// agent is a gather node's side of the protocol.
type agent struct {
	key    *ecdsa.PrivateKey
	cert   *tls.Certificate
	enroll struct{ NodeID, TenantID, KeyPrefix, Certificate, CA string }
}

func newAgent() *agent {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return &agent{key: k}
}

func (a *agent) csr(t *testing.T) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "db-0"}}, a.key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func (a *agent) client(b *gatherBundle) *http.Client {
	cfg := &tls.Config{RootCAs: b.ca.Pool(), ServerName: "127.0.0.1"}
	if a.cert != nil {
		cfg.Certificates = []tls.Certificate{*a.cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

func (a *agent) post(t *testing.T, b *gatherBundle, path string, body any) (int, map[string]any) {
	t.Helper()
	var data []byte
	if s, ok := body.(string); ok {
		data = []byte(s)
	} else {
		data, _ = json.Marshal(body)
	}
	res, err := a.client(b).Post(b.srv.URL()+path, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %d %s is not JSON", path, res.StatusCode, raw)
	}
	if res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("POST %s: content type %q", path, res.Header.Get("Content-Type"))
	}
	return res.StatusCode, out
}

func (a *agent) MustEnroll(t *testing.T, b *gatherBundle, token string) {
	t.Helper()
	status, body := a.post(t, b, "/gather/v1/enroll", map[string]string{"token": token, "csr": a.csr(t), "hostname": "db-0", "version": "1.0"})
	if status != 200 {
		t.Fatalf("enroll: %d %v", status, body)
	}
	raw, _ := json.Marshal(body)
	_ = json.Unmarshal(raw, &struct {
		NodeID      *string `json:"node_id"`
		TenantID    *string `json:"tenant_id"`
		KeyPrefix   *string `json:"key_prefix"`
		Certificate *string `json:"certificate"`
		CA          *string `json:"ca"`
	}{&a.enroll.NodeID, &a.enroll.TenantID, &a.enroll.KeyPrefix, &a.enroll.Certificate, &a.enroll.CA})
	keyDER, _ := x509.MarshalPKCS8PrivateKey(a.key)
	cert, err := tls.X509KeyPair([]byte(a.enroll.Certificate), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	a.cert = &cert
}

func TestGatherEnrollAndHeartbeat(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	a := newAgent()
	token := b.MustToken(t)

	// A bad CSR does not spend the token.
	if status, body := a.post(t, b, "/gather/v1/enroll", map[string]string{"token": token, "csr": "nonsense"}); status != 400 || body["code"] != "invalid" {
		t.Errorf("bad csr: %d %v", status, body)
	}
	a.MustEnroll(t, b, token)
	if a.enroll.TenantID != b.tenant.ID || a.enroll.KeyPrefix != b.tenant.ID+"/"+a.enroll.NodeID+"/" || a.enroll.CA != string(b.ca.CertPEM) {
		t.Errorf("enroll = %+v", a.enroll)
	}
	leaf, _ := x509.ParseCertificate(a.cert.Certificate[0])
	if leaf.Subject.CommonName != a.enroll.NodeID || leaf.Subject.OrganizationalUnit[0] != b.tenant.ID {
		t.Errorf("certificate subject = %v", leaf.Subject)
	}

	t.Run("a token enrolls once", func(t *testing.T) {
		if status, body := newAgent().post(t, b, "/gather/v1/enroll", map[string]string{"token": token, "csr": a.csr(t)}); status != 409 || body["code"] != "conflict" {
			t.Errorf("reused token: %d %v", status, body)
		}
		if status, body := newAgent().post(t, b, "/gather/v1/enroll", map[string]string{"token": "sfg_nope", "csr": a.csr(t)}); status != 401 || body["code"] != "unauthorized" {
			t.Errorf("unknown token: %d %v", status, body)
		}
		if status, _ := newAgent().post(t, b, "/gather/v1/enroll", `{"token": 7}`); status != 400 {
			t.Errorf("bad JSON: %d", status)
		}
	})

	hb := map[string]any{"version": "1.1", "hostname": "db-0.prod", "ips": []string{"10.0.0.4"}, "os": "linux/amd64",
		"databases": []map[string]any{{"engine": "postgresql", "version": "15.8", "name": "orders", "host": "127.0.0.1", "port": 5432}},
		"location":  map[string]any{"lat": 50.1, "lon": 8.7, "label": "FRA"}, "spool": map[string]any{"files": 1, "bytes": 10},
		"collectors": []map[string]any{{"name": "pg", "type": "pglogical", "status": "running", "error": "", "position": "0/1"}}}
	t.Run("heartbeat", func(t *testing.T) {
		status, body := a.post(t, b, "/gather/v1/heartbeat", hb)
		if status != 200 || body["heartbeat_interval_seconds"] != float64(30) {
			t.Fatalf("heartbeat: %d %v", status, body)
		}
		nodes, _, _, _, err := b.files.ListGatherNodes(b.admin, 10, nil)
		if err != nil || len(nodes) != 1 || nodes[0].Version != "1.1" || len(nodes[0].Databases) != 1 || nodes[0].Location == nil ||
			!strings.Contains(string(nodes[0].Inventory), `"pglogical"`) {
			t.Errorf("nodes = %+v, %v", nodes, err)
		}
	})
	t.Run("bad heartbeats", func(t *testing.T) {
		for name, body := range map[string]any{
			"latitude out of range": map[string]any{"location": map[string]any{"lat": 91.0, "lon": 0.0}},
			"port out of range":     map[string]any{"databases": []map[string]any{{"engine": "mysql", "port": 70000}}},
			"collectors not a list": map[string]any{"collectors": "x"},
		} {
			if status, _ := a.post(t, b, "/gather/v1/heartbeat", body); status != 400 {
				t.Errorf("%s: %d", name, status)
			}
		}
		if status, body := a.post(t, b, "/gather/v1/heartbeat", `{"os": "`+strings.Repeat("x", 5000)+`"}`); status != 413 || body["code"] != "too_large" {
			t.Errorf("large body: %d %v", status, body)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		for _, p := range []string{"/gather/v1/heartbeat", "/gather/v1/files"} {
			if status, body := newAgent().post(t, b, p, hb); status != 401 || body["code"] != "unauthorized" {
				t.Errorf("%s without a certificate: %d %v", p, status, body)
			}
		}
	})
	t.Run("a certificate of another CA fails the handshake", func(t *testing.T) {
		other, _ := auth.NewCA(time.Now())
		stranger := newAgent()
		der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, stranger.key)
		nc, err := other.SignNode(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), a.enroll.NodeID, b.tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		stranger.cert = &tls.Certificate{Certificate: [][]byte{nc.Cert.Raw}, PrivateKey: stranger.key}
		data, _ := json.Marshal(hb)
		if res, err := stranger.client(b).Post(b.srv.URL()+"/gather/v1/heartbeat", "application/json", bytes.NewReader(data)); err == nil {
			res.Body.Close()
			t.Errorf("foreign certificate answered %d", res.StatusCode)
		}
	})
	t.Run("a revoked node is refused", func(t *testing.T) {
		c := newAgent()
		c.MustEnroll(t, b, b.MustToken(t))
		if _, err := b.files.RevokeGatherNode(b.admin, c.enroll.NodeID, nil); err != nil {
			t.Fatal(err)
		}
		if status, body := c.post(t, b, "/gather/v1/heartbeat", hb); status != 401 || !strings.Contains(fmt.Sprint(body["error"]), "revoked") {
			t.Errorf("revoked: %d %v", status, body)
		}
	})
}

func TestGatherFileNotices(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	a := newAgent()
	a.MustEnroll(t, b, b.MustToken(t))
	now := time.Now().UTC().Truncate(time.Microsecond)
	manifest := map[string]any{"schema_version": 1, "file": "f1.parquet", "rows": 10, "bytes": 100, "sha256": strings.Repeat("ab", 32),
		"min_time": now, "max_time": now, "source": "pgaudit", "engine": "postgresql", "created_at": now}
	notice := map[string]any{"files": []map[string]any{{"manifest_key": a.enroll.KeyPrefix + "f1.parquet.manifest.json", "manifest": manifest}}}
	status, body := a.post(t, b, "/gather/v1/files", notice)
	if status != 202 || body["accepted"] != float64(1) || body["queued"] != float64(1) || b.queued != 1 {
		t.Fatalf("notice: %d %v (woke the importer %d times)", status, body, b.queued)
	}
	if status, body := a.post(t, b, "/gather/v1/files", notice); status != 202 || body["queued"] != float64(0) {
		t.Errorf("second notice: %d %v", status, body)
	}
	bad := []map[string]any{
		{"manifest_key": b.tenant.ID + "/someone-else/f.parquet.manifest.json"},
		{"manifest_key": a.enroll.KeyPrefix + "f2.parquet.manifest.json", "manifest": manifest},
		{"manifest_key": a.enroll.KeyPrefix + "f1.parquet.manifest.json", "manifest": map[string]any{"schema_version": 99}},
	}
	for i, f := range bad {
		if status, body := a.post(t, b, "/gather/v1/files", map[string]any{"files": []map[string]any{f}}); status != 400 {
			t.Errorf("bad notice %d: %d %v", i, status, body)
		}
	}
	page, err := b.files.ListGatherFiles(b.admin, scalefield.GatherFileFilter{})
	if err != nil || page.TotalCount != 1 || page.Files[0].FoundBy != "notice" || page.Files[0].Manifest == nil || page.Files[0].Manifest.Rows != 10 {
		t.Errorf("queue = %+v, %v", page, err)
	}
}

func TestGatherRateLimits(t *testing.T) {
	t.Parallel()
	b := gatherSetup(t)
	var last int
	for range 25 {
		last, _ = newAgent().post(t, b, "/gather/v1/enroll", map[string]string{"token": "sfg_x", "csr": "x"})
	}
	if last != 429 {
		t.Errorf("25th enrollment from one address: %d, want 429", last)
	}
}
