package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
)

// geAgent is the agent side of the gather protocol, written from
// docs/gather-protocol.md.
type geAgent struct {
	url    string
	roots  *x509.CertPool
	key    *ecdsa.PrivateKey
	cert   *tls.Certificate
	nodeID string
	prefix string
}

func geNewAgent(t *testing.T, m *Main, caPEM string) *geAgent {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(caPEM)) {
		t.Fatal("the CA certificate from the token is not PEM")
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return &geAgent{url: "https://" + m.Gather.Addr(), roots: roots, key: key}
}

func (a *geAgent) post(t *testing.T, path string, body any) (int, map[string]any) {
	t.Helper()
	cfg := &tls.Config{RootCAs: a.roots, ServerName: "127.0.0.1"}
	if a.cert != nil {
		cfg.Certificates = []tls.Certificate{*a.cert}
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	defer tr.CloseIdleConnections()
	data, _ := json.Marshal(body)
	res, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Post(a.url+path, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %d %q is not JSON", path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

func (a *geAgent) enroll(t *testing.T, token string) (int, map[string]any) {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, a.key)
	if err != nil {
		t.Fatal(err)
	}
	status, body := a.post(t, "/gather/v1/enroll", map[string]string{"token": token, "hostname": "db-0.prod.internal", "version": "0.9.0",
		"csr": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))})
	if status == 200 {
		keyDER, _ := x509.MarshalPKCS8PrivateKey(a.key)
		cert, err := tls.X509KeyPair([]byte(body["certificate"].(string)), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
		if err != nil {
			t.Fatal(err)
		}
		a.cert, a.nodeID, a.prefix = &cert, body["node_id"].(string), body["key_prefix"].(string)
	}
	return status, body
}

// gePut writes an activity file of the statements and its manifest to the
// shared store, as an agent does, and returns the manifest.
func gePut(t *testing.T, blobs *blobstore.Store, prefix, name string, statements []string) activityfile.Manifest {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := activityfile.NewWriter(f, activityfile.WriterConfig{Name: name, Source: "pgaudit", Engine: "postgresql", Host: "db-0"})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	for i, s := range statements {
		a := scalefield.DBActivity{Time: base.Add(time.Duration(i) * time.Millisecond), Engine: "postgresql", Host: "db-0", Database: "orders",
			User: "app", ClientAddr: "10.0.4.17", ClientPort: 50000 + i, Application: "psql", Session: "65a1.2f", ActionClass: scalefield.DBActionRead,
			Action: "SELECT", Statement: s, Object: "public.orders", ObjectType: "TABLE", Status: "success",
			Raw: "AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.orders," + s, Source: "pgaudit", Position: name + ":" + fmt.Sprint(i)}
		if err := w.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := blobs.PutActivityFile(context.Background(), prefix, p, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// geAdminToken signs in a tenant admin of tenant A with MFA.
func geAdminToken(t *testing.T, b *bundle) string {
	t.Helper()
	admin := MustCreateAdmin(t, b.main, b.a.Tenant, "gather-admin@acme.example")
	var login struct {
		Login struct{ Session struct{ Token string } }
	}
	b.gql.MustPost(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { session { token } } }`,
		&login, client.Var("e", admin), client.Var("p", password))
	var enrol struct{ BeginMfaEnrollment struct{ Secret string } }
	b.gql.MustPost(`mutation { beginMfaEnrollment { secret } }`, &enrol, bearer(login.Login.Session.Token))
	var confirm struct {
		ConfirmMfaEnrollment struct{ Session struct{ Token string } }
	}
	b.gql.MustPost(`mutation($c: String!) { confirmMfaEnrollment(code: $c) { session { token } } }`, &confirm,
		bearer(login.Login.Session.Token), client.Var("c", totpCode(t, enrol.BeginMfaEnrollment.Secret, time.Now())))
	return confirm.ConfirmMfaEnrollment.Session.Token
}

type geImports struct {
	GatherImports struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ManifestKey, Status, FoundBy string
				Error                        *string
				ImportedRows                 float64
			}
		}
	}
}

// geWait polls until cond holds, for up to 30 seconds.
func geWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestGatherEngineEndToEnd(t *testing.T) {
	blobDir := t.TempDir()
	blobURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(blobDir)}).String()
	b := setupWith(t, func(c *Config) {
		c.GatherAddr, c.GatherBlobURL, c.GatherScanInterval = "127.0.0.1:0", blobURL, time.Hour
	})
	ctx := context.Background()
	blobs, err := blobstore.Open(ctx, blobURL)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	admin := geAdminToken(t, b)
	opA := MustMember(t, b, b.a.Tenant, "gather-operator@acme.example", scalefield.RoleOperator)
	opB := MustMember(t, b, b.b.Tenant, "gather-operator@globex.example", scalefield.RoleOperator)

	t.Run("only tenant admins create enrollment tokens", func(t *testing.T) {
		err := b.gql.Post(`mutation { createGatherEnrollmentToken(name: "x") { token } }`, &struct{}{}, bearer(b.a.Token))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("analyst: code = %q, want FORBIDDEN", got)
		}
		err = b.gql.Post(`mutation { createGatherEnrollmentToken(name: "x") { token } }`, &struct{}{}, bearer(opA))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("operator: code = %q, want FORBIDDEN", got)
		}
		err = b.gql.Post(`{ gatherNodes { totalCount } }`, &struct{}{}, bearer(b.a.Token))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("analyst reads nodes: code = %q, want FORBIDDEN", got)
		}
	})
	var created struct {
		CreateGatherEnrollmentToken struct{ ID, Token, CaFingerprint, CaCertificate string }
	}
	b.gql.MustPost(`mutation { createGatherEnrollmentToken(name: "db-0 orders", expiresInHours: 2) { id token caFingerprint caCertificate } }`,
		&created, bearer(admin))
	tok := created.CreateGatherEnrollmentToken
	blk, _ := pem.Decode([]byte(tok.CaCertificate))
	if sum := sha256.Sum256(blk.Bytes); hex.EncodeToString(sum[:]) != tok.CaFingerprint {
		t.Fatalf("CA fingerprint %s does not match the CA certificate", tok.CaFingerprint)
	}

	a := geNewAgent(t, b.main, tok.CaCertificate)
	if status, body := a.enroll(t, tok.Token); status != 200 || body["tenant_id"] != b.a.Tenant.ID || body["ca"] != tok.CaCertificate {
		t.Fatalf("enroll: %d %v", status, body)
	}

	t.Run("a used or expired token is refused", func(t *testing.T) {
		if status, body := geNewAgent(t, b.main, tok.CaCertificate).enroll(t, tok.Token); status != 409 || body["code"] != "conflict" {
			t.Errorf("reused token: %d %v", status, body)
		}
		var late struct{ CreateGatherEnrollmentToken struct{ ID, Token string } }
		b.gql.MustPost(`mutation { createGatherEnrollmentToken(name: "late", expiresInHours: 1) { id token } }`, &late, bearer(admin))
		if _, err := b.main.DB.Pool.Exec(ctx, `UPDATE gather_enrollment_tokens SET created_at = now() - interval '2 hours',
			expires_at = now() - interval '1 hour' WHERE id = $1`, late.CreateGatherEnrollmentToken.ID); err != nil {
			t.Fatal(err)
		}
		if status, body := geNewAgent(t, b.main, tok.CaCertificate).enroll(t, late.CreateGatherEnrollmentToken.Token); status != 401 || body["code"] != "unauthorized" {
			t.Errorf("expired token: %d %v", status, body)
		}
	})

	heartbeat := map[string]any{"version": "0.9.0", "hostname": "db-0.prod.internal", "ips": []string{"10.0.4.17"}, "os": "linux/amd64 Debian 12",
		"databases": []map[string]any{{"engine": "postgresql", "version": "15.8", "name": "orders", "host": "127.0.0.1", "port": 5432}},
		"location":  map[string]any{"lat": 50.11, "lon": 8.68, "label": "Frankfurt DC2"}, "spool": map[string]any{"files": 0, "bytes": 0},
		"collectors": []map[string]any{{"name": "pgaudit", "type": "pgaudit", "status": "running", "error": "", "position": "x:0"}}}
	t.Run("a request without a client certificate is refused", func(t *testing.T) {
		anon := geNewAgent(t, b.main, tok.CaCertificate)
		for _, p := range []string{"/gather/v1/heartbeat", "/gather/v1/files"} {
			if status, body := anon.post(t, p, heartbeat); status != 401 || body["code"] != "unauthorized" {
				t.Errorf("%s: %d %v", p, status, body)
			}
		}
	})
	if status, body := a.post(t, "/gather/v1/heartbeat", heartbeat); status != 200 || body["heartbeat_interval_seconds"] != float64(30) {
		t.Fatalf("heartbeat: %d %v", status, body)
	}

	t.Run("the node is online with its inventory and patch level", func(t *testing.T) {
		var resp struct {
			GatherNodes struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID, Status, Hostname, Version string
						Ips                           []string
						Location                      struct{ Lat, Lon float64 }
						Databases                     []struct{ Engine, Version, LatestVersion, PatchStatus string }
						Collectors                    []struct{ Name, Status string }
					}
				}
			}
		}
		b.gql.MustPost(`{ gatherNodes { totalCount edges { node { id status hostname version ips location { lat lon }
			databases { engine version latestVersion patchStatus } collectors { name status } } } } }`, &resp, bearer(opA))
		if resp.GatherNodes.TotalCount != 1 {
			t.Fatalf("nodes = %+v", resp)
		}
		n := resp.GatherNodes.Edges[0].Node
		if n.ID != a.nodeID || n.Status != "ONLINE" || n.Hostname != "db-0.prod.internal" || n.Location.Lat != 50.11 || len(n.Databases) != 1 ||
			n.Databases[0].PatchStatus != "BEHIND" || n.Databases[0].LatestVersion == "" || len(n.Collectors) != 1 {
			t.Errorf("node = %+v", n)
		}
		var other struct{ GatherNodes struct{ TotalCount int } }
		b.gql.MustPost(`{ gatherNodes { totalCount } }`, &other, bearer(opB))
		if other.GatherNodes.TotalCount != 0 {
			t.Errorf("tenant B sees %d nodes of tenant A", other.GatherNodes.TotalCount)
		}
	})

	statements := make([]string, 40)
	for i := range statements {
		statements[i] = fmt.Sprintf("SELECT * FROM orders WHERE id = %d", i)
	}
	good := gePut(t, blobs, a.prefix, "db-0_pgaudit_000001.parquet", statements)
	bad := gePut(t, blobs, a.prefix, "db-0_pgaudit_000002.parquet", []string{"SELECT 'lost'"})
	badPath := filepath.Join(blobDir, filepath.FromSlash(a.prefix+bad.File))
	data, _ := os.ReadFile(badPath)
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(badPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	notice := map[string]any{"files": []map[string]any{
		{"manifest_key": a.prefix + activityfile.ManifestName(good.File), "manifest": good},
		{"manifest_key": a.prefix + activityfile.ManifestName(bad.File), "manifest": bad},
	}}
	if status, body := a.post(t, "/gather/v1/files", notice); status != 202 || body["accepted"] != float64(2) || body["queued"] != float64(2) {
		t.Fatalf("files: %d %v", status, body)
	}

	var imports geImports
	geWait(t, "both files to leave the queue", func() bool {
		b.gql.MustPost(`{ gatherImports { totalCount edges { node { manifestKey status foundBy error importedRows } } } }`, &imports, bearer(opA))
		done := 0
		for _, e := range imports.GatherImports.Edges {
			if e.Node.Status == "DONE" || e.Node.Status == "QUARANTINED" {
				done++
			}
		}
		return done == 2
	})
	for _, e := range imports.GatherImports.Edges {
		switch {
		case strings.HasSuffix(e.Node.ManifestKey, activityfile.ManifestName(good.File)):
			if e.Node.Status != "DONE" || e.Node.ImportedRows != 40 || e.Node.FoundBy != "NOTICE" {
				t.Errorf("good file: %+v", e.Node)
			}
		default:
			if e.Node.Status != "QUARANTINED" || e.Node.Error == nil || !strings.HasPrefix(*e.Node.Error, "checksum_mismatch") {
				t.Errorf("corrupt file: %+v", e.Node)
			}
		}
	}

	t.Run("each statement is one event", func(t *testing.T) {
		type eventsResp struct {
			Events struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Database struct{ Statement string } }
				}
			}
		}
		var resp eventsResp
		geWait(t, "40 events", func() bool {
			b.gql.MustPost(`{ events(filter: {sourcetype: "db:postgresql"}, first: 100) { totalCount edges { node { database { statement } } } } }`,
				&resp, bearer(b.a.Token))
			return resp.Events.TotalCount >= 40
		})
		seen := map[string]int{}
		for _, e := range resp.Events.Edges {
			seen[e.Node.Database.Statement]++
		}
		for _, s := range statements {
			if seen[s] != 1 {
				t.Errorf("%q seen %d times", s, seen[s])
			}
		}
		if resp.Events.TotalCount != 40 || seen["SELECT 'lost'"] != 0 {
			t.Errorf("events = %d (%v)", resp.Events.TotalCount, seen)
		}
	})

	t.Run("a second notice imports nothing twice", func(t *testing.T) {
		if status, body := a.post(t, "/gather/v1/files", notice); status != 202 || body["queued"] != float64(0) {
			t.Fatalf("files again: %d %v", status, body)
		}
		// A scan meets the same manifests and queues nothing either.
		res, err := b.main.Importer.Scan(ctx)
		if err != nil || res.Manifests != 2 || res.Queued != 0 {
			t.Errorf("scan = %+v, %v", res, err)
		}
		var n int
		if err := b.main.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM bronze_events WHERE tenant_id = $1 AND kind = 'gather'`, b.a.Tenant.ID).Scan(&n); err != nil || n != 40 {
			t.Errorf("bronze rows = %d, %v; want 40", n, err)
		}
		var again geImports
		b.gql.MustPost(`{ gatherImports(status: DONE) { totalCount } }`, &again, bearer(opA))
		if again.GatherImports.TotalCount != 1 {
			t.Errorf("done imports = %d", again.GatherImports.TotalCount)
		}
	})

	t.Run("a quarantined file is retried once replaced", func(t *testing.T) {
		var id string
		var q struct {
			GatherImports struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.gql.MustPost(`{ gatherImports(status: QUARANTINED) { edges { node { id } } } }`, &q, bearer(opA))
		if len(q.GatherImports.Edges) != 1 {
			t.Fatalf("quarantined = %+v", q)
		}
		id = q.GatherImports.Edges[0].Node.ID
		// The agent uploads the pair again, whole this time.
		gePut(t, blobs, a.prefix, bad.File, []string{"SELECT 'lost'"})
		var retried struct{ RetryGatherImport struct{ Status string } }
		b.gql.MustPost(`mutation($id: ID!) { retryGatherImport(id: $id) { status } }`, &retried, bearer(opA), client.Var("id", id))
		if retried.RetryGatherImport.Status != "QUEUED" {
			t.Errorf("retry = %+v", retried)
		}
		b.main.Importer.Notify()
		geWait(t, "the retried file", func() bool {
			var r geImports
			b.gql.MustPost(`{ gatherImports(status: DONE) { totalCount } }`, &r, bearer(opA))
			return r.GatherImports.TotalCount == 2
		})
	})

	t.Run("a revoked node is refused", func(t *testing.T) {
		var revoked struct{ RevokeGatherNode struct{ Status string } }
		b.gql.MustPost(`mutation($id: ID!) { revokeGatherNode(id: $id) { status } }`, &revoked, bearer(admin), client.Var("id", a.nodeID))
		if revoked.RevokeGatherNode.Status != "REVOKED" {
			t.Errorf("revoke = %+v", revoked)
		}
		if status, body := a.post(t, "/gather/v1/heartbeat", heartbeat); status != 401 {
			t.Errorf("heartbeat of a revoked node: %d %v", status, body)
		}
	})

	for _, action := range []string{scalefield.AuditGatherTokenCreated, scalefield.AuditGatherNodeEnrolled, scalefield.AuditGatherNodeRevoked, scalefield.AuditGatherImportRetried} {
		MustHaveAudit(t, b, admin, action)
	}
}
