package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	scalefield "github.com/scalefield/scalefield"
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is the set of common-passwords.txt, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// contextWords are specific to this service: NIST 800-63B asks to refuse
// them as passwords.
var contextWords = []string{"scalefield"}

// CheckPassword checks a new password against the policy of NIST SP
// 800-63B §5.1.1.2: at least MinPasswordLength characters and at most
// MaxPasswordLength bytes; not a common or breached password (the bundled
// list, also with digits or punctuation around it, or repeated); not a run
// of one character or a plain sequence; not the account's email or its
// name part, nor the service's name. There are no composition rules.
// EINVALID with a message saying which rule failed.
func CheckPassword(password, email string) error {
	if n := utf8.RuneCountInString(password); n < MinPasswordLength {
		return scalefield.Errorf(scalefield.EINVALID, "password must be at least %d characters", MinPasswordLength)
	}
	if len(password) > MaxPasswordLength {
		return scalefield.Errorf(scalefield.EINVALID, "password must be at most %d characters", MaxPasswordLength)
	}
	lower := strings.ToLower(password)
	email = strings.ToLower(strings.TrimSpace(email))
	if email != "" {
		local, _, _ := strings.Cut(email, "@")
		if lower == email || strings.Contains(lower, email) {
			return scalefield.Errorf(scalefield.EINVALID, "password must not contain your email address")
		}
		if len(local) >= 3 && strings.Contains(lower, local) {
			return scalefield.Errorf(scalefield.EINVALID, "password must not contain the name part of your email address")
		}
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range contextWords {
		if core == w || strings.TrimFunc(lower, notLetterOrDigit) == w {
			return scalefield.Errorf(scalefield.EINVALID, "password must not be the name of this service")
		}
	}
	if isCommon(lower) {
		return scalefield.Errorf(scalefield.EINVALID, "this password is too common: it appears in lists of breached passwords; choose another, for example a few random words")
	}
	if isRepetitive(lower) {
		return scalefield.Errorf(scalefield.EINVALID, "password must not be a repeated character, a repeated short pattern or a plain sequence")
	}
	return nil
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// isCommon reports whether the password, or its letters without the digits
// and punctuation around them ("Password123!" → "password"), or its
// repeated unit ("monkeymonkey" → "monkey") is in the list.
func isCommon(lower string) bool {
	set := commonPasswords()
	candidates := []string{
		lower,
		strings.TrimFunc(lower, notLetterOrDigit),
		strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }),
		strings.TrimFunc(lower, func(r rune) bool {
			return unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
		}),
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, ok := set[c]; ok {
			return true
		}
		if unit := repeatedUnit(c); unit != c {
			if _, ok := set[unit]; ok {
				return true
			}
		}
	}
	return false
}

// repeatedUnit returns the shortest string whose repetition is s, or s.
func repeatedUnit(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return s[:n]
		}
	}
	return s
}

// isRepetitive reports a run of one short unit repeated ("aaaaaaaaaaaa",
// "abcabcabcabc", "12121212…") or a plain ascending or descending sequence
// of letters or digits ("abcdefghijkl", "123456789012", "987654321098").
func isRepetitive(lower string) bool {
	if unit := repeatedUnit(lower); len(unit) <= 4 && unit != lower {
		return true
	}
	runes := []rune(lower)
	return isSequence(runes, 1) || isSequence(runes, -1)
}

// isSequence reports whether each rune follows the previous one by step,
// digits wrapping from 9 to 0 and back.
func isSequence(runes []rune, step rune) bool {
	for i := 1; i < len(runes); i++ {
		prev, cur := runes[i-1], runes[i]
		next := prev + step
		if unicode.IsDigit(prev) {
			next = '0' + ((prev-'0')+step+10)%10
		}
		if cur != next {
			return false
		}
	}
	return true
}
