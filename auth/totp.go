package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters (RFC 6238 with the values every authenticator app
// supports): 30-second steps, six digits, HMAC-SHA1, and at most one step
// of clock skew either way.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1
	// totpSecretSize is 160 bits, the HMAC-SHA1 block RFC 4226 recommends.
	totpSecretSize = 20
	// qrSize is the side of the QR code image in pixels.
	qrSize = 256
)

// totpOpts are the parameters of one TOTP verification.
type totpOpts struct {
	Period    uint
	Digits    otp.Digits
	Algorithm otp.Algorithm
	Skew      uint
}

// defaultTOTP are the parameters of enrolled authenticators.
var defaultTOTP = totpOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1, Skew: totpSkew}

// matchTOTP returns the time step (Unix time / period) whose code is code,
// looking at the step of at and up to opts.Skew steps either side, nearest
// first. ok is false when none matches. Knowing the step lets the caller
// refuse a code whose step was already used.
func matchTOTP(secret, code string, at time.Time, opts totpOpts) (step int64, ok bool, err error) {
	code = strings.TrimSpace(code)
	if len(code) != opts.Digits.Length() {
		return 0, false, nil
	}
	current := at.Unix() / int64(opts.Period)
	candidates := []int64{current}
	for d := int64(1); d <= int64(opts.Skew); d++ {
		candidates = append(candidates, current-d, current+d)
	}
	for _, s := range candidates {
		if s < 0 {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(opts.Period), 0), totp.ValidateOpts{
			Period: opts.Period, Digits: opts.Digits, Algorithm: opts.Algorithm,
		})
		if err != nil {
			return 0, false, fmt.Errorf("totp code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true, nil
		}
	}
	return 0, false, nil
}

// newTOTPKey creates a random secret for account (the user's email) and
// returns it with its otpauth:// URI and the URI as a QR code PNG.
func newTOTPKey(issuer, account string) (secret, uri string, qrPNG []byte, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: totpPeriod, SecretSize: totpSecretSize,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", nil, fmt.Errorf("generate totp key: %w", err)
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return "", "", nil, fmt.Errorf("totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, fmt.Errorf("totp qr code: %w", err)
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// Recovery codes: RecoveryCodeCount codes of 16 base32 characters (80
// random bits), shown as four groups of four ("abcd-efgh-ijkl-mnop").
// Eighty bits cannot be brute-forced even against a fast hash, so they are
// stored as SHA-256 (salted with the user ID) rather than with argon2id,
// which would make checking a code against ten stored ones cost seconds.
const (
	RecoveryCodeCount = 10
	recoveryCodeBytes = 10
)

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes returns fresh codes, formatted for display.
func newRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, recoveryCodeBytes)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		s := strings.ToLower(recoveryEncoding.EncodeToString(b))
		codes[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	}
	return codes, nil
}

// normalizeRecoveryCode drops spaces and dashes and lowers the case, so a
// code typed as shown, or without dashes, matches. ok is false when the
// result cannot be a recovery code.
func normalizeRecoveryCode(code string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '-' || r == ' ':
		case (r >= 'a' && r <= 'z') || (r >= '2' && r <= '7'):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == 16
}

// hashRecoveryCode is the stored form of a normalized recovery code.
func hashRecoveryCode(userID, normalized string) []byte {
	sum := sha256.Sum256([]byte("scalefield-recovery:" + userID + ":" + normalized))
	return sum[:]
}
