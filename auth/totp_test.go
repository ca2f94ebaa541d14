package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TestRFC6238Vectors runs every test vector of RFC 6238 Appendix B through
// the project's own verification, and checks the time step it reports.
func TestRFC6238Vectors(t *testing.T) {
	t.Parallel()
	seeds := map[otp.Algorithm]string{
		otp.AlgorithmSHA1:   "12345678901234567890",
		otp.AlgorithmSHA256: "12345678901234567890123456789012",
		otp.AlgorithmSHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix int64
		want map[otp.Algorithm]string
	}{
		{59, map[otp.Algorithm]string{otp.AlgorithmSHA1: "94287082", otp.AlgorithmSHA256: "46119246", otp.AlgorithmSHA512: "90693936"}},
		{1111111109, map[otp.Algorithm]string{otp.AlgorithmSHA1: "07081804", otp.AlgorithmSHA256: "68084774", otp.AlgorithmSHA512: "25091201"}},
		{1111111111, map[otp.Algorithm]string{otp.AlgorithmSHA1: "14050471", otp.AlgorithmSHA256: "67062674", otp.AlgorithmSHA512: "99943326"}},
		{1234567890, map[otp.Algorithm]string{otp.AlgorithmSHA1: "89005924", otp.AlgorithmSHA256: "91819424", otp.AlgorithmSHA512: "93441116"}},
		{2000000000, map[otp.Algorithm]string{otp.AlgorithmSHA1: "69279037", otp.AlgorithmSHA256: "90698825", otp.AlgorithmSHA512: "38618901"}},
		{20000000000, map[otp.Algorithm]string{otp.AlgorithmSHA1: "65353130", otp.AlgorithmSHA256: "77737706", otp.AlgorithmSHA512: "47863826"}},
	}
	for _, v := range vectors {
		for alg, code := range v.want {
			secret := base32.StdEncoding.EncodeToString([]byte(seeds[alg]))
			opts := totpOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: alg, Skew: 0}
			step, ok, err := matchTOTP(secret, code, time.Unix(v.unix, 0).UTC(), opts)
			if err != nil || !ok {
				t.Errorf("%s at %d: code %s not accepted (err %v)", alg, v.unix, code, err)
				continue
			}
			if want := v.unix / 30; step != want {
				t.Errorf("%s at %d: step %d, want %d", alg, v.unix, step, want)
			}
			wrong := []byte(code)
			wrong[0] = '0' + (wrong[0]-'0'+1)%10
			if _, ok, _ := matchTOTP(secret, string(wrong), time.Unix(v.unix, 0), opts); ok {
				t.Errorf("%s at %d: altered code %s accepted", alg, v.unix, wrong)
			}
		}
	}
}

func TestTOTPSkew(t *testing.T) {
	t.Parallel()
	secret, _, _, err := newTOTPKey("Scalefield", "a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 10, 0, time.UTC)
	current := now.Unix() / 30
	for _, tc := range []struct {
		name   string
		offset int64 // steps between the code and now
		ok     bool
	}{
		{"current step", 0, true},
		{"one step behind", -1, true},
		{"one step ahead", 1, true},
		{"two steps behind", -2, false},
		{"two steps ahead", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := totp.GenerateCodeCustom(secret, time.Unix((current+tc.offset)*30, 0), totp.ValidateOpts{
				Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				t.Fatal(err)
			}
			step, ok, err := matchTOTP(secret, code, now, defaultTOTP)
			if err != nil || ok != tc.ok {
				t.Fatalf("matchTOTP = %d, %v, %v; want ok %v", step, ok, err, tc.ok)
			}
			if ok && step != current+tc.offset {
				t.Errorf("step = %d, want %d", step, current+tc.offset)
			}
		})
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok, _ := matchTOTP(secret, bad, now, defaultTOTP); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
}

func TestNewTOTPKey(t *testing.T) {
	t.Parallel()
	secret, uri, png, err := newTOTPKey("Scalefield", "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(raw) != 20 {
		t.Errorf("secret %q: %d bytes, %v; want 20", secret, len(raw), err)
	}
	for _, want := range []string{"otpauth://totp/Scalefield:admin@example.com?", "secret=" + secret, "period=30", "digits=6", "algorithm=SHA1", "issuer=Scalefield"} {
		if !strings.Contains(uri, want) {
			t.Errorf("uri %q lacks %q", uri, want)
		}
	}
	if !strings.HasPrefix(string(png), "\x89PNG\r\n\x1a\n") {
		t.Error("QR code is not a PNG")
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes, err := newRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		n, ok := normalizeRecoveryCode(c)
		if !ok || len(c) != 19 || seen[n] {
			t.Errorf("code %q: normalized %q ok %v, repeated %v", c, n, ok, seen[n])
		}
		seen[n] = true
		if n2, ok := normalizeRecoveryCode(strings.ToUpper(strings.ReplaceAll(c, "-", " "))); !ok || n2 != n {
			t.Errorf("code %q typed differently normalizes to %q", c, n2)
		}
	}
	for _, notCode := range []string{"123456", "", "abcd-efgh", "abcd-efgh-ijkl-mno1"} {
		if _, ok := normalizeRecoveryCode(notCode); ok {
			t.Errorf("%q taken for a recovery code", notCode)
		}
	}
	if string(hashRecoveryCode("u1", "abcd")) == string(hashRecoveryCode("u2", "abcd")) {
		t.Error("recovery code hash is not salted with the user")
	}
}
