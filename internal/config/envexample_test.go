package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEnvExampleListsEverySetting checks that .env.example names every
// variable this package reads, and that its example values, uncommented,
// load without error.
func TestEnvExampleListsEverySetting(t *testing.T) {
	raw, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	example := string(raw)

	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	read := regexp.MustCompile(`(?:lookup|duration)\("([A-Z][A-Z0-9_]*)"`)
	names := map[string]bool{}
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range read.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d variables in the sources: %v", len(names), names)
	}
	for name := range names {
		if !strings.Contains(example, "# "+name+"=") {
			t.Errorf(".env.example does not list %s", name)
		}
	}

	// Uncomment every "# NAME=value" line and load the result.
	assign := regexp.MustCompile(`(?m)^# ([A-Z][A-Z0-9_]*=.*)$`)
	var lines []string
	for _, m := range assign.FindAllStringSubmatch(example, -1) {
		lines = append(lines, m[1])
		name, _, _ := strings.Cut(m[1], "=")
		t.Setenv(name, "") // cleared now, restored after the test
		os.Unsetenv(name)
	}
	env := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(env, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env)
	if err != nil {
		t.Fatalf("the example values do not load: %v", err)
	}
	if c.AI.APIKey != "your_openai_api_key_here" || c.AI.BaseURL != "https://api.openai.com/v1" || c.ReaperSchedule != "0 2 * * *" {
		t.Errorf("loaded %+v", c)
	}
}
