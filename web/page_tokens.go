package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// tokensData reads the tokens page: the user's own tokens, or every token
// for an admin, with their owners' emails.
func (s *Server) tokensData(c echo.Context) (views.TokensData, error) {
	ctx := c.Request().Context()
	p := principal(c)
	d := views.TokensData{All: p.Role() == shelter.RoleAdmin, Form: views.TokenForm{Role: string(shelter.RoleStaff)}}
	owner := ""
	if !d.All {
		if p.User == nil {
			return d, errAdminOnly() // a staff token belongs to no one's page
		}
		owner = p.User.ID
	}
	tokens, err := s.accounts.FindTokens(ctx, owner)
	if err != nil {
		return d, err
	}
	emails := map[string]string{}
	if d.All {
		users, err := s.accounts.FindUsers(ctx)
		if err != nil {
			return d, err
		}
		for _, u := range users {
			emails[u.ID] = u.Email
		}
	}
	for _, t := range tokens {
		d.Rows = append(d.Rows, views.TokenRow{Token: t, Owner: emails[t.UserID]})
	}
	return d, nil
}

// handlePageTokens lists tokens.
func (s *Server) handlePageTokens(c echo.Context) error {
	d, err := s.tokensData(c)
	if err != nil {
		return err
	}
	d.Notice = noticeFor[c.QueryParam("done")]
	return Render(c, http.StatusOK, views.TokensPage(s.layout("API tokens", views.NavTokens), d))
}

// handleTokenCreate creates a personal token and shows its secret in this
// answer only (never in a URL or a log). Staff create staff tokens; an
// admin may create an admin token.
func (s *Server) handleTokenCreate(c echo.Context) error {
	p := principal(c)
	if p.User == nil {
		return shelter.Errorf(shelter.EFORBIDDEN, "Tokens are created by a signed-in staff member or with petstore token create.")
	}
	f := views.TokenForm{Name: c.FormValue("name"), Role: c.FormValue("role")}
	if f.Role == "" || p.Role() != shelter.RoleAdmin {
		f.Role = string(shelter.RoleStaff)
	}
	secret, t, err := s.accounts.CreateToken(c.Request().Context(), shelter.TokenInput{Name: f.Name, Role: shelter.Role(f.Role), UserID: p.User.ID})
	status := http.StatusCreated
	if err != nil {
		problems, ok := fieldProblems(err)
		switch {
		case ok:
			status = http.StatusBadRequest
		case shelter.ErrorCode(err) == shelter.ECONFLICT:
			problems, status = map[string]string{"name": shelter.ErrorMessage(err)}, http.StatusConflict
		default:
			return err
		}
		f.Errors = problems
	}
	d, derr := s.tokensData(c)
	if derr != nil {
		return derr
	}
	if err != nil {
		d.Form = f
		return Render(c, status, views.TokensPage(s.layout("API tokens", views.NavTokens), d))
	}
	d.Secret, d.NewName = secret, t.Name
	return Render(c, status, views.TokensPage(s.layout("API tokens", views.NavTokens), d))
}

// handleTokenRevoke revokes a token: staff their own, an admin any.
func (s *Server) handleTokenRevoke(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.accounts.FindTokenByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	p := principal(c)
	if p.Role() != shelter.RoleAdmin && (p.User == nil || t.UserID != p.User.ID) {
		return shelter.Errorf(shelter.EFORBIDDEN, "Only an admin may revoke another person's token.")
	}
	if err := s.accounts.RevokeToken(ctx, t.ID); err != nil {
		return err
	}
	return seeOther(c, "/tokens?done=revoked")
}
