package agent

import (
	"context"
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
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/scalefield/scalefield"
)

// Files of the agent's identity under <state dir>/identity.
const (
	identityDir = "identity"
	keyFile     = "key.pem"
	certFile    = "cert.pem"
	caFile      = "ca.pem"
	nodeFile    = "node.json"
)

// Identity is what enrollment gave the agent.
type Identity struct {
	NodeID   string `json:"node_id"`
	TenantID string `json:"tenant_id"`
	// KeyPrefix is "<tenant id>/<node id>/": where the agent's files go in
	// the blob store.
	KeyPrefix string `json:"key_prefix"`

	cert tls.Certificate
	ca   *x509.CertPool
}

// loadIdentity reads a stored identity; os.ErrNotExist (wrapped) when the
// agent has not enrolled yet.
func loadIdentity(stateDir string) (*Identity, error) {
	dir := filepath.Join(stateDir, identityDir)
	b, err := os.ReadFile(filepath.Join(dir, nodeFile))
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	var id Identity
	if err := json.Unmarshal(b, &id); err != nil {
		return nil, fmt.Errorf("load identity: %s: %w", nodeFile, err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), filepath.Join(dir, keyFile))
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, caFile))
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("load identity: %s holds no certificate", caFile)
	}
	id.cert, id.ca = cert, pool
	return &id, nil
}

// enrollRequest and enrollResponse are the bodies of POST /gather/v1/enroll.
type enrollRequest struct {
	Token    string `json:"token"`
	CSR      string `json:"csr"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
}

type enrollResponse struct {
	NodeID      string `json:"node_id"`
	TenantID    string `json:"tenant_id"`
	KeyPrefix   string `json:"key_prefix"`
	Certificate string `json:"certificate"`
	CA          string `json:"ca"`
}

// enroll creates a key and CSR, exchanges them with the token for a
// certificate, and stores the identity (key and certificate 0600).
func enroll(ctx context.Context, c *client, cfg *Config, hostname string) (*Identity, error) {
	token, err := cfg.Engine.token()
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "not enrolled yet: set engine.token or engine.token_file")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("enroll: generate key: %w", err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: hostname},
	}, key)
	if err != nil {
		return nil, fmt.Errorf("enroll: create CSR: %w", err)
	}
	req := enrollRequest{
		Token:    token,
		CSR:      string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER})),
		Hostname: hostname,
		Version:  scalefield.Version,
	}
	var resp enrollResponse
	if err := c.post(ctx, "/gather/v1/enroll", req, &resp); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("enroll: marshal key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair([]byte(resp.Certificate), keyPEM)
	if err != nil {
		return nil, fmt.Errorf("enroll: the engine's certificate does not match the key: %w", err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("enroll: parse certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(resp.CA)) {
		return nil, errors.New("enroll: the engine sent no CA certificate")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return nil, fmt.Errorf("enroll: the certificate is not issued by the engine's CA: %w", err)
	}
	id := &Identity{NodeID: resp.NodeID, TenantID: resp.TenantID, KeyPrefix: resp.KeyPrefix, cert: cert, ca: pool}
	// The certificate is authoritative: CN is the node, OU the tenant.
	if leaf.Subject.CommonName != "" {
		id.NodeID = leaf.Subject.CommonName
	}
	if len(leaf.Subject.OrganizationalUnit) > 0 {
		id.TenantID = leaf.Subject.OrganizationalUnit[0]
	}
	if id.NodeID == "" || id.TenantID == "" {
		return nil, errors.New("enroll: the certificate names no node (CN) or tenant (OU)")
	}
	id.KeyPrefix = id.TenantID + "/" + id.NodeID + "/"

	dir := filepath.Join(cfg.StateDir, identityDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	node, _ := json.MarshalIndent(id, "", "  ")
	// node.json last: its presence means the identity is complete.
	for _, f := range []struct {
		name string
		data []byte
	}{
		{keyFile, keyPEM}, {certFile, []byte(resp.Certificate)}, {caFile, []byte(resp.CA)}, {nodeFile, append(node, '\n')},
	} {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, 0o600); err != nil {
			return nil, fmt.Errorf("enroll: store %s: %w", f.name, err)
		}
	}
	return id, nil
}

// enrollTLS returns the client TLS configuration for enrollment: the
// server is verified against engine.ca_file, or its chain must hold a CA
// with engine.ca_fingerprint that signed the server's certificate.
func enrollTLS(cfg *EngineConfig) (*tls.Config, error) {
	if cfg.CAFile != "" {
		b, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read engine CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, scalefield.Errorf(scalefield.EINVALID, "engine.ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
	}
	if cfg.CAFingerprint == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "not enrolled yet: set engine.ca_file or engine.ca_fingerprint so the engine can be trusted")
	}
	want := normFingerprint(cfg.CAFingerprint)
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The chain is checked below against the pinned CA instead of the
		// system roots.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPinned(cs, want)
		},
	}, nil
}

// verifyPinned checks that the server's chain holds the CA whose DER
// sha256 is want and that the CA issued the server's certificate for the
// name dialed.
func verifyPinned(cs tls.ConnectionState, want string) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("engine sent no certificate")
	}
	for _, c := range cs.PeerCertificates {
		sum := sha256.Sum256(c.Raw)
		if hex.EncodeToString(sum[:]) != want {
			continue
		}
		pool := x509.NewCertPool()
		pool.AddCert(c)
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: cs.ServerName})
		if err != nil {
			return fmt.Errorf("engine certificate does not verify against the pinned CA: %w", err)
		}
		return nil
	}
	return errors.New("engine's certificate chain does not include the CA with the configured fingerprint (configure engine.ca_file instead)")
}

// mtls returns the client TLS configuration once enrolled.
func (id *Identity) mtls() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		RootCAs:      id.ca,
		Certificates: []tls.Certificate{id.cert},
	}
}

// writeFileAtomic writes data to path through a synced temporary file and
// a rename, then syncs the directory.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
