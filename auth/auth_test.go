package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	scalefield "github.com/scalefield/scalefield"
)

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	hash, err := HashPassword("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not PHC argon2id with the configured parameters", hash)
	}
	for pw, want := range map[string]bool{"a long enough passphrase": true, "a long enough passphrasE": false, "": false} {
		if got, err := VerifyPassword(hash, pw); err != nil || got != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
	if _, err := HashPassword("short"); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("short password: got %v, want EINVALID", err)
	}
	if _, err := VerifyPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("foreign hash format: want error")
	}
}

func newSigner(t *testing.T, now time.Time) *Signer {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(key, 15*time.Minute)
	s.Now = func() time.Time { return now }
	return s
}

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	s := newSigner(t, now)
	issued := &scalefield.Session{UserID: "user-1", TenantID: "tenant-1", Role: scalefield.RoleAnalyst,
		SessionID: "session-1", AMR: []string{"pwd"}, Scope: scalefield.ScopeFull}
	token, exp, err := s.Issue(issued)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(15 * time.Minute)) {
		t.Errorf("expiry = %v", exp)
	}

	t.Run("a fresh token verifies", func(t *testing.T) {
		got, err := s.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		want := scalefield.Session{UserID: "user-1", TenantID: "tenant-1", Role: scalefield.RoleAnalyst,
			SessionID: "session-1", AMR: []string{"pwd"}, Scope: scalefield.ScopeFull, ExpiresAt: exp}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("got %+v, want %+v", *got, want)
		}
	})

	t.Run("an expired token is refused", func(t *testing.T) {
		later := *s
		later.Now = func() time.Time { return now.Add(16 * time.Minute) }
		if _, err := later.Verify(token); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
			t.Errorf("got %v, want EUNAUTHORIZED", err)
		}
	})

	t.Run("a token of another key is refused", func(t *testing.T) {
		other := newSigner(t, now)
		if _, err := other.Verify(token); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
			t.Errorf("got %v, want EUNAUTHORIZED", err)
		}
	})

	forge := func(method jwt.SigningMethod, key any, mutate func(jwt.MapClaims), header map[string]any) string {
		claims := jwt.MapClaims{"iss": Issuer, "aud": Audience, "sub": "user-1", "tid": "tenant-1", "role": "analyst",
			"sid": "session-1", "scope": "full", "amr": []string{"pwd"}, "exp": now.Add(time.Minute).Unix(), "iat": now.Unix()}
		if mutate != nil {
			mutate(claims)
		}
		tok := jwt.NewWithClaims(method, claims)
		tok.Header["kid"] = s.kid
		for k, v := range header {
			tok.Header[k] = v
		}
		out, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	refused := map[string]string{
		"HS256 with the public key as secret": forge(jwt.SigningMethodHS256, []byte(s.key.Public().(ed25519.PublicKey)), nil, nil),
		"alg none":                            forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, nil),
		"wrong audience":                      forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { c["aud"] = "other" }, nil),
		"wrong issuer":                        forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { c["iss"] = "other" }, nil),
		"no expiry":                           forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { delete(c, "exp") }, nil),
		"unknown role":                        forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { c["role"] = "root" }, nil),
		"no tenant":                           forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { delete(c, "tid") }, nil),
		"no session id":                       forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { delete(c, "sid") }, nil),
		"unknown scope":                       forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { c["scope"] = "root" }, nil),
		"MFA challenge audience":              forge(jwt.SigningMethodEdDSA, s.key, func(c jwt.MapClaims) { c["aud"] = MFAAudience }, nil),
		"unknown key id":                      forge(jwt.SigningMethodEdDSA, s.key, nil, map[string]any{"kid": "other"}),
		"garbage":                             "not.a.token",
	}
	for name, token := range refused {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, err := s.Verify(token); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
				t.Errorf("got %v, want EUNAUTHORIZED", err)
			}
		})
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "key.pem")
	first, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(again) {
		t.Error("second load returned a different key")
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	old := newSigner(t, now)
	sess := &scalefield.Session{UserID: "u", TenantID: "t", Role: scalefield.RoleViewer, SessionID: "s", Scope: scalefield.ScopeFull}
	oldToken, _, err := old.Issue(sess)
	if err != nil {
		t.Fatal(err)
	}
	_, newKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rotated := NewSigner(newKey, 15*time.Minute, old.key.Public().(ed25519.PublicKey))
	rotated.Now = old.Now
	if _, err := rotated.Verify(oldToken); err != nil {
		t.Errorf("token of the previous key: %v, want it accepted during rotation", err)
	}
	newToken, _, err := rotated.Issue(sess)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rotated.Verify(newToken); err != nil {
		t.Errorf("token of the new key: %v", err)
	}
	if _, err := old.Verify(newToken); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("new token on a signer without the new key: %v, want EUNAUTHORIZED", err)
	}
	withoutPrevious := NewSigner(newKey, 15*time.Minute)
	withoutPrevious.Now = old.Now
	if _, err := withoutPrevious.Verify(oldToken); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("old token once the previous key is dropped: %v, want EUNAUTHORIZED", err)
	}
}

func TestMFAChallengeIsNotAnAccessToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	s := newSigner(t, now)
	challenge, exp, err := s.issueMFAChallenge("u", "t", []string{"pwd"}, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(5 * time.Minute)) {
		t.Errorf("challenge expiry = %v", exp)
	}
	if _, err := s.Verify(challenge); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("challenge as access token: %v, want EUNAUTHORIZED", err)
	}
	access, _, err := s.Issue(&scalefield.Session{UserID: "u", TenantID: "t", Role: scalefield.RoleViewer, SessionID: "s", Scope: scalefield.ScopeFull})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.verifyMFAChallenge(access); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("access token as challenge: %v, want EUNAUTHORIZED", err)
	}
	if u, tid, amr, err := s.verifyMFAChallenge(challenge); err != nil || u != "u" || tid != "t" || !reflect.DeepEqual(amr, []string{"pwd"}) {
		t.Errorf("challenge = %q %q %v %v", u, tid, amr, err)
	}
	later := *s
	later.Now = func() time.Time { return now.Add(6 * time.Minute) }
	if _, _, _, err := later.verifyMFAChallenge(challenge); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("expired challenge: %v, want EUNAUTHORIZED", err)
	}
}
