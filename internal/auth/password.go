// Package auth signs staff in: the password policy, password hashing with
// argon2id, session and token secrets, sign-in throttling, and a Service
// that implements the shelter's user, session, token and setup services
// over a Store.
package auth

import (
	"bufio"
	_ "embed"
	"fmt"
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

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 5000)
		sc := bufio.NewScanner(strings.NewReader(commonTxt))
		for sc.Scan() {
			if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
				common[line] = struct{}{}
			}
		}
	})
	return common
}

// IsCommonPassword reports whether pw, compared case-insensitively, is on
// the shipped list of common passwords (common.txt).
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
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
