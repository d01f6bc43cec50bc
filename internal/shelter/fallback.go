package shelter

import (
	"fmt"
	"strings"
	"time"
)

// Stage is a pet's life stage, which the fallback describes differently.
type Stage string

// Life stages.
const (
	StageYoung  Stage = "young"
	StageAdult  Stage = "adult"
	StageSenior Stage = "senior"
)

// seniorFrom is the age in months from which a species counts as senior.
var seniorFrom = map[Species]int{
	SpeciesDog:   96,  // 8 years
	SpeciesCat:   132, // 11 years
	SpeciesBird:  180, // 15 years: many companion birds live long
	SpeciesOther: 72,  // 6 years: rabbits, guinea pigs, ferrets
}

// LifeStage is the stage of a pet of species s aged ageMonths: young under
// a year, senior from the species' senior age, adult between.
func LifeStage(s Species, ageMonths int) Stage {
	senior, ok := seniorFrom[s]
	if !ok {
		senior = seniorFrom[SpeciesOther]
	}
	switch {
	case ageMonths < 12:
		return StageYoung
	case ageMonths >= senior:
		return StageSenior
	}
	return StageAdult
}

// AgeText says an age the way a profile does: "newborn",
// "4-month-old", "3-year-old".
func AgeText(ageMonths int) string {
	switch {
	case ageMonths <= 0:
		return "newborn"
	case ageMonths < 24:
		return fmt.Sprintf("%d-month-old", ageMonths)
	}
	return fmt.Sprintf("%d-year-old", ageMonths/12)
}

// template is one fallback text set. In bio and hints, {name} is the
// pet's name and {a-age} its age with an article ("an 8-year-old").
type template struct {
	bio, breed, hints string
	tags              []string
}

