package auth

import (
	"bufio"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/petstore/petstore/internal/shelter"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw      string
		context []string
		ok      bool
	}{
		{"shorty7", nil, false},
		{"eight ch", nil, true},
		{"ÄÖÜäöüßé", nil, true},            // 8 characters, 16 bytes
		{"äöü", nil, false},                // 6 bytes, 3 characters
		{"  spaces are fine  ", nil, true}, // not trimmed
		{"tabby-cat moves slowly", nil, true},
		{strings.Repeat("x", MaxPasswordLen), nil, true},
		{strings.Repeat("x", MaxPasswordLen+1), nil, false},
		{"password", nil, false},
		{"Password1", nil, false},
		{"PASSWORD123", nil, false},
		{"12345678", nil, false},
		{"qwertyuiop", nil, false},
		{"iloveyou", nil, false},
		{"petstore2026", nil, false},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", nil, false},
		{"ana.lopez@example.org", []string{"Ana.Lopez@example.org", "Ana"}, false},
		{"ANA.LOPEZ", []string{"ana.lopez@example.org"}, false},
		{"Ana Lopez Garcia", []string{"ana@example.org", "ana lopez garcia"}, false},
		{"ana.lopez.2026", []string{"ana.lopez@example.org", "Ana"}, true},
	} {
		err := CheckPassword(tc.pw, tc.context...)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok=%v", tc.pw, tc.context, err, tc.ok)
			continue
		}
		if err != nil {
			fe := shelter.ErrorFields(err)
			if shelter.ErrorCode(err) != shelter.EINVALID || len(fe) != 1 || fe[0].Field != "password" || fe[0].Message == "" {
				t.Errorf("CheckPassword(%q): %v, want EINVALID on field password", tc.pw, err)
			}
		}
	}
}

func TestCommonListIsShippedAndUsable(t *testing.T) {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(commonTxt))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if !IsCommonPassword(line) || !IsCommonPassword(strings.ToUpper(line)) {
			t.Errorf("entry %q is not found", line)
		}
		if line != strings.ToLower(line) || utf8.RuneCountInString(line) < MinPasswordLen || strings.TrimSpace(line) != line {
			t.Errorf("entry %q: entries must be lower-case, trimmed and at least %d characters", line, MinPasswordLen)
		}
	}
	if n < 2000 || len(commonPasswords()) != n {
		t.Fatalf("%d entries in common.txt, %d loaded; want a few thousand, all loaded", n, len(commonPasswords()))
	}
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"password", "a long pass phrase", "", "\xff", "ÄÖÜäöüßé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := CheckPassword(pw)
		n := utf8.RuneCountInString(pw)
		if err == nil && (!utf8.ValidString(pw) || n < MinPasswordLen || n > MaxPasswordLen || IsCommonPassword(pw)) {
			t.Fatalf("%q accepted", pw)
		}
		if err != nil && shelter.ErrorCode(err) != shelter.EINVALID {
			t.Fatalf("%q: %v", pw, err)
		}
	})
}

func BenchmarkCheckPassword(b *testing.B) {
	commonPasswords()
	for b.Loop() {
		_ = CheckPassword("tabby-cat moves slowly", "ana@example.org", "Ana")
	}
}
