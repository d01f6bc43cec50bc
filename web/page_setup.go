package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// fieldProblems maps an error's field problems to a form's Errors; ok is
// false when err is not an EINVALID with fields.
func fieldProblems(err error) (map[string]string, bool) {
	fe := shelter.ErrorFields(err)
	if shelter.ErrorCode(err) != shelter.EINVALID || len(fe) == 0 {
		return nil, false
	}
	m := map[string]string{}
	for _, f := range fe {
		if _, seen := m[f.Field]; !seen {
			m[f.Field] = f.Message
		}
	}
	return m, true
}

// handlePageSetup shows the first-run form of the one-time setup link
// (/setup?token=…), or says the link is spent.
func (s *Server) handlePageSetup(c echo.Context) error {
	if s.accounts == nil {
		return shelter.ErrNotFound()
	}
	tok := c.QueryParam("token")
	o := s.layout("First run", views.NavNone)
	if err := s.accounts.CheckSetup(c.Request().Context(), tok); err != nil {
		if shelter.ErrorCode(err) != shelter.EUNAUTHORIZED {
			return err
		}
		return Render(c, http.StatusUnauthorized, views.SetupPage(o, views.SetupData{Invalid: shelter.ErrorMessage(err)}))
	}
	return Render(c, http.StatusOK, views.SetupPage(o, views.SetupData{Token: tok}))
}

// handleSetup creates the first admin with the setup link's token, signs
// them in and shows the board.
func (s *Server) handleSetup(c echo.Context) error {
	if s.accounts == nil {
		return shelter.ErrNotFound()
	}
	ctx := c.Request().Context()
	d := views.SetupData{Token: c.FormValue("token"), Name: c.FormValue("name"), Email: c.FormValue("email")}
	password := c.FormValue("password")
	if len(password) > maxPasswordField {
		password = password[:maxPasswordField]
	}
	o := s.layout("First run", views.NavNone)
	u, err := s.accounts.CompleteSetup(ctx, d.Token, shelter.UserInput{Name: d.Name, Email: d.Email, Password: password})
	if err != nil {
		if shelter.ErrorCode(err) == shelter.EUNAUTHORIZED {
			return Render(c, http.StatusUnauthorized, views.SetupPage(o, views.SetupData{Invalid: shelter.ErrorMessage(err)}))
		}
		problems, ok := fieldProblems(err)
		if !ok {
			return err
		}
		d.Errors = problems
		return Render(c, http.StatusBadRequest, views.SetupPage(o, d))
	}
	secret, _, err := s.accounts.StartSession(ctx, u.ID, shelter.ClientInfo{Addr: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		return err
	}
	s.setSessionCookie(c, secret)
	return c.Redirect(http.StatusSeeOther, "/")
}
