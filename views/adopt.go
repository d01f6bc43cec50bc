package views

import (
	"context"
	"net/url"

	"github.com/petstore/petstore/internal/shelter"
)

// AdoptOptions are what every public page shows of the shelter.
type AdoptOptions struct {
	Title          string
	ShelterName    string
	ShelterContact string
}

// AdoptListData is the public list of available pets.
type AdoptListData struct {
	Pets    []*shelter.PublicPet
	Species shelter.Species
	Age     shelter.AgeGroup
}

// InquiryForm is what an adopter typed, kept to show again with problems.
type InquiryForm struct {
	Name, Email, Phone, Message string
	Errors                      map[string]string
}

// Err returns the problem with field, or "".
func (f InquiryForm) Err(field string) string { return f.Errors[field] }

// AdoptPetData is one available pet's public page.
type AdoptPetData struct {
	Pet  *shelter.PublicPet
	Form InquiryForm
	// Problem is a message for the whole form (too many inquiries).
	Problem string
}

// AdoptURL is the public page of a pet.
func AdoptURL(id string) string { return "/adopt/" + url.PathEscape(id) }

// adoptFilterURL is the public list with filters.
func adoptFilterURL(sp shelter.Species, age shelter.AgeGroup) string {
	v := url.Values{}
	if sp != "" {
		v.Set("species", string(sp))
	}
	if age != "" {
		v.Set("age", string(age))
	}
	if len(v) == 0 {
		return "/adopt"
	}
	return "/adopt?" + v.Encode()
}

// publicPhotoSrcset offers both stored copies to the browser.
func publicPhotoSrcset(ph *shelter.Photo) string {
	return PublicPhotoURL(ph, shelter.PhotoThumb) + " " + itoa(ph.ThumbWidth) + "w, " +
		PublicPhotoURL(ph, shelter.PhotoLarge) + " " + itoa(ph.Width) + "w"
}

// speciesPlural names a species for the filter.
func speciesPlural(s shelter.Species) string {
	switch s {
	case shelter.SpeciesDog:
		return "Dogs"
	case shelter.SpeciesCat:
		return "Cats"
	case shelter.SpeciesBird:
		return "Birds"
	}
	return "Other animals"
}

// publicFacts is "Dog · Female · 2 years".
func publicFacts(p *shelter.PublicPet) string {
	s := SpeciesLabel(p.Species)
	if p.Sex != "" && p.Sex != shelter.SexUnknown {
		s += " · " + p.Sex.Label()
	}
	return s + " · " + FormatAge(p.AgeMonths)
}

type ctxKeyInquiries struct{}

// WithOpenInquiries returns a context carrying the count of open
// inquiries, for the navigation; -1 hides it.
func WithOpenInquiries(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, ctxKeyInquiries{}, n)
}

// OpenInquiries is the count of open inquiries, or -1 when not known.
func OpenInquiries(ctx context.Context) int {
	if n, ok := ctx.Value(ctxKeyInquiries{}).(int); ok {
		return n
	}
	return -1
}
