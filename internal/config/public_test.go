package config

import (
	"strings"
	"testing"
)

func TestPublicSettings(t *testing.T) {
	for _, k := range []string{"PUBLIC_ADOPTION", "SHELTER_NAME", "SHELTER_CONTACT"} {
		t.Setenv(k, "")
	}
	c, err := Load("")
	if err != nil || c.Public != (Public{Enabled: true, ShelterName: "Our shelter"}) {
		t.Fatalf("defaults %+v %v", c.Public, err)
	}
	t.Setenv("PUBLIC_ADOPTION", "false")
	t.Setenv("SHELTER_NAME", "Happy Paws")
	t.Setenv("SHELTER_CONTACT", "12 Harbour Road")
	if c, err = Load(""); err != nil || c.Public != (Public{ShelterName: "Happy Paws", ShelterContact: "12 Harbour Road"}) {
		t.Fatalf("set %+v %v", c.Public, err)
	}
	t.Setenv("PUBLIC_ADOPTION", "nope")
	t.Setenv("SHELTER_NAME", strings.Repeat("x", 101))
	_, err = Load("")
	if err == nil || !strings.Contains(err.Error(), "PUBLIC_ADOPTION") || !strings.Contains(err.Error(), "SHELTER_NAME") {
		t.Fatalf("invalid: %v", err)
	}
}
