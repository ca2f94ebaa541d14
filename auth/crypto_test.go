package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func mustKey(t *testing.T, id byte) SecretKey {
	t.Helper()
	k := make([]byte, SecretKeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return SecretKey{ID: id, Key: k}
}

func mustCipher(t *testing.T, current SecretKey, previous ...SecretKey) *Cipher {
	t.Helper()
	c, err := NewCipher(current, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCipherRoundTrip(t *testing.T) {
	t.Parallel()
	c := mustCipher(t, mustKey(t, 1))
	plain := []byte("JBSWY3DPEHPK3PXP")
	a, err := c.Encrypt(plain, "totp:user-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Encrypt(plain, "totp:user-1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two encryptions of one plaintext are equal: the nonce is not random")
	}
	if a[0] != 1 {
		t.Errorf("key id byte = %d, want 1", a[0])
	}
	if bytes.Contains(a, plain) {
		t.Error("ciphertext contains the plaintext")
	}
	for _, ct := range [][]byte{a, b} {
		got, err := c.Decrypt(ct, "totp:user-1")
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Decrypt = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestCipherDetectsTampering(t *testing.T) {
	t.Parallel()
	c := mustCipher(t, mustKey(t, 1))
	ct, err := c.Encrypt([]byte("client-secret"), "oidc-client-secret:tenant-a")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(ct); i++ { // byte 0 is the key id, tested below
		tampered := bytes.Clone(ct)
		tampered[i] ^= 0x01
		if _, err := c.Decrypt(tampered, "oidc-client-secret:tenant-a"); err == nil {
			t.Fatalf("byte %d flipped: decrypted anyway", i)
		}
	}
	cases := map[string]struct {
		ct      []byte
		context string
	}{
		"another row's context": {ct, "oidc-client-secret:tenant-b"},
		"truncated":             {ct[:len(ct)-1], "oidc-client-secret:tenant-a"},
		"only the header":       {ct[:13], "oidc-client-secret:tenant-a"},
		"empty":                 {nil, "oidc-client-secret:tenant-a"},
		"unknown key id":        {append([]byte{9}, ct[1:]...), "oidc-client-secret:tenant-a"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Decrypt(tc.ct, tc.context); err == nil {
				t.Error("decrypted, want an error")
			}
		})
	}
	other := mustCipher(t, mustKey(t, 1))
	if _, err := other.Decrypt(ct, "oidc-client-secret:tenant-a"); err == nil {
		t.Error("another key with the same id decrypted")
	}
}

func TestCipherRotation(t *testing.T) {
	t.Parallel()
	k1, k2 := mustKey(t, 1), mustKey(t, 2)
	old := mustCipher(t, k1)
	sealed, err := old.Encrypt([]byte("secret"), "ctx")
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustCipher(t, k2, k1)
	if got, err := rotated.Decrypt(sealed, "ctx"); err != nil || string(got) != "secret" {
		t.Errorf("old ciphertext after rotation = %q, %v", got, err)
	}
	fresh, err := rotated.Encrypt([]byte("secret"), "ctx")
	if err != nil {
		t.Fatal(err)
	}
	if fresh[0] != 2 {
		t.Errorf("new ciphertext key id = %d, want 2", fresh[0])
	}
	if _, err := NewCipher(k1, k1); err == nil {
		t.Error("two keys with one id: want an error")
	}
	if _, err := NewCipher(SecretKey{ID: 1, Key: []byte("short")}); err == nil {
		t.Error("short key: want an error")
	}
}

func TestLoadOrCreateSecretKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "secret.key")
	first, err := LoadOrCreateSecretKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != SecretKeySize {
		t.Fatalf("key is %d bytes", len(first))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	again, err := LoadOrCreateSecretKey(path)
	if err != nil || !bytes.Equal(first, again) {
		t.Errorf("second load = %x, %v; want the same key", again, err)
	}

	raw := filepath.Join(t.TempDir(), "raw.key")
	if err := os.WriteFile(raw, first, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadOrCreateSecretKey(raw); err != nil || !bytes.Equal(got, first) {
		t.Errorf("raw 32-byte file = %x, %v", got, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSecretKey(bad); err == nil {
		t.Error("bad key file: want an error")
	}

	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		if got, err := ParseSecretKey(" " + enc.EncodeToString(first) + "\n"); err != nil || !bytes.Equal(got, first) {
			t.Errorf("ParseSecretKey = %x, %v", got, err)
		}
	}
	if _, err := ParseSecretKey(base64.StdEncoding.EncodeToString(first[:16])); err == nil {
		t.Error("16-byte key: want an error")
	}
}
