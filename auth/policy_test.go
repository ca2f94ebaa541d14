package auth

import (
	"strings"
	"testing"

	scalefield "github.com/scalefield/scalefield"
)

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	if n := len(commonPasswords()); n < 2000 {
		t.Errorf("the common password list has %d entries, want a few thousand", n)
	}
	for _, tc := range []struct {
		password, email string
		ok              bool
		why             string
	}{
		{"correct horse battery staple", "jane@example.com", true, ""},
		{"Tr0ub4dor&3-but-longer", "jane@example.com", true, ""},
		{"日本語のパスフレーズはこれです", "jane@example.com", true, ""}, // 14 characters, more bytes
		{"short", "", false, "at least"},
		{"elevenchars", "", false, "at least"},
		{strings.Repeat("x", 12) + strings.Repeat("yz", 130), "", false, "at most"},
		{"password1234", "", false, "common"},
		{"Password123!", "", false, "common"},
		{"qwertyuiop123", "", false, "common"},
		{"1q2w3e4r5t6y", "", false, "common"},
		{"iloveyou1234", "", false, "common"},
		{"!!Football2024!!", "", false, "common"},
		{"monkeymonkey", "", false, "common"},
		{"bbbbbbbbbbbbbb", "", false, "repeated"},
		{"abcabcabcabc", "", false, "repeated"},
		{"abcdefghijklm", "", false, "repeated"},
		{"0123456789012", "", false, "repeated"},
		{"mnopqrstuvwx", "", false, "repeated"},
		{"zyxwvutsrqpo", "", false, "repeated"},
		{"jane.doe@example.com", "jane.doe@example.com", false, "email"},
		{"my-jane.doe-secret", "Jane.Doe@example.com", false, "name part"},
		{"Scalefield2024!", "", false, "service"},
	} {
		err := CheckPassword(tc.password, tc.email)
		switch {
		case tc.ok && err != nil:
			t.Errorf("CheckPassword(%q) = %v, want ok", tc.password, err)
		case !tc.ok && scalefield.ErrorCode(err) != scalefield.EINVALID:
			t.Errorf("CheckPassword(%q) = %v, want EINVALID", tc.password, err)
		case !tc.ok && !strings.Contains(scalefield.ErrorMessage(err), tc.why):
			t.Errorf("CheckPassword(%q) message %q does not say %q", tc.password, scalefield.ErrorMessage(err), tc.why)
		}
	}
}
