// Package auth signs staff in: the password policy, password hashing with
// argon2id, session and token secrets, sign-in throttling, and a Service
// that implements the shelter's user, session, token and setup services
// over a Store.
package auth

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/petstore/petstore/internal/shelter"
)

// Password length limits, in characters (Unicode code points). There are
// no composition rules (NIST SP 800-63B, OWASP ASVS 5.0 V6.2).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

//go:embed common.txt
var commonTxt string

// commonPasswords is the list, sorted: substrings of commonTxt, which the
// binary holds anyway, so the list costs the heap 80 KB of string headers
// for the life of the process instead of a 1 MB map of copies.
var commonPasswords = sync.OnceValue(func() []string {
	list := make([]string, 0, 5000)
	for line := range strings.Lines(commonTxt) {
		if line = strings.TrimSuffix(line, "\n"); line != "" && !strings.HasPrefix(line, "#") {
			list = append(list, line)
		}
	}
	slices.Sort(list)
	return slices.Compact(list)
})

// IsCommonPassword reports whether pw, compared case-insensitively, is on
// the shipped list of common passwords (common.txt).
func IsCommonPassword(pw string) bool {
	_, ok := slices.BinarySearch(commonPasswords(), strings.ToLower(pw))
	return ok
}

// CheckPassword applies the password policy: MinPasswordLen to
// MaxPasswordLen characters of valid UTF-8, not on the common list, and not
// one of the context words (the account's email, the part of it before
// the @, its name), compared case-insensitively. Spaces and any other
// characters are allowed, and the password is not trimmed. It returns nil
// or an EINVALID error with a FieldError for "password".
func CheckPassword(pw string, context ...string) error {
	msg := ""
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		msg = "Password must be valid text"
	case n < MinPasswordLen:
		msg = fmt.Sprintf("Password must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		msg = fmt.Sprintf("Password must be at most %d characters", MaxPasswordLen)
	case IsCommonPassword(pw):
		msg = "This password is too common: choose another one (a few unrelated words make a good one)"
	case isContextWord(pw, context):
		msg = "Password must not be your name or email address"
	}
	if msg == "" {
		return nil
	}
	return &shelter.Error{Code: shelter.EINVALID, Message: msg, Fields: []shelter.FieldError{{Field: "password", Message: msg}}}
}

func isContextWord(pw string, words []string) bool {
	lp := strings.ToLower(pw)
	for _, w := range words {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		if lp == w {
			return true
		}
		if local, _, ok := strings.Cut(w, "@"); ok && local != "" && lp == local {
			return true
		}
	}
	return false
}