var templates = map[Species]map[Stage]template{
	SpeciesDog: {
		StageYoung: {
			bio:   "{name} is {a-age} puppy with a big heart and endless curiosity about the world. {name} is ready to grow up alongside a family who will guide those first lessons with patience and play.",
			breed: "Mixed breed (not yet assessed)",
			tags:  []string{"playful", "curious", "energetic", "eager to learn"},
			hints: "Best for an adopter with time for house-training, puppy classes and several short play sessions a day. Expect chewing and boundless energy; a securely fenced garden helps.",
		},
		StageAdult: {
			bio:   "{name} is {a-age} dog ready to bring loyalty and companionship to a new home. {name} would love daily walks, a comfortable bed and people to share them with.",
			breed: "Mixed breed (not yet assessed)",
			tags:  []string{"loyal", "friendly", "active", "affectionate"},
			hints: "Suits an active household that can offer daily walks, play and consistent routines. Ask the staff how {name} gets on with children, cats and other dogs.",
		},
		StageSenior: {
			bio:   "{name} is {a-age} senior dog with a gentle soul and a lifetime of love left to give. {name} would be happiest in a calm home with soft bedding, short strolls and plenty of quiet company.",
			breed: "Mixed breed (not yet assessed)",
			tags:  []string{"gentle", "calm", "loyal", "affectionate"},
			hints: "Ideal for a quieter household or retirees. Plan for regular veterinary check-ups, gentle exercise and a warm resting spot that is easy to reach without stairs.",
		},
	},
	SpeciesCat: {
		StageYoung: {
			bio:   "{name} is {a-age} kitten full of curiosity, pounces and purrs. {name} is looking for a playful home with time for games and a warm lap for naps afterwards.",
			breed: "Domestic shorthair (not yet assessed)",
			tags:  []string{"playful", "curious", "energetic", "affectionate"},
			hints: "Kittens need kitten food, safe toys and a kitten-proofed home; another young cat or someone at home for much of the day suits them well. Plan for vaccinations and neutering.",
		},
		StageAdult: {
			bio:   "{name} is {a-age} cat with a settled personality and a fondness for comfortable spots. {name} would thrive in a home that offers gentle attention, a sunny windowsill and a predictable routine.",
			breed: "Domestic shorthair (not yet assessed)",
			tags:  []string{"independent", "affectionate", "calm", "observant"},
			hints: "Suits most homes, apartments included, with a litter tray, a scratching post and high places to perch. Ask the staff how {name} gets on with other pets.",
		},
		StageSenior: {
			bio:   "{name} is {a-age} senior cat who has mastered the art of relaxing. {name} would love a quiet home with a soft blanket, gentle company and someone who appreciates an unhurried companion.",
			breed: "Domestic shorthair (not yet assessed)",
			tags:  []string{"calm", "gentle", "affectionate", "relaxed"},
			hints: "Ideal for a calm home without boisterous pets or very young children. Plan for regular veterinary check-ups, a diet suited to older cats and low, easy-to-reach resting spots.",
		},
	},
	SpeciesBird: {
		StageYoung: {
			bio:   "{name} is {a-age} bird, still young and learning about people and the world. {name} would flourish with an adopter who has time for gentle daily handling and plenty of enrichment.",
			breed: "Companion bird (species not yet assessed)",
			tags:  []string{"curious", "social", "lively"},
			hints: "Needs a roomy cage, a varied diet and daily social time to grow confident with people. Best for an adopter ready to commit to a bird's long lifespan.",
		},
		StageAdult: {
			bio:   "{name} is {a-age} bird with a bright, alert personality. {name} would enjoy a spacious cage, daily time outside it and an adopter who loves conversation and song.",
			breed: "Companion bird (species not yet assessed)",
			tags:  []string{"alert", "social", "vocal", "intelligent"},
			hints: "Needs a spacious cage away from drafts and kitchen fumes, a varied diet and daily time out of the cage. Best for an adopter who enjoys chatter and can plan for a long-lived companion.",
		},
		StageSenior: {
			bio:   "{name} is {a-age} bird with a steady temperament and many years of experience with people. {name} would do best in a calm, consistent home where familiar routines come first.",
			breed: "Companion bird (species not yet assessed)",
			tags:  []string{"steady", "calm", "gentle"},
			hints: "Best in a quiet, consistent home; avoid sudden changes of cage or routine. Regular check-ups with an avian veterinarian are recommended.",
		},
	},
	SpeciesOther: {
		StageYoung: {
			bio:   "{name} is {a-age} youngster with a lively, curious nature. {name} is looking for an adopter who will learn what a young animal of this kind needs and enjoy watching it grow.",
			breed: "Not yet assessed",
			tags:  []string{"curious", "lively", "gentle"},
			hints: "Ask the staff about {name}'s species-specific needs: housing, diet and handling. Young animals need extra time for gentle, regular socialising.",
		},
		StageAdult: {
			bio:   "{name} is {a-age} companion with a gentle, curious nature. {name} would love a home that gives the right space, diet and daily attention.",
			breed: "Not yet assessed",
			tags:  []string{"gentle", "curious", "calm"},
			hints: "Ask the staff about {name}'s species-specific needs: housing, diet and handling. Best for an adopter ready to prepare the right set-up before bringing {name} home.",
		},
		StageSenior: {
			bio:   "{name} is {a-age} senior companion with a calm, easygoing nature. {name} would be happiest in a quiet home with a comfortable set-up and a patient adopter.",
			breed: "Not yet assessed",
			tags:  []string{"calm", "gentle", "easygoing"},
			hints: "Plan for regular veterinary check-ups with a vet who knows this kind of animal, and a warm, quiet enclosure. Ask the staff about {name}'s health history.",
		},
	},
}

// FallbackProfile returns the deterministic profile of p at time at:
// written from its name, species and age (a kitten is not described like
// a senior dog), marked source "fallback" so that staff can regenerate it
// later. The same pet always gets the same text, which is why the store
// keeps only a marker for it and writes it again from the pet's fields
// when reading.
func FallbackProfile(p Pet, at time.Time) Profile {
	t, name, age := fallbackFor(p)
	// One allocation for both texts: a pet's GET writes them (the store
	// keeps only the marker).
	var b strings.Builder
	nb := t.bio.size(name, age)
	b.Grow(nb + t.hints.size(name, age))
	t.bio.writeTo(&b, name, age)
	t.hints.writeTo(&b, name, age)
	texts := b.String()
	return Profile{
		Bio:             texts[:nb],
		BreedGuess:      t.breed,
		TemperamentTags: append([]string(nil), t.tags...),
		AdopterHints:    texts[nb:],
		Source:          ProfileSourceFallback,
		GeneratedAt:     at.UnixMilli(),
	}
}

// FallbackParts is FallbackProfile in pieces, for a caller that keeps the
// texts in a buffer of its own (the store's lent pets): the bio and then
// the adopter hints appended to dst, the hints starting at bioEnd, and the
// rest of the profile (no Bio, no AdopterHints), whose TemperamentTags are
// shared by every pet of the kind and must never be changed.
func FallbackParts(dst []byte, p Pet, at time.Time) (texts []byte, bioEnd int, rest Profile) {
	t, name, age := fallbackFor(p)
	dst = t.bio.appendTo(dst, name, age)
	bioEnd = len(dst)
	dst = t.hints.appendTo(dst, name, age)
	return dst, bioEnd, Profile{BreedGuess: t.breed, TemperamentTags: t.tags, Source: ProfileSourceFallback, GeneratedAt: at.UnixMilli()}
}

