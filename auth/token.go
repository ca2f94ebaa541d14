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
	// MFAAudience is the audience of MFA challenge tokens, so that a
	// challenge is never accepted as an access token or the other way round.
	MFAAudience = "scalefield-mfa"
	// signingMethod is the only algorithm accepted.
	signingMethod = "EdDSA"
)

// Claims are the claims of an access token.
type Claims struct {
	jwt.RegisteredClaims
	TenantID  string   `json:"tid"`
	Role      string   `json:"role"`
	SessionID string   `json:"sid"`
	AMR       []string `json:"amr"`
	Scope     string   `json:"scope"`
}

// Signer issues and verifies access tokens with an Ed25519 key. Each token
// names its key in the kid header; previous public keys keep verifying
// during a key rotation until their tokens have expired.
type Signer struct {
	key ed25519.PrivateKey
	kid string
	// verify holds the current and previous public keys by key ID.
	verify map[string]ed25519.PublicKey
	// TTL is how long an access token lives.
	TTL time.Duration
	Now scalefield.Clock
}

// NewSigner returns a Signer that signs with key and verifies tokens of key
// and of any previous public key (for a rotation: sign with the new key,
// keep the old one's public key here for one access-token lifetime).
func NewSigner(key ed25519.PrivateKey, ttl time.Duration, previous ...ed25519.PublicKey) *Signer {
	s := &Signer{key: key, TTL: ttl, Now: time.Now, verify: map[string]ed25519.PublicKey{}}
	pub := key.Public().(ed25519.PublicKey)
	s.kid = keyID(pub)
	s.verify[s.kid] = pub
	for _, p := range previous {
		s.verify[keyID(p)] = p
	}
	return s
}

// keyID names a public key: the first 12 bytes of its SHA-256, base64url.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// LoadKey reads a PKCS#8 PEM Ed25519 private key from path, for instance
// the previous key during a rotation. Unlike LoadOrCreateKey it never
// creates one.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	return parseKey(path, data)
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
	return parseKey(path, data)
}

func parseKey(path string, data []byte) (ed25519.PrivateKey, error) {
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

// Issue returns a signed access token for the session (its UserID,
// TenantID, Role, SessionID, AMR and Scope) and the token's expiry.
func (s *Signer) Issue(sess *scalefield.Session) (string, time.Time, error) {
	exp := s.Now().Add(s.TTL).Truncate(time.Second) // JWT times are whole seconds
	claims := &Claims{
		TenantID:  sess.TenantID,
		Role:      string(sess.Role),
		SessionID: sess.SessionID,
		AMR:       sess.AMR,
		Scope:     string(sess.Scope),
	}
	token, err := s.sign(claims, Audience, sess.UserID, exp)
	return token, exp, err
}

// sign fills the registered claims of c and signs it.
func (s *Signer) sign(c jwtClaims, audience, subject string, exp time.Time) (string, error) {
	now := s.Now()
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	*c.registered() = jwt.RegisteredClaims{
		Issuer:    Issuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings{audience},
		ExpiresAt: jwt.NewNumericDate(exp),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        base64.RawURLEncoding.EncodeToString(id),
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = s.kid
	signed, err := tok.SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signed, nil
}

// jwtClaims are claims with registered claims inside.
type jwtClaims interface {
	jwt.Claims
	registered() *jwt.RegisteredClaims
}

func (c *Claims) registered() *jwt.RegisteredClaims { return &c.RegisteredClaims }

// parse verifies a token's signature (by its kid), algorithm, issuer,
// audience and expiry into c.
func (s *Signer) parse(token string, c jwtClaims, audience string) error {
	_, err := jwt.ParseWithClaims(token, c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		pub, ok := s.verify[kid]
		if !ok {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return pub, nil
	},
		jwt.WithValidMethods([]string{signingMethod}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.Now),
		jwt.WithLeeway(5*time.Second),
	)
	return err
}

// errInvalidToken is the one answer to any token that fails verification.
var errInvalidToken = scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid or expired token")

// Verify checks an access token's signature, algorithm, issuer, audience
// and expiry and returns its session. It does not check that the session
// is still active: Service.Authenticate does. EUNAUTHORIZED for any token
// that fails.
func (s *Signer) Verify(token string) (*scalefield.Session, error) {
	var claims Claims
	if err := s.parse(token, &claims, Audience); err != nil {
		return nil, &scalefield.Error{Code: scalefield.EUNAUTHORIZED, Message: errInvalidToken.Message, Err: err}
	}
	role := scalefield.Role(claims.Role)
	scope := scalefield.SessionScope(claims.Scope)
	if claims.Subject == "" || claims.TenantID == "" || claims.SessionID == "" || !role.Valid() ||
		(scope != scalefield.ScopeFull && scope != scalefield.ScopeMFAEnrollment) {
		return nil, errInvalidToken
	}
	return &scalefield.Session{
		UserID:    claims.Subject,
		TenantID:  claims.TenantID,
		Role:      role,
		SessionID: claims.SessionID,
		AMR:       claims.AMR,
		Scope:     scope,
		ExpiresAt: claims.ExpiresAt.UTC(),
	}, nil
}

// mfaClaims are the claims of an MFA challenge: the first factor passed
// for the user in the tenant, the second is pending.
type mfaClaims struct {
	jwt.RegisteredClaims
	TenantID string   `json:"tid"`
	AMR      []string `json:"amr"`
}

func (c *mfaClaims) registered() *jwt.RegisteredClaims { return &c.RegisteredClaims }

// issueMFAChallenge signs a challenge for VerifyMFA that expires after ttl.
func (s *Signer) issueMFAChallenge(userID, tenantID string, amr []string, ttl time.Duration) (string, time.Time, error) {
	exp := s.Now().Add(ttl).Truncate(time.Second)
	token, err := s.sign(&mfaClaims{TenantID: tenantID, AMR: amr}, MFAAudience, userID, exp)
	return token, exp, err
}

// verifyMFAChallenge returns the user, tenant and first-factor methods of
// a challenge. EUNAUTHORIZED when it fails verification or expired.
func (s *Signer) verifyMFAChallenge(token string) (userID, tenantID string, amr []string, err error) {
	var c mfaClaims
	if err := s.parse(token, &c, MFAAudience); err != nil {
		return "", "", nil, &scalefield.Error{Code: scalefield.EUNAUTHORIZED, Message: "the sign-in expired: sign in again", Err: err}
	}
	if c.Subject == "" || c.TenantID == "" {
		return "", "", nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "the sign-in expired: sign in again")
	}
	return c.Subject, c.TenantID, c.AMR, nil
}
