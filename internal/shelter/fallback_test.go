package shelter

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The compiled templates fill exactly as one strings.Replacer pass over
// the template does (the way the fallback was first written): a name with
// a placeholder in it stays as it is.
func TestFillerIsOneReplacerPass(t *testing.T) {
	names := []string{"Bo", "{name}", "{a-age}", "x{a-age}y{name}", "This pet", "Ünïcødé 🐾", ""}
	for s, byStage := range templates {
		for st, tpl := range byStage {
			for _, name := range names {
				age := withArticle(AgeText(30))
				r := strings.NewReplacer("{name}", name, "{a-age}", age)
				c := fallbacks[s][st]
				if got, want := c.bio.fill(name, age), r.Replace(tpl.bio); got != want {
					t.Errorf("%s/%s bio with %q:\n got %q\nwant %q", s, st, name, got, want)
				}
				if got, want := c.hints.fill(name, age), r.Replace(tpl.hints); got != want {
					t.Errorf("%s/%s hints with %q:\n got %q\nwant %q", s, st, name, got, want)
				}
			}
		}
	}
	for _, s := range []string{"", "{name}", "{a-age}{name}", "a{name}b{a-age}c{name}", "{nam{name}e}"} {
		r := strings.NewReplacer("{name}", "N", "{a-age}", "A")
		if got, want := compileFiller(s).fill("N", "A"), r.Replace(s); got != want {
			t.Errorf("fill(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestFallbackProfileFollowsThePet(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	p := Pet{Name: "Mochi", Species: SpeciesCat, AgeMonths: 3}
	a := FallbackProfile(p, at)
	if !strings.HasPrefix(a.Bio, "Mochi is a 3-month-old kitten") || a.GeneratedAt != at.UnixMilli() || a.Source != ProfileSourceFallback {
		t.Errorf("kitten profile %+v", a)
	}
	p.Name, p.AgeMonths = "Mochi Senior", 140
	if b := FallbackProfile(p, at); !strings.HasPrefix(b.Bio, "Mochi Senior is an 11-year-old senior cat") {
		t.Errorf("after the edit the bio is %q", b.Bio)
	}
}

// referenceFallback is FallbackProfile as first written (one fill per
// text, the age formatted on each call).
func referenceFallback(p Pet, at time.Time) Profile {
	t := fallbacks[p.Species]
	if t == nil {
		t = fallbacks[SpeciesOther]
	}
	c := t[LifeStage(p.Species, p.AgeMonths)]
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = "This pet"
	}
	age := withArticle(AgeText(p.AgeMonths))
	return Profile{Bio: c.bio.fill(name, age), BreedGuess: c.breed, TemperamentTags: append([]string(nil), c.tags...),
		AdopterHints: c.hints.fill(name, age), Source: ProfileSourceFallback, GeneratedAt: at.UnixMilli()}
}

func TestFallbackProfileAsFirstWritten(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_123)
	for _, sp := range []Species{SpeciesDog, SpeciesCat, SpeciesBird, SpeciesOther, "ferret", ""} {
		for _, name := range []string{"Bo", "  Mochi ", "", "{name}", "Ünïcødé 🐾"} {
			for age := -2; age <= MaxAgeMonths+2; age++ {
				p := Pet{Name: name, Species: sp, AgeMonths: age}
				got, want := FallbackProfile(p, at), referenceFallback(p, at)
				texts, n, parts := FallbackParts([]byte("old"), p, at)
				parts.Bio, parts.AdopterHints = string(texts[3:n]), string(texts[n:])
				if !reflect.DeepEqual(parts, got) {
					t.Fatalf("%s %q aged %d: FallbackParts\n got %+v\nwant %+v", sp, name, age, parts, got)
				}
				if got.Bio != want.Bio || got.AdopterHints != want.AdopterHints || got.BreedGuess != want.BreedGuess ||
					strings.Join(got.TemperamentTags, ",") != strings.Join(want.TemperamentTags, ",") ||
					got.Source != want.Source || got.GeneratedAt != want.GeneratedAt {
					t.Fatalf("%s %q aged %d:\n got %+v\nwant %+v", sp, name, age, got, want)
				}
			}
		}
	}
}

func BenchmarkFallbackProfile(b *testing.B) {
	p := Pet{Name: "Buddy", Species: SpeciesDog, AgeMonths: 30}
	at := time.UnixMilli(1_700_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		FallbackProfile(p, at)
	}
}
