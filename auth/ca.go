package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// The gather CA's certificate lifetimes.
const (
	// CALifetime is the validity of the CA certificate.
	CALifetime = 10 * 365 * 24 * time.Hour
	// NodeCertLifetime is the validity of an agent's client certificate.
	NodeCertLifetime = 365 * 24 * time.Hour
	// ServerCertLifetime is the validity of a gather listener's server
	// certificate; it is reissued once a third of it is left.
	ServerCertLifetime = 90 * 24 * time.Hour
)

// NodeOrganization is the O of every client certificate the CA issues.
const NodeOrganization = "Scalefield gather"

// caSealContext binds the sealed CA key to its row.
const caSealContext = "gather_ca:key"

// CA is the engine's own certificate authority for gather agents: it signs
// agents' client certificates at enrollment and the gather listener's
// server certificates. Every replica loads the same CA (LoadOrCreateCA).
// It is safe for concurrent use.
type CA struct {
	// Cert is the CA certificate and CertPEM its PEM encoding.
	Cert    *x509.Certificate
	CertPEM []byte
	key     crypto.Signer
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// NewCA creates a CA with a new ECDSA P-256 key and a self-signed
// certificate valid CALifetime from now.
func NewCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("gather CA: generate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "Scalefield gather CA", Organization: []string{NodeOrganization}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("gather CA: self-sign: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("gather CA: %w", err)
	}
	return &CA{Cert: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key, Now: time.Now}, nil
}

// ParseCA loads a CA from its certificate and PKCS#8 private key, both
// PEM, and checks that they belong together.
func ParseCA(certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, errors.New("gather CA: certificate is not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("gather CA: certificate: %w", err)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, errors.New("gather CA: key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("gather CA: key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("gather CA: key cannot sign")
	}
	if pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("gather CA: key does not match the certificate")
	}
	return &CA{Cert: cert, CertPEM: certPEM, key: signer, Now: time.Now}, nil
}

// KeyPEM returns the CA's private key as PKCS#8 PEM, for sealing.
func (ca *CA) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("gather CA: marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Fingerprint returns the lower-case hex sha256 of the CA certificate's
// DER bytes: what an agent pins before it trusts the listener.
func (ca *CA) Fingerprint() string { return CertFingerprint(ca.Cert) }

// CertFingerprint returns the lower-case hex sha256 of cert's DER bytes.
func CertFingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// Pool returns a pool holding the CA certificate alone.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// NodeCert is a client certificate issued to a gather node.
type NodeCert struct {
	Cert *x509.Certificate
	PEM  []byte
	// Serial is the serial number in hex; Fingerprint the sha256 of the DER.
	Serial      string
	Fingerprint []byte
}

// SignNode checks a PEM certificate request and issues the node's client
// certificate for it: CN = nodeID, OU = tenantID, O = NodeOrganization,
// client authentication only, valid NodeCertLifetime. The request's own
// subject and extensions are ignored. EINVALID for a request that is not
// PEM, fails its signature, or has a weak or unsupported key.
func (ca *CA) SignNode(csrPEM []byte, nodeID, tenantID string) (*NodeCert, error) {
	b, _ := pem.Decode(csrPEM)
	if b == nil || (b.Type != "CERTIFICATE REQUEST" && b.Type != "NEW CERTIFICATE REQUEST") {
		return nil, scalefield.Errorf(scalefield.EINVALID, "csr must be a PEM CERTIFICATE REQUEST")
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, scalefield.Errorf(scalefield.EINVALID, "csr cannot be parsed: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, scalefield.Errorf(scalefield.EINVALID, "csr signature does not verify")
	}
	if err := checkNodeKey(csr.PublicKey); err != nil {
		return nil, err
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{CommonName: nodeID, OrganizationalUnit: []string{tenantID},
			Organization: []string{NodeOrganization}},
		NotBefore:   now.Add(-5 * time.Minute),
		NotAfter:    now.Add(NodeCertLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if _, ok := csr.PublicKey.(*rsa.PublicKey); ok {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, csr.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("sign node certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("sign node certificate: %w", err)
	}
	sum := sha256.Sum256(der)
	return &NodeCert{Cert: cert, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Serial: cert.SerialNumber.Text(16), Fingerprint: sum[:]}, nil
}

func checkNodeKey(pub any) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return scalefield.Errorf(scalefield.EINVALID, "csr key: ECDSA keys must be P-256 or P-384")
		}
	case ed25519.PublicKey:
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return scalefield.Errorf(scalefield.EINVALID, "csr key: RSA keys must have at least 2048 bits")
		}
	default:
		return scalefield.Errorf(scalefield.EINVALID, "csr key: want ECDSA, Ed25519 or RSA")
	}
	return nil
}

// NodeIdentity is who a verified client certificate says it is.
type NodeIdentity struct {
	NodeID, TenantID string
	// Serial is the serial number in hex; Fingerprint the sha256 of the DER.
	Serial      string
	Fingerprint []byte
}

// VerifyNode checks that cert chains to the CA, is valid now and is for
// client authentication, and returns the node identity it carries.
// EUNAUTHORIZED when it does not verify. Revocation is the caller's check:
// the CA does not know which nodes are revoked.
func (ca *CA) VerifyNode(cert *x509.Certificate) (NodeIdentity, error) {
	_, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: ca.now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return NodeIdentity{}, scalefield.Errorf(scalefield.EUNAUTHORIZED, "client certificate not issued by the gather CA or expired")
	}
	if len(cert.Subject.OrganizationalUnit) != 1 || cert.Subject.CommonName == "" {
		return NodeIdentity{}, scalefield.Errorf(scalefield.EUNAUTHORIZED, "client certificate does not name a node")
	}
	sum := sha256.Sum256(cert.Raw)
	return NodeIdentity{NodeID: cert.Subject.CommonName, TenantID: cert.Subject.OrganizationalUnit[0],
		Serial: cert.SerialNumber.Text(16), Fingerprint: sum[:]}, nil
}

