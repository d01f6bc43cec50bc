package web

import (
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// Pets are the API's most frequent answer, and encoding/json's reflection
// was about a seventh of the server's CPU per GET of a pet: these write
// the very bytes encoding/json writes for a shelter.Pet (field order,
// omitempty, escaping with HTML characters escaped as echo's encoder
// does), and pet_json_test.go checks that byte for byte on pets with
// every field set, so a field added to Pet fails the test until it is
// written here too.

// petJSON answers code with the pet as JSON, as c.JSON would.
func petJSON(c echo.Context, code int, p *shelter.Pet) error {
	return writeJSON(c, code, p, func(b []byte) []byte { return appendPet(b, p) })
}

// petsJSON answers code with the pets as a JSON array, as c.JSON would.
func petsJSON(c echo.Context, code int, ps []*shelter.Pet) error {
	return writeJSON(c, code, ps, func(b []byte) []byte { return appendPets(b, ps) })
}

var jsonBufs = sync.Pool{New: func() any { return new([]byte) }}

// writeJSON writes what add appends, and a newline as json.Encoder does.
// A request for indented JSON (?pretty, or echo in Debug mode) goes to
// c.JSON with v.
func writeJSON(c echo.Context, code int, v any, add func([]byte) []byte) error {
	if c.Echo().Debug || c.Request().URL.RawQuery != "" && c.QueryParams().Has("pretty") {
		return c.JSON(code, v)
	}
	bp := jsonBufs.Get().(*[]byte)
	b := append(add((*bp)[:0]), '\n')
	err := c.Blob(code, echo.MIMEApplicationJSON, b)
	if cap(b) <= 64<<10 { // a page of pets at most; a bigger one is not kept
		*bp = b
		jsonBufs.Put(bp)
	}
	return err
}

func appendPets(b []byte, ps []*shelter.Pet) []byte {
	if ps == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPet(b, p)
	}
	return append(b, ']')
}

func appendPet(b []byte, p *shelter.Pet) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, p.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"species":`...)
	b = appendJSONString(b, string(p.Species))
	b = append(b, `,"ageMonths":`...)
	b = strconv.AppendInt(b, int64(p.AgeMonths), 10)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(p.Status))
	b = append(b, `,"createdAt":`...)
	b = strconv.AppendInt(b, p.CreatedAt, 10)
	b = append(b, `,"updatedAt":`...)
	b = strconv.AppendInt(b, p.UpdatedAt, 10)
	b = appendStringField(b, `,"notes":`, p.Notes)
	b = appendIntField(b, `,"nextFeedingAt":`, p.NextFeedingAt)
	b = appendIntField(b, `,"deletedAt":`, p.DeletedAt)
	b = appendIntField(b, `,"purgeAt":`, p.PurgeAt)
	if p.Profile != nil {
		b = append(b, `,"profile":`...)
		b = appendProfile(b, p.Profile)
	}
	b = appendStringField(b, `,"sex":`, string(p.Sex))
	b = appendStringField(b, `,"breed":`, p.Breed)
	b = appendStringField(b, `,"color":`, p.Color)
	b = appendStringField(b, `,"microchip":`, p.Microchip)
	b = appendStringField(b, `,"location":`, p.Location)
	b = appendStringField(b, `,"intakeType":`, string(p.IntakeType))
	b = append(b, `,"feedingIntervalMinutes":`...)
	b = strconv.AppendInt(b, int64(p.FeedingIntervalMinutes), 10)
	b = appendIntField(b, `,"lastFedAt":`, p.LastFedAt)
	b = appendStringField(b, `,"feeding":`, string(p.Feeding))
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, p.Version, 10)
	b = appendIntField(b, `,"statusChangedAt":`, p.StatusChangedAt)
	b = appendStringField(b, `,"statusNote":`, p.StatusNote)
	if a := p.Adopter; a != nil {
		b = append(b, `,"adopter":{"name":`...)
		b = appendJSONString(b, a.Name)
		b = appendStringField(b, `,"email":`, a.Email)
		b = appendStringField(b, `,"phone":`, a.Phone)
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendProfile(b []byte, pr *shelter.Profile) []byte {
	b = append(b, `{"bio":`...)
	b = appendJSONString(b, pr.Bio)
	b = append(b, `,"breedGuess":`...)
	b = appendJSONString(b, pr.BreedGuess)
	b = append(b, `,"temperamentTags":`...)
	if pr.TemperamentTags == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, t := range pr.TemperamentTags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, t)
		}
		b = append(b, ']')
	}
	b = append(b, `,"adopterHints":`...)
	b = appendJSONString(b, pr.AdopterHints)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, pr.Source)
	b = appendStringField(b, `,"model":`, pr.Model)
	b = append(b, `,"generatedAt":`...)
	b = strconv.AppendInt(b, pr.GeneratedAt, 10)
	return append(b, '}')
}

// appendStringField appends an omitempty string member.
func appendStringField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendJSONString(append(b, key...), v)
}

// appendIntField appends an omitempty number member.
func appendIntField(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, key...), v, 10)
}

// jsonSafe marks the ASCII bytes encoding/json writes as they are when it
// escapes HTML characters (its htmlSafeSet).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string exactly as encoding/json
// does with HTML escaping on (its appendString): invalid UTF-8 becomes
// \ufffd, U+2028 and U+2029 are escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
