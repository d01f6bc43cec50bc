package config

import (
	"strings"
	"testing"
	"time"
)

var aiVars = []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "AI_TIMEOUT", "AI_CONCURRENCY"}

func clearAI(t *testing.T) {
	for _, k := range aiVars {
		t.Setenv(k, "")
	}
}

func TestAIDefaults(t *testing.T) {
	clearAI(t)
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := AI{Model: "gpt-4o-mini", Timeout: 20 * time.Second, Concurrency: 2}
	if c.AI != want || c.AI.Enabled() {
		t.Fatalf("AI = %+v, want %+v and off", c.AI, want)
	}
}

func TestAIValues(t *testing.T) {
	clearAI(t)
	t.Setenv("OPENAI_API_KEY", "sk-test")
	t.Setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
	t.Setenv("OPENAI_MODEL", "llama3.2")
	t.Setenv("AI_TIMEOUT", "45s")
	t.Setenv("AI_CONCURRENCY", "8")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := AI{APIKey: "sk-test", BaseURL: "http://localhost:11434/v1", Model: "llama3.2", Timeout: 45 * time.Second, Concurrency: 8}
	if c.AI != want || !c.AI.Enabled() {
		t.Fatalf("AI = %+v, want %+v and on", c.AI, want)
	}
}

func TestAIInvalidValuesNameTheirVariable(t *testing.T) {
	for _, tt := range []struct{ name, val string }{
		{"OPENAI_BASE_URL", "localhost:11434"},
		{"OPENAI_BASE_URL", "ftp://example.test/v1"},
		{"OPENAI_BASE_URL", "http://"},
		{"AI_TIMEOUT", "20"},
		{"AI_TIMEOUT", "-5s"},
		{"AI_CONCURRENCY", "0"},
		{"AI_CONCURRENCY", "65"},
		{"AI_CONCURRENCY", "two"},
	} {
		t.Run(tt.name+"="+tt.val, func(t *testing.T) {
			clearAI(t)
			t.Setenv(tt.name, tt.val)
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Fatalf("err %v, want one naming %s", err, tt.name)
			}
		})
	}
}
