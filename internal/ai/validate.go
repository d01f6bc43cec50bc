package ai

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/petstore/petstore/internal/shelter"
)

// Limits of a profile's fields, in characters. A model's reply outside
// them is refused, as is one with too few or too many tags.
const (
	MaxBioLen   = 800
	MaxBreedLen = 80
	MaxHintsLen = 800
	MaxTagLen   = 30
	MinTags     = 3
	MaxTags     = 5
)

// Reply is the structured output the model is asked for: the seed's four
// profile fields.
type Reply struct {
	Bio             string   `json:"bio"`
	BreedGuess      string   `json:"breedGuess"`
	TemperamentTags []string `json:"temperamentTags"`
	AdopterHints    string   `json:"adopterHints"`
}

// Check trims r's fields and reports every way it breaks the rules: all
// fields present and non-empty, 3–5 distinct tags, the length caps.
func (r *Reply) Check() error {
	var errs []error
	text := func(name string, v *string, max int) {
		*v = strings.TrimSpace(*v)
		switch n := utf8.RuneCountInString(*v); {
		case n == 0:
			errs = append(errs, fmt.Errorf("%s is empty", name))
		case n > max:
			errs = append(errs, fmt.Errorf("%s has %d characters, more than %d", name, n, max))
		}
	}
	text("bio", &r.Bio, MaxBioLen)
	text("breedGuess", &r.BreedGuess, MaxBreedLen)
	text("adopterHints", &r.AdopterHints, MaxHintsLen)
	if n := len(r.TemperamentTags); n < MinTags || n > MaxTags {
		errs = append(errs, fmt.Errorf("temperamentTags has %d tags, want %d to %d", n, MinTags, MaxTags))
	}
	seen := map[string]bool{}
	for i := range r.TemperamentTags {
		text(fmt.Sprintf("temperamentTags[%d]", i), &r.TemperamentTags[i], MaxTagLen)
		k := strings.ToLower(r.TemperamentTags[i])
		if k != "" && seen[k] {
			errs = append(errs, fmt.Errorf("temperamentTags repeats %q", r.TemperamentTags[i]))
		}
		seen[k] = true
	}
	return errors.Join(errs...)
}

// Profile turns a checked reply into a profile.
func (r Reply) Profile(source, model string, generatedAt int64) shelter.Profile {
	return shelter.Profile{
		Bio:             r.Bio,
		BreedGuess:      r.BreedGuess,
		TemperamentTags: append([]string(nil), r.TemperamentTags...),
		AdopterHints:    r.AdopterHints,
		Source:          source,
		Model:           model,
		GeneratedAt:     generatedAt,
	}
}
