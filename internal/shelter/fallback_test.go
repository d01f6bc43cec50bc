package shelter

import (
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
