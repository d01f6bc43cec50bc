package shelter

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes of authentication and authorization. Package web answers
// EUNAUTHORIZED with 401, EFORBIDDEN with 403 and ETHROTTLED with 429.
const (
	EUNAUTHORIZED = "unauthorized"      // no valid session or token, or a failed sign-in
	EFORBIDDEN    = "forbidden"         // signed in, but the role does not allow it
	ETHROTTLED    = "too_many_requests" // too many failed sign-ins; try again later
)

// Role is what a staff account or an API token may do.
type Role string

// Roles. Admins do everything staff do, and manage staff, others' tokens,
// failed jobs and the reaper.
const (
	RoleStaff Role = "staff"
	RoleAdmin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleStaff || r == RoleAdmin }

// Includes reports whether r grants everything other grants.
func (r Role) Includes(other Role) bool {
	return r == RoleAdmin || (r == RoleStaff && other == RoleStaff)
}

// User is a staff account. Emails are stored lower-cased and are unique.
type User struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      Role   `json:"role"`
	Disabled  bool   `json:"disabled"`
	CreatedAt int64  `json:"createdAt"`
	UpdatedAt int64  `json:"updatedAt"`
}

// Session is a signed-in browser. Its secret id travels only in the cookie;
// the database keeps a hash of it.
type Session struct {
	UserID    string
	CreatedAt int64
	ExpiresAt int64
	// Addr and UserAgent are where the sign-in came from, for the record.
	Addr      string
	UserAgent string
}

// Token is an API token: a named secret sent as "Authorization: Bearer".
// The secret itself is shown once, at creation; the database keeps a hash.
type Token struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// UserID is the owner of a personal token; empty for a token made on
	// the command line.
	UserID string `json:"userId,omitempty"`
	// Hint is the start of the secret, enough to tell tokens apart.
	Hint       string `json:"hint"`
	CreatedAt  int64  `json:"createdAt"`
	LastUsedAt int64  `json:"lastUsedAt,omitempty"`
	ExpiresAt  int64  `json:"expiresAt,omitempty"`
	RevokedAt  int64  `json:"revokedAt,omitempty"`
}

// Principal is who makes a request: a signed-in user, or a token (with its
// owner when it is a personal token).
type Principal struct {
	User  *User
	Token *Token
}

// Role is what the principal may do: the user's role for a session; the
// token's role for a token, never more than its owner's.
func (p *Principal) Role() Role {
	if p == nil {
		return ""
	}
	if p.Token != nil {
		if p.User != nil && !p.User.Role.Includes(p.Token.Role) {
			return p.User.Role
		}
		return p.Token.Role
	}
	if p.User != nil {
		return p.User.Role
	}
	return ""
}

// Actor is the name events record for the principal: the token's name for
// a token, the user's email for a session.
func (p *Principal) Actor() string {
	switch {
	case p == nil:
		return ""
	case p.Token != nil:
		return p.Token.Name
	case p.User != nil:
		return p.User.Email
	}
	return ""
}

// Origin is the origin of the principal's request in a namespace.
func (p *Principal) Origin(namespace string) Origin {
	return Origin{Namespace: namespace, Actor: p.Actor()}
}

type principalKey struct{}

// NewContextWithPrincipal returns a context that carries p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal of the request, or nil.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// UserInput is what an admin gives to add an account.
type UserInput struct {
	Name     string
	Email    string
	Role     Role
	Password string
}

// UserUpdate changes an account; nil fields are left alone.
type UserUpdate struct {
	Name     *string
	Role     *Role
	Disabled *bool
}

// TokenInput is what it takes to create a token. UserID is empty for a
// token that belongs to no one (the command line's).
type TokenInput struct {
	Name   string
	Role   Role
	UserID string
	// TTL is the token's lifetime; zero means it does not expire.
	TTL time.Duration
}

// ClientInfo says where a sign-in comes from.
type ClientInfo struct {
	// Addr is the client's IP address as the server trusts it.
	Addr      string
	UserAgent string
}

// UserService manages staff accounts. Every method but the bootstrap ones
// is for admins; the caller checks the role.
type UserService interface {
	FindUserByID(ctx context.Context, id string) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)
	// CreateUser adds an account after checking the password policy.
	CreateUser(ctx context.Context, in UserInput) (*User, error)
	// UpdateUser renames, changes the role of, disables or enables an
	// account. Disabling ends its sessions. The last enabled admin can be
	// neither disabled nor demoted (ECONFLICT).
	UpdateUser(ctx context.Context, id string, u UserUpdate) (*User, error)
	// SetPassword checks the policy, replaces the password and ends every
	// session of the account.
	SetPassword(ctx context.Context, id, password string) error
}

