package auth

import (
	"os"
	"regexp"
	"testing"
)

// TestEnvExampleShipsNoUsablePassword checks that .env.example offers no
// ADMIN_PASSWORD the server would accept: a copied example must not leave
// an admin with a published password.
func TestEnvExampleShipsNoUsablePassword(t *testing.T) {
	raw, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	ms := regexp.MustCompile(`(?m)^#?\s*ADMIN_PASSWORD=(.*)$`).FindAllStringSubmatch(string(raw), -1)
	if len(ms) == 0 {
		t.Fatal(".env.example does not mention ADMIN_PASSWORD")
	}
	for _, m := range ms {
		if pw := m[1]; pw != "" && CheckPassword(pw) == nil {
			t.Errorf(".env.example ships ADMIN_PASSWORD=%q, which the server accepts", pw)
		}
	}
}
