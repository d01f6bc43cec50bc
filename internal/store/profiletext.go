package store

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// fallbackMarkerPrefix starts the text a fallback profile is stored as:
// {"source":"fallback","generatedAt":N}. It is JSON, so json_extract on
// pets.profile (RequeueOutageFallbacks) and any outside tool still read
// its source and time.
const fallbackMarkerPrefix = `{"source":"` + shelter.ProfileSourceFallback + `","generatedAt":`

// profileText is the text profile p of pet is stored as. A fallback that
// is exactly what shelter.FallbackProfile writes for the pet as it is now
// is kept as a marker of about 50 bytes instead of its text (about 520):
// reading writes it again from the pet's name, species and age, so it
// follows a later edit of them. Any other profile (a model's, or a
// fallback that differs) is stored whole.
func profileText(pet *shelter.Pet, p *shelter.Profile) (string, error) {
	if ownFallback(pet, p) {
		return fallbackMarkerPrefix + strconv.FormatInt(p.GeneratedAt, 10) + "}", nil
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return string(raw), nil
}

// ownFallback reports whether p is exactly the fallback profile
// shelter.FallbackProfile writes for pet as it is now, at p's time: then
// p can be kept as that time alone and written out again when needed.
func ownFallback(pet *shelter.Pet, p *shelter.Profile) bool {
	return p.Source == shelter.ProfileSourceFallback && p.Model == "" &&
		sameProfile(p, shelter.FallbackProfile(*pet, time.UnixMilli(p.GeneratedAt)))
}

func sameProfile(a *shelter.Profile, b shelter.Profile) bool {
	return a.Bio == b.Bio && a.BreedGuess == b.BreedGuess && a.AdopterHints == b.AdopterHints &&
		slices.Equal(a.TemperamentTags, b.TemperamentTags) && a.Source == b.Source && a.Model == b.Model &&
		a.GeneratedAt == b.GeneratedAt
}

// fallbackMarker returns the time of a marker written by profileText.
func fallbackMarker(text string) (generatedAt int64, ok bool) {
	rest, ok := strings.CutPrefix(text, fallbackMarkerPrefix)
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, "}")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil
}

// read returns the stored profile text of pet, whose name, species and
// age are already read: a fallback marker is written out from them (no
// cache: that is cheaper than decoding the JSON of a whole profile), any
// other text is decoded through the cache. A fallback without text in any
// other JSON spelling is written out too.
func (c *profileCache) read(text string, pet *shelter.Pet) (*shelter.Profile, error) {
	if at, ok := fallbackMarker(text); ok {
		p := shelter.FallbackProfile(*pet, time.UnixMilli(at))
		return &p, nil
	}
	p, err := c.decode(text)
	if err != nil {
		return nil, err
	}
	if p.Source == shelter.ProfileSourceFallback && p.Bio == "" && p.BreedGuess == "" && p.AdopterHints == "" && len(p.TemperamentTags) == 0 {
		f := shelter.FallbackProfile(*pet, time.UnixMilli(p.GeneratedAt))
		return &f, nil
	}
	return p, nil
}
