package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// maxPasswordField bounds a password read from a form; the policy's
// limit is lower.
const maxPasswordField = 1024

// nextPath is where to go after signing in: the form's or query's next
// when it is a local path, else the board.
func nextPath(c echo.Context) string {
	if n := c.FormValue("next"); n != "" && localPath(n) && n != "/login" {
		return n
	}
	return "/"
}

// handlePageLogin shows the sign-in form; a signed-in browser goes on to
// where it was going.
func (s *Server) handlePageLogin(c echo.Context) error {
	if s.accounts != nil {
		if secret := sessionSecret(c); secret != "" {
			if p, err := s.accounts.Authenticate(c.Request().Context(), secret); err == nil && p != nil {
				return c.Redirect(http.StatusSeeOther, nextPath(c))
			}
		}
	}
	d := views.LoginData{}
	if n := nextPath(c); n != "/" {
		d.Next = n
	}
	return Render(c, http.StatusOK, views.LoginPage(s.layout("Sign in", views.NavNone), d))
}

// handleLogin checks the email and password, starts a new session (a new
// id every time) and goes on. A failure shows the form again with one
// message that never tells whether the email has an account; too many
// failures answer 429 with Retry-After.
func (s *Server) handleLogin(c echo.Context) error {
	if s.accounts == nil {
		return shelter.Errorf(shelter.EUNAVAILABLE, "Accounts are not set up")
	}
	email, password := c.FormValue("email"), c.FormValue("password")
	if len(password) > maxPasswordField {
		password = password[:maxPasswordField]
	}
	d := views.LoginData{Email: email}
	if n := nextPath(c); n != "/" {
		d.Next = n
	}
	r := c.Request()
	// A sign-in replaces whatever session the browser had.
	if old := sessionSecret(c); old != "" {
		if err := s.accounts.SignOut(r.Context(), old); err != nil {
			return err
		}
	}
	secret, _, err := s.accounts.SignIn(r.Context(), email, password, shelter.ClientInfo{Addr: c.RealIP(), UserAgent: r.UserAgent()})
	if err != nil {
		status := 0
		var te *shelter.ThrottledError
		switch {
		case errors.As(err, &te):
			status = http.StatusTooManyRequests
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
		case shelter.ErrorCode(err) == shelter.EUNAUTHORIZED:
			status = http.StatusUnauthorized
		default:
			return err
		}
		if s.observer != nil {
			s.observer.SignInFailed()
		}
		d.Error = shelter.ErrorMessage(err)
		return Render(c, status, views.LoginPage(s.layout("Sign in", views.NavNone), d))
	}
	s.setSessionCookie(c, secret)
	return c.Redirect(http.StatusSeeOther, nextPath(c))
}

// handleLogout ends the session on the server and in the browser.
func (s *Server) handleLogout(c echo.Context) error {
	if secret := sessionSecret(c); secret != "" {
		if err := s.accounts.SignOut(c.Request().Context(), secret); err != nil {
			return err
		}
	}
	clearSessionCookie(c)
	return seeOther(c, "/login")
}
