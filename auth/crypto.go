package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// SecretKeySize is the size of an AES-256 key.
const SecretKeySize = 32

// SecretKey is an AES-256 key with a one-byte ID. The ID is written in
// front of every ciphertext, so after a rotation the old key can still
// decrypt what it sealed while the new one seals everything new.
type SecretKey struct {
	ID  byte
	Key []byte
}

// Cipher seals small secrets kept in the database (TOTP secrets, OIDC
// client secrets) with AES-256-GCM. A ciphertext is
// keyID (1 byte) || nonce (12 bytes) || sealed data and tag, and is bound to
// its context (the row it belongs to) as additional data, so a ciphertext
// copied to another row does not decrypt.
type Cipher struct {
	current byte
	aeads   map[byte]cipher.AEAD
}

// NewCipher returns a Cipher that seals with current and opens with current
// or any of previous. It fails for a key that is not 32 bytes or for two
// keys with one ID.
func NewCipher(current SecretKey, previous ...SecretKey) (*Cipher, error) {
	c := &Cipher{current: current.ID, aeads: map[byte]cipher.AEAD{}}
	for _, k := range append([]SecretKey{current}, previous...) {
		if len(k.Key) != SecretKeySize {
			return nil, fmt.Errorf("secret key %d: must be %d bytes, got %d", k.ID, SecretKeySize, len(k.Key))
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("secret key %d: ID used twice", k.ID)
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("secret key %d: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret key %d: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// Encrypt seals plaintext for the given context (e.g. "totp:<user id>")
// with the current key and a random nonce.
func (c *Cipher) Encrypt(plaintext []byte, context string) ([]byte, error) {
	aead := c.aeads[c.current]
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = c.current
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("encrypt: nonce: %w", err)
	}
	return aead.Seal(out, out[1:], plaintext, []byte(context)), nil
}

// errDecrypt is the one answer to a ciphertext that does not open: it does
// not say whether the key, the context or the data was wrong.
var errDecrypt = errors.New("decrypt: ciphertext does not open (wrong key, wrong context or tampered)")

// Decrypt opens a ciphertext made by Encrypt for the same context. It fails
// for an unknown key ID, another context, or any changed byte.
func (c *Cipher) Decrypt(ciphertext []byte, context string) ([]byte, error) {
	if len(ciphertext) < 1 {
		return nil, errDecrypt
	}
	aead, ok := c.aeads[ciphertext[0]]
	if !ok {
		return nil, fmt.Errorf("decrypt: unknown key id %d", ciphertext[0])
	}
	if len(ciphertext) < 1+aead.NonceSize()+aead.Overhead() {
		return nil, errDecrypt
	}
	nonce, sealed := ciphertext[1:1+aead.NonceSize()], ciphertext[1+aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, []byte(context))
	if err != nil {
		return nil, errDecrypt
	}
	return plain, nil
}

// ParseSecretKey decodes a base64 (standard or URL alphabet, padded or not)
// 32-byte key, as given in an environment variable.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != SecretKeySize {
				return nil, fmt.Errorf("secret key: must decode to %d bytes, got %d", SecretKeySize, len(key))
			}
			return key, nil
		}
	}
	return nil, errors.New("secret key: not valid base64")
}

// LoadOrCreateSecretKey reads the AES-256 key for secrets at rest from path
// (base64 text, as written here, or 32 raw bytes), or creates a random one
// there with mode 0600 when the file does not exist. Every replica must be
// given the same file: losing it makes the stored TOTP and OIDC client
// secrets unreadable.
func LoadOrCreateSecretKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, SecretKeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate secret key: %w", err)
		}
		out := base64.StdEncoding.EncodeToString(key) + "\n"
		// O_EXCL: two replicas starting at once must not each write a key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return LoadOrCreateSecretKey(path)
		} else if err != nil {
			return nil, fmt.Errorf("write secret key: %w", err)
		}
		if _, err := f.WriteString(out); err != nil {
			f.Close()
			return nil, fmt.Errorf("write secret key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write secret key: %w", err)
		}
		return key, nil
	} else if err != nil {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	if len(data) == SecretKeySize {
		return data, nil
	}
	key, err := ParseSecretKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return key, nil
}
