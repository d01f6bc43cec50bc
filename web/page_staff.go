package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// staffData reads the accounts for the staff page.
func (s *Server) staffData(c echo.Context) (views.StaffData, error) {
	users, err := s.accounts.FindUsers(c.Request().Context())
	if err != nil {
		return views.StaffData{}, err
	}
	d := views.StaffData{Users: users, Form: views.AccountForm{Role: string(shelter.RoleStaff)}}
	if p := principal(c); p != nil && p.User != nil {
		d.MeID = p.User.ID
	}
	return d, nil
}

// noticeFor is the message of a finished staff or token action, named in
// the redirect's query.
var noticeFor = map[string]string{
	"added":    "Account added: they can sign in now.",
	"disabled": "Account disabled: its sessions have ended and its tokens stop working.",
	"enabled":  "Account enabled.",
	"password": "Password set: that account was signed out everywhere.",
	"revoked":  "Token revoked: it stops working at once.",
}

// handlePageStaff lists the staff accounts (admins only).
func (s *Server) handlePageStaff(c echo.Context) error {
	d, err := s.staffData(c)
	if err != nil {
		return err
	}
	d.Notice = noticeFor[c.QueryParam("done")]
	return Render(c, http.StatusOK, views.StaffPage(s.layout("Staff", views.NavStaff), d))
}

// handleStaffCreate adds an account with the first password the admin
// chose; problems show the form again.
func (s *Server) handleStaffCreate(c echo.Context) error {
	f := views.AccountForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Role: c.FormValue("role")}
	password := c.FormValue("password")
	if len(password) > maxPasswordField {
		password = password[:maxPasswordField]
	}
	_, err := s.accounts.CreateUser(c.Request().Context(), shelter.UserInput{Name: f.Name, Email: f.Email, Role: shelter.Role(f.Role), Password: password})
	if err == nil {
		return seeOther(c, "/staff?done=added")
	}
	problems, ok := fieldProblems(err)
	switch {
	case ok:
		f.Errors = problems
	case shelter.ErrorCode(err) == shelter.ECONFLICT:
		f.Errors = map[string]string{"email": shelter.ErrorMessage(err)}
	default:
		return err
	}
	d, derr := s.staffData(c)
	if derr != nil {
		return derr
	}
	d.Form = f
	status := http.StatusBadRequest
	if shelter.ErrorCode(err) == shelter.ECONFLICT {
		status = http.StatusConflict
	}
	return Render(c, status, views.StaffPage(s.layout("Staff", views.NavStaff), d))
}

// handleStaffDisable disables an account (its sessions end at once) and
// handleStaffEnable enables it again. An admin cannot disable themself;
// the last admin cannot be disabled (409).
func (s *Server) handleStaffDisable(c echo.Context) error { return s.setDisabled(c, true) }

// handleStaffEnable enables an account again.
func (s *Server) handleStaffEnable(c echo.Context) error { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c echo.Context, disabled bool) error {
	id := c.Param("id")
	if p := principal(c); disabled && p != nil && p.User != nil && p.User.ID == id {
		return shelter.Errorf(shelter.ECONFLICT, "You cannot disable your own account.")
	}
	if _, err := s.accounts.UpdateUser(c.Request().Context(), id, shelter.UserUpdate{Disabled: &disabled}); err != nil {
		return err
	}
	if disabled {
		return seeOther(c, "/staff?done=disabled")
	}
	return seeOther(c, "/staff?done=enabled")
}

// handleStaffPassword sets a new password for an account and ends its
// sessions.
func (s *Server) handleStaffPassword(c echo.Context) error {
	id := c.Param("id")
	password := c.FormValue("password")
	if len(password) > maxPasswordField {
		password = password[:maxPasswordField]
	}
	err := s.accounts.SetPassword(c.Request().Context(), id, password)
	if err == nil {
		return seeOther(c, "/staff?done=password")
	}
	problems, ok := fieldProblems(err)
	if !ok {
		return err
	}
	d, derr := s.staffData(c)
	if derr != nil {
		return derr
	}
	d.PasswordFor, d.PasswordError = id, problems["password"]
	if d.PasswordError == "" {
		d.PasswordError = shelter.ErrorMessage(err)
	}
	return Render(c, http.StatusBadRequest, views.StaffPage(s.layout("Staff", views.NavStaff), d))
}
