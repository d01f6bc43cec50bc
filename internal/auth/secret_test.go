package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
)

func TestSessionSecretsAre128RandomBits(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := NewSessionSecret()
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 16 {
			t.Fatalf("secret %q: %d bytes, %v", s, len(b), err)
		}
		if seen[s] {
			t.Fatalf("secret %q repeated", s)
		}
		seen[s] = true
	}
}

func TestTokenAndSetupSecrets(t *testing.T) {
	tokenRE := regexp.MustCompile(`^pst_[a-z2-7]{52}$`)
	setupRE := regexp.MustCompile(`^[a-z2-7]{52}$`)
	a, b := NewTokenSecret(), NewTokenSecret()
	if !tokenRE.MatchString(a) || a == b {
		t.Fatalf("tokens %q %q", a, b)
	}
	if s := NewSetupSecret(); !setupRE.MatchString(s) {
		t.Fatalf("setup secret %q", s)
	}
	if h := TokenHint(a); h != a[:8] || TokenHint("pst") != "pst" {
		t.Fatalf("hint %q", h)
	}
	if h := HashSecret("abc"); h != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("sha-256 of abc: %s", h)
	}
	// Every length, through the stack buffer and past it.
	for n := range maxSecretLen + 40 {
		s := strings.Repeat("x", n)
		sum := sha256.Sum256([]byte(s))
		if h := HashSecret(s); h != hex.EncodeToString(sum[:]) {
			t.Fatalf("HashSecret of %d bytes: %s", n, h)
		}
	}
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":                    "203.0.113.7",
		"::ffff:203.0.113.7":             "203.0.113.7",
		"2001:db8:1:2:3:4:5:6":           "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ff": "2001:db8:1:2::/64",
		"fe80::1%eth0":                   "fe80::/64",
		"":                               "",
		"not an address":                 "not an address",
	} {
		if got := AddrKey(in); got != want {
			t.Errorf("AddrKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := AddrKey(string(make([]byte, 100))); len(got) != 64 {
		t.Errorf("long garbage kept %d bytes", len(got))
	}
}

func BenchmarkNewSessionSecret(b *testing.B) {
	for b.Loop() {
		_ = HashSecret(NewSessionSecret())
	}
}
