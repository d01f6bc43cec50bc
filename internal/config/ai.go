package config

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// AI holds the settings of profile enrichment.
type AI struct {
	// APIKey is the bearer key of the Chat Completions API
	// (OPENAI_API_KEY). Without it AI is off and every pet gets the
	// fallback profile at once.
	APIKey string
	// BaseURL is the API's base URL (OPENAI_BASE_URL, default OpenAI's):
	// any OpenAI-compatible server, such as http://localhost:11434/v1 for
	// Ollama.
	BaseURL string
	// Model names the model (OPENAI_MODEL, default gpt-4o-mini).
	Model string
	// Timeout bounds one call (AI_TIMEOUT, default 20s).
	Timeout time.Duration
	// Concurrency caps the calls in flight (AI_CONCURRENCY, default 2,
	// from 1 to 64).
	Concurrency int
}

// Enabled reports whether an API key is set.
func (a AI) Enabled() bool { return a.APIKey != "" }

// loadAI reads the AI settings; it returns every problem, each naming its
// variable.
func loadAI() (AI, []error) {
	a := AI{Model: "gpt-4o-mini", Timeout: 20 * time.Second, Concurrency: 2}
	var errs []error
	a.APIKey, _ = lookup("OPENAI_API_KEY")
	if v, ok := lookup("OPENAI_BASE_URL"); ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("OPENAI_BASE_URL=%q: must be an http or https URL such as http://localhost:11434/v1", v))
		}
		a.BaseURL = v
	}
	if v, ok := lookup("OPENAI_MODEL"); ok {
		a.Model = v
	}
	if v, ok := lookup("AI_TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("AI_TIMEOUT=%q: must be a positive duration such as 20s", v))
		}
		a.Timeout = d
	}
	if v, ok := lookup("AI_CONCURRENCY"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			errs = append(errs, fmt.Errorf("AI_CONCURRENCY=%q: must be a whole number from 1 to 64", v))
		}
		a.Concurrency = n
	}
	return a, errs
}