// fallbackFor is the template of p's kind, and the name and age its texts
// are filled with.
func fallbackFor(p Pet) (t compiledTemplate, name, age string) {
	bySpecies, ok := fallbacks[p.Species]
	if !ok {
		bySpecies = fallbacks[SpeciesOther]
	}
	t = bySpecies[LifeStage(p.Species, p.AgeMonths)]
	name = strings.TrimSpace(p.Name)
	if name == "" {
		name = "This pet"
	}
	return t, name, ageWithArticle(p.AgeMonths)
}

// compiledTemplate is a template with its texts cut at their placeholders.
type compiledTemplate struct {
	bio, hints filler
	breed      string
	tags       []string
}

// fallbacks are the templates, compiled once.
var fallbacks = compileTemplates(templates)

func compileTemplates(m map[Species]map[Stage]template) map[Species]map[Stage]compiledTemplate {
	out := make(map[Species]map[Stage]compiledTemplate, len(m))
	for s, byStage := range m {
		out[s] = make(map[Stage]compiledTemplate, len(byStage))
		for st, t := range byStage {
			out[s][st] = compiledTemplate{bio: compileFiller(t.bio), hints: compileFiller(t.hints), breed: t.breed, tags: t.tags}
		}
	}
	return out
}

// filler is a template text cut at its placeholders: filling it is one
// pass over the template that never looks inside what it puts in, so a
// name that contains "{a-age}" stays as it is.
type filler []fillerPart

// fillerPart is literal text followed by a placeholder (or none).
type fillerPart struct {
	text string
	slot fillerSlot
}

type fillerSlot uint8

const (
	slotNone fillerSlot = iota
	slotName
	slotAge
)

func compileFiller(s string) filler {
	var f filler
	for {
		i, j := strings.Index(s, "{name}"), strings.Index(s, "{a-age}")
		switch {
		case i < 0 && j < 0:
			return append(f, fillerPart{text: s})
		case j < 0 || (i >= 0 && i < j):
			f, s = append(f, fillerPart{text: s[:i], slot: slotName}), s[i+len("{name}"):]
		default:
			f, s = append(f, fillerPart{text: s[:j], slot: slotAge}), s[j+len("{a-age}"):]
		}
	}
}

func (f filler) fill(name, age string) string {
	var b strings.Builder
	b.Grow(f.size(name, age))
	f.writeTo(&b, name, age)
	return b.String()
}

// size is the length of f filled with name and age.
func (f filler) size(name, age string) int {
	n := 0
	for _, p := range f {
		n += len(p.text)
		switch p.slot {
		case slotName:
			n += len(name)
		case slotAge:
			n += len(age)
		}
	}
	return n
}

// writeTo writes f filled with name and age to b.
func (f filler) writeTo(b *strings.Builder, name, age string) {
	for _, p := range f {
		b.WriteString(p.text)
		switch p.slot {
		case slotName:
			b.WriteString(name)
		case slotAge:
			b.WriteString(age)
		}
	}
}

// appendTo appends f filled with name and age to dst.
func (f filler) appendTo(dst []byte, name, age string) []byte {
	for _, p := range f {
		dst = append(dst, p.text...)
		switch p.slot {
		case slotName:
			dst = append(dst, name...)
		case slotAge:
			dst = append(dst, age...)
		}
	}
	return dst
}

// agesWithArticle holds withArticle(AgeText(m)) for every age a pet may
// have, written once.
var agesWithArticle = func() []string {
	out := make([]string, MaxAgeMonths+1)
	for m := range out {
		out[m] = withArticle(AgeText(m))
	}
	return out
}()

// ageWithArticle is withArticle(AgeText(ageMonths)).
func ageWithArticle(ageMonths int) string {
	if ageMonths >= 0 && ageMonths < len(agesWithArticle) {
		return agesWithArticle[ageMonths]
	}
	return withArticle(AgeText(ageMonths))
}

// withArticle puts "a" or "an" before an age text: "an 8-year-old",
// "an 11-month-old", "a 2-year-old".
func withArticle(age string) string {
	if strings.HasPrefix(age, "8") || strings.HasPrefix(age, "11-") || strings.HasPrefix(age, "18-") {
		return "an " + age
	}
	return "a " + age
}