// IssueServer issues a server certificate for hosts (DNS names or IP
// addresses) with a new ECDSA P-256 key, valid ServerCertLifetime.
func (ca *CA) IssueServer(hosts []string) (*tls.Certificate, error) {
	if len(hosts) == 0 {
		return nil, scalefield.Errorf(scalefield.EINVALID, "server certificate needs at least one host name")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("server certificate: generate key: %w", err)
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{NodeOrganization}},
		NotBefore:    now.Add(-5 * time.Minute),
		NotAfter:     now.Add(ServerCertLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// ServerCertSource hands out the listener's server certificate, issuing a
// new one when less than a third of the current one's lifetime is left.
// Its GetCertificate goes into tls.Config.
type ServerCertSource struct {
	CA    *CA
	Hosts []string

	mu   sync.Mutex
	cert *tls.Certificate
}

// GetCertificate implements tls.Config.GetCertificate.
func (s *ServerCertSource) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.CA.now()
	if s.cert != nil {
		life := s.cert.Leaf.NotAfter.Sub(s.cert.Leaf.NotBefore)
		if s.cert.Leaf.NotAfter.Sub(now) > life/3 {
			return s.cert, nil
		}
	}
	c, err := s.CA.IssueServer(s.Hosts)
	if err != nil {
		return nil, err
	}
	s.cert = c
	return c, nil
}

// CAStore keeps the one CA of the engine (see store.GatherService).
type CAStore interface {
	// LoadGatherCA returns the stored CA certificate and sealed key.
	// ENOTFOUND when there is none yet.
	LoadGatherCA(ctx context.Context) (certPEM, sealedKey []byte, err error)
	// CreateGatherCA stores the CA unless one exists, and returns the one
	// stored (a replica that lost the race gets the winner's).
	CreateGatherCA(ctx context.Context, certPEM, sealedKey []byte, at time.Time) (storedCert, storedKey []byte, err error)
}

// LoadOrCreateCA loads the engine's CA from s, creating it on first start.
// The key is sealed with secrets, so every replica needs the same secret
// key.
func LoadOrCreateCA(ctx context.Context, s CAStore, secrets *Cipher, now time.Time) (*CA, error) {
	certPEM, sealed, err := s.LoadGatherCA(ctx)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		ca, err := NewCA(now)
		if err != nil {
			return nil, err
		}
		keyPEM, err := ca.KeyPEM()
		if err != nil {
			return nil, err
		}
		if sealed, err = secrets.Encrypt(keyPEM, caSealContext); err != nil {
			return nil, fmt.Errorf("gather CA: seal key: %w", err)
		}
		certPEM, sealed, err = s.CreateGatherCA(ctx, ca.CertPEM, sealed, now)
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	keyPEM, err := secrets.Decrypt(sealed, caSealContext)
	if err != nil {
		return nil, fmt.Errorf("gather CA: the stored key does not open with this secret key (replicas must share --secret-key-file): %w", err)
	}
	return ParseCA(certPEM, keyPEM)
}

func (ca *CA) now() time.Time {
	if ca.Now != nil {
		return ca.Now()
	}
	return time.Now()
}

// randomSerial returns a random positive 128-bit serial number.
func randomSerial() *big.Int {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[0] &= 0x7f
	n := new(big.Int).SetBytes(b[:])
	if n.Sign() == 0 {
		n.SetInt64(1)
	}
	return n
}

// ParseHostnames splits a comma-separated list of host names and
// addresses, trimming blanks. EINVALID for an empty list or a name with
// spaces.
func ParseHostnames(s string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, " \t/") {
			return nil, scalefield.Errorf(scalefield.EINVALID, "host name %q is not a DNS name or IP address", h)
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, scalefield.Errorf(scalefield.EINVALID, "at least one host name is required")
	}
	return out, nil
}
