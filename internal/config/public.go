package config

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Public holds the settings of the public adoption page.
type Public struct {
	// Enabled is PUBLIC_ADOPTION (default true): false answers 404 on the
	// whole public side (/adopt and below).
	Enabled bool
	// ShelterName is SHELTER_NAME, the name the public page shows
	// (default "Our shelter").
	ShelterName string
	// ShelterContact is SHELTER_CONTACT, one line of how to reach the
	// shelter (address, phone, opening hours); empty shows none.
	ShelterContact string
}

func loadPublic() (Public, []error) {
	p := Public{Enabled: true, ShelterName: "Our shelter"}
	var errs []error
	if v, ok := lookup("PUBLIC_ADOPTION"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("PUBLIC_ADOPTION=%q: must be true or false", v))
		}
		p.Enabled = b
	}
	if v, ok := lookup("SHELTER_NAME"); ok {
		if utf8.RuneCountInString(v) > 100 {
			errs = append(errs, fmt.Errorf("SHELTER_NAME: must be at most 100 characters"))
		}
		p.ShelterName = v
	}
	if v, ok := lookup("SHELTER_CONTACT"); ok {
		if utf8.RuneCountInString(v) > 300 {
			errs = append(errs, fmt.Errorf("SHELTER_CONTACT: must be at most 300 characters"))
		}
		p.ShelterContact = v
	}
	return p, errs
}
