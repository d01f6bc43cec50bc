package views

import (
	"context"
	"encoding/json"

	"github.com/petstore/petstore/internal/shelter"
)

// Navigation entries of the account pages.
const (
	NavStaff   Nav = "staff"
	NavTokens  Nav = "tokens"
	NavAccount Nav = "account"
)

type csrfKey struct{}

// WithCSRFToken returns a context carrying the request's CSRF token, which
// the layout sends with every htmx request and CSRFField puts in forms.
func WithCSRFToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// CSRFToken is the request's CSRF token, or "".
func CSRFToken(ctx context.Context) string {
	t, _ := ctx.Value(csrfKey{}).(string)
	return t
}

// csrfHeaders is the body's hx-headers: htmx sends the token with every
// request.
func csrfHeaders(ctx context.Context) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": CSRFToken(ctx)})
	return string(b)
}

// currentUser is the signed-in account of a page's request, or nil.
func currentUser(ctx context.Context) *shelter.User {
	if p := shelter.PrincipalFromContext(ctx); p != nil {
		return p.User
	}
	return nil
}

// IsAdmin reports whether the request is an admin's.
func IsAdmin(ctx context.Context) bool {
	p := shelter.PrincipalFromContext(ctx)
	return p != nil && p.Role() == shelter.RoleAdmin
}

// LoginData is the sign-in page.
type LoginData struct {
	Email string
	// Next is where to go after signing in (a local path).
	Next string
	// Error is the one message of a failed sign-in: it never says
	// whether the email has an account.
	Error string
}

// SetupData is the first-run page where the first admin is created.
type SetupData struct {
	Token       string
	Name, Email string
	Errors      map[string]string
	// Invalid is the message when the link is spent or expired.
	Invalid string
}

// Err returns the problem with field, or "".
func (d SetupData) Err(field string) string { return d.Errors[field] }

// AccountForm is the add-staff form (and its problems per field).
type AccountForm struct {
	Name, Email, Role string
	Errors            map[string]string
}

// Err returns the problem with field, or "".
func (f AccountForm) Err(field string) string { return f.Errors[field] }

// StaffData is the admin's staff page.
type StaffData struct {
	Users []*shelter.User
	// MeID is the signed-in admin's id.
	MeID string
	Form AccountForm
	// Notice is a message after an action ("Password changed.").
	Notice string
	// PasswordFor and PasswordError show a reset-password problem next
	// to the account it concerns.
	PasswordFor, PasswordError string
}

// TokenRow is a token and the email of its owner ("" for a command
// line token).
type TokenRow struct {
	Token *shelter.Token
	Owner string
}

// TokenForm is the new-token form.
type TokenForm struct {
	Name, Role string
	Errors     map[string]string
}

// Err returns the problem with field, or "".
func (f TokenForm) Err(field string) string { return f.Errors[field] }

// TokensData is the tokens page: the user's own tokens, or every token
// for an admin.
type TokensData struct {
	Rows []TokenRow
	// All is true when the list is every token (an admin's view).
	All  bool
	Form TokenForm
	// Secret is a token just created, shown this once; NewName is its
	// name.
	Secret, NewName string
	Notice          string
}

// tokenState says whether a token works.
func tokenState(t *shelter.Token) string {
	switch {
	case t.RevokedAt != 0:
		return "Revoked " + FormatTime(t.RevokedAt)
	case t.ExpiresAt != 0:
		return "Expires " + FormatTime(t.ExpiresAt)
	}
	return "Active"
}

func roleLabel(r shelter.Role) string {
	if r == shelter.RoleAdmin {
		return "Admin"
	}
	return "Staff"
}

// AccountData is the signed-in user's own account page.
type AccountData struct {
	User *shelter.User
	// Errors are the password form's problems per field ("current",
	// "password").
	Errors map[string]string
	// Notice is a message after an action.
	Notice string
}

// Err returns the problem with field, or "".
func (d AccountData) Err(field string) string { return d.Errors[field] }