// SessionService signs staff in and out.
type SessionService interface {
	// SignIn checks the email and password and returns a new session and its
	// secret id for the cookie. A wrong email or password is EUNAUTHORIZED
	// with one message for both; too many failures is ETHROTTLED.
	SignIn(ctx context.Context, email, password string, c ClientInfo) (secret string, s *Session, err error)
	// StartSession opens a session for a user who proved who they are
	// another way (the first-run setup).
	StartSession(ctx context.Context, userID string, c ClientInfo) (secret string, s *Session, err error)
	// Authenticate returns the principal of a session's secret id;
	// EUNAUTHORIZED when it is unknown, expired or its account disabled.
	Authenticate(ctx context.Context, secret string) (*Principal, error)
	// SignOut ends the session; ending an unknown session is not an error.
	SignOut(ctx context.Context, secret string) error
	// ChangePassword is a signed-in user's own password change: it checks
	// the current password (a wrong one is EINVALID on the field
	// "current", and counts as a failed sign-in for the throttle) and the
	// policy for the new one, replaces it, ends every session of the
	// account and returns a new session, with a new secret id, for the
	// browser that asked.
	ChangePassword(ctx context.Context, userID, current, next string, c ClientInfo) (secret string, s *Session, err error)
}

// TokenService manages API tokens.
type TokenService interface {
	// CreateToken returns the new token and its secret, which is never
	// shown again.
	CreateToken(ctx context.Context, in TokenInput) (secret string, t *Token, err error)
	// AuthenticateToken returns the principal of a bearer secret;
	// EUNAUTHORIZED when it is unknown, revoked, expired or its owner is
	// disabled. It records the time of use.
	AuthenticateToken(ctx context.Context, secret string) (*Principal, error)
	// FindTokens lists tokens, newest first: one user's when userID is set,
	// else all.
	FindTokens(ctx context.Context, userID string) ([]*Token, error)
	FindTokenByID(ctx context.Context, id string) (*Token, error)
	// RevokeToken makes a token unusable at once; revoking it again is not
	// an error.
	RevokeToken(ctx context.Context, id string) error
}

// SetupService creates the first admin account.
type SetupService interface {
	// Bootstrap runs at start. When accounts exist it does nothing. Else it
	// creates the first admin from email and password when both are given,
	// or returns a one-time setup secret for the setup link.
	Bootstrap(ctx context.Context, email, password string) (setupSecret string, admin *User, err error)
	// CheckSetup reports whether a setup secret is still good (the setup
	// page shows its form only then): EUNAUTHORIZED when not.
	CheckSetup(ctx context.Context, secret string) error
	// CompleteSetup spends the setup secret and creates the first admin.
	CompleteSetup(ctx context.Context, secret string, in UserInput) (*User, error)
}

// Limits on account and token fields.
const (
	MaxUserNameLen  = 100
	MaxEmailLen     = 254
	MaxTokenNameLen = 64
)

// NormalizeEmail trims and lower-cases an email address: accounts are found
// by it case-insensitively.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Normalize trims the name and normalizes the email in place.
func (in *UserInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
}

// Validate checks the name, email and role (not the password: the password
// policy is the auth package's). Call Normalize first.
func (in UserInput) Validate() error {
	var fe []FieldError
	if msg := validateUserName(in.Name); msg != "" {
		fe = append(fe, FieldError{Field: "name", Message: msg})
	}
	if !ValidEmail(in.Email) {
		fe = append(fe, FieldError{Field: "email", Message: "Enter an email address such as ana@example.org"})
	}
	if !in.Role.Valid() {
		fe = append(fe, FieldError{Field: "role", Message: "Role must be staff or admin"})
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Invalid account", Fields: fe}
	}
	return nil
}

// Validate checks an update's fields. Call it after trimming the name.
func (u UserUpdate) Validate() error {
	var fe []FieldError
	if u.Name != nil {
		if msg := validateUserName(*u.Name); msg != "" {
			fe = append(fe, FieldError{Field: "name", Message: msg})
		}
	}
	if u.Role != nil && !u.Role.Valid() {
		fe = append(fe, FieldError{Field: "role", Message: "Role must be staff or admin"})
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Invalid account", Fields: fe}
	}
	return nil
}

func validateUserName(name string) string {
	n := utf8.RuneCountInString(name)
	switch {
	case !utf8.ValidString(name) || n == 0:
		return "Name is required"
	case n > MaxUserNameLen:
		return fmt.Sprintf("Name must be at most %d characters", MaxUserNameLen)
	}
	if msg := TextProblem(name, false); msg != "" {
		return "Name " + msg
	}
	return ""
}

// ValidEmail reports whether s is a bare email address (no display name, no
// angle brackets) of at most MaxEmailLen bytes.
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLen {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// ValidateTokenName checks a token's name: 1 to MaxTokenNameLen letters,
// digits, dots, dashes and underscores, and not a reserved actor. A name
// never contains "@", so it cannot pass for a staff member's email in the
// audit.
func ValidateTokenName(name string) error {
	bad := name == "" || len(name) > MaxTokenNameLen
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			bad = true
		}
	}
	if bad {
		return &Error{Code: EINVALID, Message: "Invalid token name", Fields: []FieldError{{Field: "name",
			Message: fmt.Sprintf("Name must be 1 to %d letters, digits, dots, dashes or underscores", MaxTokenNameLen)}}}
	}
	switch strings.ToLower(name) {
	case ActorSystem, ActorAPI:
		return &Error{Code: EINVALID, Message: "Invalid token name", Fields: []FieldError{{Field: "name",
			Message: fmt.Sprintf("%q is reserved", name)}}}
	}
	return nil
}
