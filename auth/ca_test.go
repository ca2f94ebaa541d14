package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func mustCSR(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "ignored", OrganizationalUnit: []string{"other-tenant"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func mustCA(t *testing.T) *CA {
	t.Helper()
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func TestCASignsNodeCertificates(t *testing.T) {
	t.Parallel()
	ca := mustCA(t)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, key := range map[string]crypto.Signer{"p256": p256, "ed25519": ed, "rsa2048": rsa2048} {
		t.Run(name, func(t *testing.T) {
			nc, err := ca.SignNode(mustCSR(t, key), "node-1", "tenant-1")
			if err != nil {
				t.Fatal(err)
			}
			c := nc.Cert
			if c.Subject.CommonName != "node-1" || len(c.Subject.OrganizationalUnit) != 1 || c.Subject.OrganizationalUnit[0] != "tenant-1" {
				t.Errorf("subject = %v, want the node and tenant, not the CSR's", c.Subject)
			}
			if life := c.NotAfter.Sub(c.NotBefore); life < NodeCertLifetime || life > NodeCertLifetime+time.Hour {
				t.Errorf("lifetime = %s", life)
			}
			id, err := ca.VerifyNode(c)
			if err != nil {
				t.Fatal(err)
			}
			if id.NodeID != "node-1" || id.TenantID != "tenant-1" || id.Serial != nc.Serial || string(id.Fingerprint) != string(nc.Fingerprint) {
				t.Errorf("identity = %+v, cert %s", id, nc.Serial)
			}
		})
	}
}

func TestCARefusesBadRequestsAndForeignCertificates(t *testing.T) {
	t.Parallel()
	ca := mustCA(t)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	good, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tampered := mustCSR(t, good)
	blk, _ := pem.Decode(tampered)
	blk.Bytes[len(blk.Bytes)-3] ^= 0xff
	for name, csr := range map[string][]byte{
		"not pem":       []byte("hello"),
		"rsa 1024":      mustCSR(t, weak),
		"p224":          mustCSR(t, p224),
		"bad signature": pem.EncodeToMemory(blk),
		"certificate":   ca.CertPEM,
	} {
		if _, err := ca.SignNode(csr, "n", "t"); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", name, err)
		}
	}

	other := mustCA(t)
	nc, err := other.SignNode(mustCSR(t, good), "n", "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.VerifyNode(nc.Cert); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("certificate of another CA: %v", err)
	}
	server, err := ca.IssueServer([]string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.VerifyNode(server.Leaf); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("server certificate as client: %v", err)
	}
	later := mustCA(t)
	later.Cert, later.key = ca.Cert, ca.key
	later.Now = func() time.Time { return time.Now().Add(NodeCertLifetime + 24*time.Hour) }
	own, _ := ca.SignNode(mustCSR(t, good), "n", "t")
	if _, err := later.VerifyNode(own.Cert); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("expired certificate: %v", err)
	}
}

func TestServerCertificateCoversHostsAndRotates(t *testing.T) {
	t.Parallel()
	ca := mustCA(t)
	now := time.Now()
	ca.Now = func() time.Time { return now }
	src := &ServerCertSource{CA: ca, Hosts: []string{"gather.example", "127.0.0.1"}}
	c1, err := src.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"gather.example", "127.0.0.1"} {
		if _, err := c1.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: h, CurrentTime: now}); err != nil {
			t.Errorf("verify for %s: %v", h, err)
		}
	}
	if c2, _ := src.GetCertificate(nil); c2 != c1 {
		t.Error("certificate reissued while fresh")
	}
	now = now.Add(ServerCertLifetime * 2 / 3).Add(time.Hour)
	if c3, _ := src.GetCertificate(nil); c3 == c1 || !c3.Leaf.NotAfter.After(c1.Leaf.NotAfter) {
		t.Error("certificate not reissued near its end")
	}
}

// memCAStore is a CAStore in memory.
type memCAStore struct {
	mu        sync.Mutex
	cert, key []byte
	created   int
}

func (s *memCAStore) LoadGatherCA(context.Context) ([]byte, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cert == nil {
		return nil, nil, scalefield.Errorf(scalefield.ENOTFOUND, "no CA")
	}
	return s.cert, s.key, nil
}

func (s *memCAStore) CreateGatherCA(_ context.Context, cert, key []byte, _ time.Time) ([]byte, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cert == nil {
		s.cert, s.key = cert, key
		s.created++
	}
	return s.cert, s.key, nil
}

func TestLoadOrCreateCAIsSharedAndSealed(t *testing.T) {
	t.Parallel()
	key := mustKey(t, 1)
	c, _ := NewCipher(key)
	s := &memCAStore{}
	a, err := LoadOrCreateCA(context.Background(), s, c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateCA(context.Background(), s, c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint() != b.Fingerprint() || s.created != 1 {
		t.Errorf("two loads gave two CAs (%d created)", s.created)
	}
	if string(s.key) == "" || containsPEM(s.key) {
		t.Error("the stored key is not sealed")
	}
	other, _ := NewCipher(mustKey(t, 1))
	if _, err := LoadOrCreateCA(context.Background(), s, other, time.Now()); err == nil {
		t.Error("a replica with another secret key loaded the CA")
	}
}

func containsPEM(b []byte) bool {
	blk, _ := pem.Decode(b)
	return blk != nil
}

func TestParseHostnames(t *testing.T) {
	t.Parallel()
	got, err := ParseHostnames(" localhost, 127.0.0.1 ,,gather.example")
	if err != nil || len(got) != 3 || got[2] != "gather.example" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{"", " , ", "a b"} {
		if _, err := ParseHostnames(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
