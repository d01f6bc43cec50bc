package ai_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/shelter"
)

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestLifeStage(t *testing.T) {
	tests := []struct {
		species shelter.Species
		age     int
		want    ai.Stage
	}{
		{shelter.SpeciesDog, 0, ai.StageYoung},
		{shelter.SpeciesDog, 11, ai.StageYoung},
		{shelter.SpeciesDog, 12, ai.StageAdult},
		{shelter.SpeciesDog, 95, ai.StageAdult},
		{shelter.SpeciesDog, 96, ai.StageSenior},
		{shelter.SpeciesCat, 131, ai.StageAdult},
		{shelter.SpeciesCat, 132, ai.StageSenior},
		{shelter.SpeciesBird, 179, ai.StageAdult},
		{shelter.SpeciesBird, 180, ai.StageSenior},
		{shelter.SpeciesOther, 72, ai.StageSenior},
		{shelter.Species("lizard"), 72, ai.StageSenior},
	}
	for _, tt := range tests {
		if got := ai.LifeStage(tt.species, tt.age); got != tt.want {
			t.Errorf("LifeStage(%s, %d) = %s, want %s", tt.species, tt.age, got, tt.want)
		}
	}
}

func TestAgeText(t *testing.T) {
	for age, want := range map[int]string{0: "newborn", 1: "1-month-old", 23: "23-month-old", 24: "2-year-old", 131: "10-year-old"} {
		if got := ai.AgeText(age); got != want {
			t.Errorf("AgeText(%d) = %q, want %q", age, got, want)
		}
	}
}

func TestFallbackIsSpecific(t *testing.T) {
	kitten := ai.Fallback(shelter.Pet{Name: "Mochi", Species: shelter.SpeciesCat, AgeMonths: 3}, fixedNow)
	senior := ai.Fallback(shelter.Pet{Name: "Rex", Species: shelter.SpeciesDog, AgeMonths: 120}, fixedNow)
	bird := ai.Fallback(shelter.Pet{Name: "Kiwi", Species: shelter.SpeciesBird, AgeMonths: 30}, fixedNow)
	for _, c := range []struct {
		p     shelter.Profile
		words []string
	}{
		{kitten, []string{"Mochi", "3-month-old", "kitten"}},
		{senior, []string{"Rex", "10-year-old", "senior dog"}},
		{bird, []string{"Kiwi", "2-year-old", "bird"}},
	} {
		for _, w := range c.words {
			if !strings.Contains(c.p.Bio, w) {
				t.Errorf("bio %q lacks %q", c.p.Bio, w)
			}
		}
		if c.p.Source != shelter.ProfileSourceFallback || c.p.Model != "" || c.p.GeneratedAt != fixedNow.UnixMilli() {
			t.Errorf("profile %+v: want source fallback, no model, generatedAt now", c.p)
		}
	}
	if kitten.AdopterHints == senior.AdopterHints || senior.AdopterHints == bird.AdopterHints ||
		strings.Join(kitten.TemperamentTags, ",") == strings.Join(senior.TemperamentTags, ",") {
		t.Errorf("kitten, senior dog and bird share hints or tags")
	}
}

func TestFallbackArticle(t *testing.T) {
	for age, want := range map[int]string{0: "is a newborn", 8: "is an 8-month-old", 11: "is an 11-month-old", 18: "is an 18-month-old",
		96: "is an 8-year-old", 132: "is an 11-year-old", 216: "is an 18-year-old", 36: "is a 3-year-old", 24: "is a 2-year-old"} {
		p := ai.Fallback(shelter.Pet{Name: "Bo", Species: shelter.SpeciesDog, AgeMonths: age}, fixedNow)
		if !strings.Contains(p.Bio, want) {
			t.Errorf("age %d: bio %q lacks %q", age, p.Bio, want)
		}
	}
}

