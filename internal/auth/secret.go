package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to find with a secret scanner).
const TokenPrefix = "pst_"

// tokenHintLen is how much of a token is kept in the clear to tell tokens
// apart: the prefix and 4 characters (20 bits of the 256).
const tokenHintLen = len(TokenPrefix) + 4

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSessionSecret returns a new session id: 128 bits from crypto/rand,
// base64url without padding (22 characters), for the cookie.
func NewSessionSecret() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(16))
}

// NewTokenSecret returns a new API token: TokenPrefix and 256 bits from
// crypto/rand in lower-case base32 (52 characters), which a double click
// selects whole.
func NewTokenSecret() string {
	return TokenPrefix + strings.ToLower(b32.EncodeToString(randomBytes(32)))
}

// NewSetupSecret returns a one-time setup secret for the first-run link:
// 256 bits in lower-case base32.
func NewSetupSecret() string {
	return strings.ToLower(b32.EncodeToString(randomBytes(32)))
}

// HashSecret returns the hex SHA-256 of a session, token or setup secret:
// what the database keeps. A fast hash is enough because the secrets are
// random with at least 128 bits, not chosen by people.
func HashSecret(secret string) string {
	// Through buffers on the stack: one allocation (the result) where
	// []byte(secret) and hex.EncodeToString made three, on every request
	// that carries a token or a session.
	var in [maxSecretLen]byte
	var sum [sha256.Size]byte
	if len(secret) <= len(in) {
		sum = sha256.Sum256(in[:copy(in[:], secret)])
	} else {
		sum = sha256.Sum256([]byte(secret))
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// TokenHint returns the start of a token that may be shown and stored.
func TokenHint(secret string) string {
	if len(secret) < tokenHintLen {
		return secret
	}
	return secret[:tokenHintLen]
}

// randomBytes returns n bytes from crypto/rand, which never fails (the
// program crashes rather than return predictable bytes).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
