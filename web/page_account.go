package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// accountUser is the signed-in user of an account page. The page is for
// people signed in with a password: a token may not change its owner's.
func accountUser(c echo.Context) (*shelter.User, error) {
	p := principal(c)
	if p == nil || p.User == nil || p.Token != nil {
		return nil, shelter.Errorf(shelter.EFORBIDDEN, "Sign in with your password to manage your account: an API token cannot.")
	}
	return p.User, nil
}

// accountNotice is the message after a finished account action, named in
// the redirect's query.
var accountNotice = map[string]string{
	"password": "Password changed. Your other sessions have ended; this one continues.",
}

// handlePageAccount shows the signed-in user's account and the form to
// change their password.
func (s *Server) handlePageAccount(c echo.Context) error {
	u, err := accountUser(c)
	if err != nil {
		return err
	}
	d := views.AccountData{User: u, Notice: accountNotice[c.QueryParam("done")]}
	return Render(c, http.StatusOK, views.AccountPage(s.layout("Your account", views.NavAccount), d))
}

// handleAccountPassword changes the signed-in user's own password: the
// current one must be right and the new one pass the policy. Every session
// of the account ends, and this browser gets a new one (a new id).
// Problems show the form again (400); too many wrong current passwords is
// 429, like sign-in.
func (s *Server) handleAccountPassword(c echo.Context) error {
	u, err := accountUser(c)
	if err != nil {
		return err
	}
	current, next := c.FormValue("current"), c.FormValue("password")
	if len(current) > maxPasswordField {
		current = current[:maxPasswordField]
	}
	if len(next) > maxPasswordField {
		next = next[:maxPasswordField]
	}
	r := c.Request()
	secret, _, err := s.accounts.ChangePassword(r.Context(), u.ID, current, next, shelter.ClientInfo{Addr: c.RealIP(), UserAgent: r.UserAgent()})
	if err == nil {
		s.setSessionCookie(c, secret)
		return seeOther(c, "/account?done=password")
	}
	problems, ok := fieldProblems(err)
	if !ok {
		return err
	}
	d := views.AccountData{User: u, Errors: problems}
	return Render(c, http.StatusBadRequest, views.AccountPage(s.layout("Your account", views.NavAccount), d))
}