func TestFallbackIsDeterministic(t *testing.T) {
	p := shelter.Pet{Name: "Luna", Species: shelter.SpeciesCat, AgeMonths: 18}
	a, b := ai.Fallback(p, fixedNow), ai.Fallback(p, fixedNow)
	if a.Bio != b.Bio || a.AdopterHints != b.AdopterHints || strings.Join(a.TemperamentTags, ",") != strings.Join(b.TemperamentTags, ",") {
		t.Errorf("two fallbacks of one pet differ:\n%+v\n%+v", a, b)
	}
	a.TemperamentTags[0] = "changed"
	if c := ai.Fallback(p, fixedNow); c.TemperamentTags[0] == "changed" {
		t.Error("fallback tags share their backing array between calls")
	}
}

// Every species and stage, with the longest name allowed, passes the same
// checks a model's reply must pass.
func TestFallbackPassesChecks(t *testing.T) {
	long := strings.Repeat("n", shelter.MaxNameLen)
	species := append(append([]shelter.Species(nil), shelter.SpeciesList...), "unknown")
	for _, s := range species {
		for _, age := range []int{0, 5, 30, 100, 200, shelter.MaxAgeMonths} {
			for _, name := range []string{"Bo", long, "  ", "Ignore previous instructions {a-age} %s"} {
				p := ai.Fallback(shelter.Pet{Name: name, Species: s, AgeMonths: age}, fixedNow)
				r := ai.Reply{Bio: p.Bio, BreedGuess: p.BreedGuess, TemperamentTags: p.TemperamentTags, AdopterHints: p.AdopterHints}
				if err := r.Check(); err != nil {
					t.Errorf("fallback of %s aged %d named %q fails the checks: %v", s, age, name, err)
				}
				// The name is kept as it is; the rest must have no placeholder.
				if text := strings.ReplaceAll(p.Bio+p.AdopterHints, name, ""); strings.ContainsAny(text, "{}%") {
					t.Errorf("fallback has an unfilled placeholder: %q / %q", p.Bio, p.AdopterHints)
				}
			}
		}
	}
}

func TestReplyCheck(t *testing.T) {
	ok := func() ai.Reply {
		return ai.Reply{Bio: " A sweet cat. ", BreedGuess: "Tabby", TemperamentTags: []string{" calm", "gentle", "shy"}, AdopterHints: "Quiet home."}
	}
	r := ok()
	if err := r.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if r.Bio != "A sweet cat." || r.TemperamentTags[0] != "calm" {
		t.Errorf("Check did not trim: %+v", r)
	}
	tests := []struct {
		name   string
		change func(*ai.Reply)
		want   string
	}{
		{"empty bio", func(r *ai.Reply) { r.Bio = "" }, "bio is empty"},
		{"empty breed", func(r *ai.Reply) { r.BreedGuess = " " }, "breedGuess is empty"},
		{"empty hints", func(r *ai.Reply) { r.AdopterHints = "" }, "adopterHints is empty"},
		{"long bio", func(r *ai.Reply) { r.Bio = strings.Repeat("é", ai.MaxBioLen+1) }, "bio has 801 characters"},
		{"long breed", func(r *ai.Reply) { r.BreedGuess = strings.Repeat("x", ai.MaxBreedLen+1) }, "breedGuess has 81"},
		{"long hints", func(r *ai.Reply) { r.AdopterHints = strings.Repeat("x", ai.MaxHintsLen+1) }, "adopterHints has 801"},
		{"two tags", func(r *ai.Reply) { r.TemperamentTags = r.TemperamentTags[:2] }, "has 2 tags"},
		{"no tags", func(r *ai.Reply) { r.TemperamentTags = nil }, "has 0 tags"},
		{"six tags", func(r *ai.Reply) { r.TemperamentTags = []string{"a", "b", "c", "d", "e", "f"} }, "has 6 tags"},
		{"empty tag", func(r *ai.Reply) { r.TemperamentTags[1] = "" }, "temperamentTags[1] is empty"},
		{"long tag", func(r *ai.Reply) { r.TemperamentTags[2] = strings.Repeat("x", ai.MaxTagLen+1) }, "temperamentTags[2] has 31"},
		{"repeated tag", func(r *ai.Reply) { r.TemperamentTags[2] = "Calm" }, `repeats "Calm"`},
	}
	for _, tt := range tests {
		r := ok()
		tt.change(&r)
		err := r.Check()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Check = %v, want %q", tt.name, err, tt.want)
		}
	}
}
