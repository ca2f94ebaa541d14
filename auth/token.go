package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"

	scalefield "github.com/scalefield/scalefield"
)

// Token claims constants. Tokens signed by anything else are refused.
const (
	Issuer   = "scalefield"
	Audience = "scalefield-api"
	// signingMethod is the only algorithm accepted.
	signingMethod = "EdDSA"
)

// Claims are the claims of an access token.
type Claims struct {
	jwt.RegisteredClaims
	TenantID string `json:"tid"`
	Role     string `json:"role"`
}

// Signer issues and verifies access tokens with an Ed25519 key. The key ID
// (kid) lets a later key rotation accept tokens of the previous key.
type Signer struct {
	key ed25519.PrivateKey
	kid string
	// TTL is how long an access token lives.
	TTL time.Duration
	Now scalefield.Clock
}

// NewSigner returns a Signer for key.
func NewSigner(key ed25519.PrivateKey, ttl time.Duration) *Signer {
	sum := sha256.Sum256(key.Public().(ed25519.PublicKey))
	return &Signer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:12]), TTL: ttl, Now: time.Now}
}

// LoadOrCreateKey reads a PKCS#8 PEM Ed25519 private key from path, or
// creates one there (mode 0600) when the file does not exist, the way SSH
// host keys are made on first start. Every replica must be given the same
// file.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate signing key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("encode signing key: %w", err)
		}
		out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(path, out, 0o600); err != nil {
			return nil, fmt.Errorf("write signing key: %w", err)
		}
		return key, nil
	} else if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("signing key %s: no PEM block", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an Ed25519 key", path)
	}
	return key, nil
}

// Issue returns a signed access token for the session and its expiry.
func (s *Signer) Issue(userID, tenantID string, role scalefield.Role) (string, time.Time, error) {
	now := s.Now()
	exp := now.Add(s.TTL).Truncate(time.Second) // JWT times are whole seconds
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        base64.RawURLEncoding.EncodeToString(id),
		},
		TenantID: tenantID,
		Role:     string(role),
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = s.kid
	signed, err := tok.SignedString(s.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return signed, exp, nil
}

// Verify checks a token's signature, algorithm, issuer, audience and expiry
// and returns its session. EUNAUTHORIZED for any token that fails.
func (s *Signer) Verify(token string) (*scalefield.Session, error) {
	var claims Claims
	_, err := jwt.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return s.key.Public(), nil
	},
		jwt.WithValidMethods([]string{signingMethod}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.Now),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil {
		return nil, &scalefield.Error{Code: scalefield.EUNAUTHORIZED, Message: "invalid or expired token", Err: err}
	}
	role := scalefield.Role(claims.Role)
	if claims.Subject == "" || claims.TenantID == "" || !role.Valid() {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid or expired token")
	}
	return &scalefield.Session{
		UserID:    claims.Subject,
		TenantID:  claims.TenantID,
		Role:      role,
		ExpiresAt: claims.ExpiresAt.UTC(),
	}, nil
}
