package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// PublicSite configures the public adoption page.
type PublicSite struct {
	// Enabled turns the public side on (PUBLIC_ADOPTION); off, every
	// public route answers 404.
	Enabled bool
	// ShelterName and ShelterContact are SHELTER_NAME and SHELTER_CONTACT.
	ShelterName    string
	ShelterContact string
}

// publicCSP is the public pages' own policy: they run no script at all,
// load only the app's stylesheet and images, and post forms only here.
const publicCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// publicService returns the public side, or ENOTFOUND when it is off.
func (s *Server) publicService(c echo.Context) (shelter.PublicService, error) {
	if s.public == nil || !s.site.Enabled {
		return nil, shelter.ErrNotFound()
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", publicCSP)
	return s.public, nil
}

func (s *Server) adoptOptions(title string) views.AdoptOptions {
	name := s.site.ShelterName
	if name == "" {
		name = "Our shelter"
	}
	return views.AdoptOptions{Title: title, ShelterName: name, ShelterContact: s.site.ShelterContact}
}

// handleAdoptList is GET /adopt: every available pet, filtered by species
// and age group.
func (s *Server) handleAdoptList(c echo.Context) error {
	ps, err := s.publicService(c)
	if err != nil {
		return err
	}
	d := views.AdoptListData{Species: shelter.Species(c.QueryParam("species")), Age: shelter.AgeGroup(c.QueryParam("age"))}
	if d.Species != "" && !d.Species.Valid() {
		d.Species = ""
	}
	if _, _, ok := d.Age.Months(); d.Age != "" && !ok {
		d.Age = ""
	}
	if d.Pets, err = ps.FindAdoptablePets(c.Request().Context(), shelter.PublicFilter{Species: d.Species, AgeGroup: d.Age}); err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.AdoptListPage(s.adoptOptions("Adopt"), d))
}

// adoptPet reads the pet of /adopt/:id; a pet that is not available gets
// the public "not available" page with 404.
func (s *Server) adoptPet(c echo.Context, ps shelter.PublicService) (*shelter.PublicPet, error) {
	p, err := ps.FindAdoptablePet(c.Request().Context(), c.Param("id"))
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return nil, Render(c, http.StatusNotFound, views.AdoptGonePage(s.adoptOptions("Not found"), ""))
	} else if err != nil {
		return nil, err
	}
	if !p.Available {
		return nil, Render(c, http.StatusNotFound, views.AdoptGonePage(s.adoptOptions(p.Name+" is no longer available"), p.Name))
	}
	return p, nil
}

// handleAdoptPet is GET /adopt/:id.
func (s *Server) handleAdoptPet(c echo.Context) error {
	ps, err := s.publicService(c)
	if err != nil {
		return err
	}
	p, err := s.adoptPet(c, ps)
	if p == nil {
		return err
	}
	return Render(c, http.StatusOK, views.AdoptPetPage(s.adoptOptions(p.Name), views.AdoptPetData{Pet: p}))
}

// handleAdoptInquiry is POST /adopt/:id/inquiry: it files an inquiry and
// sends the adopter to the thank-you page. A filled honeypot gets the same
// thank-you page and files nothing.
func (s *Server) handleAdoptInquiry(c echo.Context) error {
	ps, err := s.publicService(c)
	if err != nil {
		return err
	}
	p, err := s.adoptPet(c, ps)
	if p == nil {
		return err
	}
	if strings.TrimSpace(c.FormValue("website")) != "" {
		s.log.Info("💌 Inquiry dropped: the honeypot was filled", "petId", p.ID)
		return c.Redirect(http.StatusSeeOther, views.AdoptURL(p.ID)+"/thanks")
	}
	f := shelter.InquiryFields{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"), Message: c.FormValue("message")}
	_, err = ps.CreateInquiry(c.Request().Context(), p.ID, f, c.RealIP())
	if err == nil {
		return c.Redirect(http.StatusSeeOther, views.AdoptURL(p.ID)+"/thanks")
	}
	d := views.AdoptPetData{Pet: p, Form: views.InquiryForm{Name: f.Name, Email: f.Email, Phone: f.Phone, Message: f.Message}}
	status := http.StatusBadRequest
	switch shelter.ErrorCode(err) {
	case shelter.EINVALID:
		d.Form.Errors = map[string]string{}
		for _, fe := range shelter.ErrorFields(err) {
			if _, ok := d.Form.Errors[fe.Field]; !ok {
				d.Form.Errors[fe.Field] = inquiryLabel(fe.Field) + " " + fe.Message
			}
		}
	case shelter.ETHROTTLED:
		status, d.Problem = http.StatusTooManyRequests, shelter.ErrorMessage(err)
	case shelter.ENOTFOUND:
		return Render(c, http.StatusNotFound, views.AdoptGonePage(s.adoptOptions(p.Name+" is no longer available"), p.Name))
	default:
		return err
	}
	return Render(c, status, views.AdoptPetPage(s.adoptOptions(p.Name), d))
}

func inquiryLabel(field string) string {
	switch field {
	case "name":
		return "Your name"
	case "email":
		return "Email"
	case "phone":
		return "Phone"
	case "message":
		return "Message"
	}
	return field
}

// handleAdoptThanks is GET /adopt/:id/thanks. It says nothing of any
// inquiry: the address is the same for everyone.
func (s *Server) handleAdoptThanks(c echo.Context) error {
	ps, err := s.publicService(c)
	if err != nil {
		return err
	}
	p, err := ps.FindAdoptablePet(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.AdoptThanksPage(s.adoptOptions("Thank you"), p.Name))
}

// handleAdoptPhoto serves a stored copy of an available pet's primary
// photo: GET /adopt/photos/:photoId/:file.
func (s *Server) handleAdoptPhoto(c echo.Context) error {
	ps, err := s.publicService(c)
	if err != nil {
		return err
	}
	size, hash, ok := views.ParsePhotoFile(c.Param("file"))
	if !ok {
		return shelter.ErrNotFound()
	}
	data, err := ps.FindPublicPhotoData(c.Request().Context(), c.Param("photoId"), size, hash)
	if err != nil {
		return err
	}
	return servePhoto(c, data, hash)
}
