package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/petstore/petstore/internal/shelter"
)

// Options configure a Service. Zero values take the defaults.
type Options struct {
	// SessionTTL is a session's lifetime from sign-in (default 12h).
	SessionTTL time.Duration
	// SetupTTL is how long the first-run setup link works (default 1h).
	SetupTTL time.Duration
	// Limits throttle sign-ins (default DefaultLimits).
	Limits Limits
	// HashParams are the argon2id parameters (default DefaultHashParams).
	HashParams *argon2id.Params
	// Now is the clock (default time.Now); give the store the same one.
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Service implements shelter's UserService, SessionService, TokenService
// and SetupService over an AccountStore.
type Service struct {
	st     AccountStore
	hasher *Hasher
	ttl    time.Duration
	setup  time.Duration
	limits Limits
	now    func() time.Time
	log    *slog.Logger
}

var (
	_ shelter.UserService    = (*Service)(nil)
	_ shelter.SessionService = (*Service)(nil)
	_ shelter.TokenService   = (*Service)(nil)
	_ shelter.SetupService   = (*Service)(nil)
)

// touchEvery is how stale a token's last-used time may get before a use
// writes it again: one write per token per minute at most.
const touchEvery = time.Minute

// maxSecretLen bounds a secret from a cookie or a header before it is
// hashed and looked up; real ones are shorter.
const maxSecretLen = 128

// maxUserAgentLen bounds the user agent kept with a session.
const maxUserAgentLen = 256

// New returns a Service over st.
func New(st AccountStore, o Options) *Service {
	s := &Service{st: st, ttl: o.SessionTTL, setup: o.SetupTTL, limits: o.Limits, now: o.Now, log: o.Logger}
	if s.ttl <= 0 {
		s.ttl = 12 * time.Hour
	}
	if s.setup <= 0 {
		s.setup = time.Hour
	}
	if s.limits == (Limits{}) {
		s.limits = DefaultLimits
	}
	p := DefaultHashParams
	if o.HashParams != nil {
		p = *o.HashParams
	}
	s.hasher = NewHasher(p)
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// SessionTTL is the lifetime of a new session (for the cookie's Max-Age).
func (s *Service) SessionTTL() time.Duration { return s.ttl }

func errBadCredentials() error {
	return shelter.Errorf(shelter.EUNAUTHORIZED, "Incorrect email or password.")
}

func errSignInRequired() error {
	return shelter.Errorf(shelter.EUNAUTHORIZED, "Sign in to continue.")
}

func errSetupLink() error {
	return shelter.Errorf(shelter.EUNAUTHORIZED, "This setup link is not valid any more: restart the server to print a new one.")
}

// SignIn checks the email and password and opens a session. See
// shelter.SessionService and Limits for the throttling.
func (s *Service) SignIn(ctx context.Context, email, password string, c shelter.ClientInfo) (string, *shelter.Session, error) {
	account := shelter.NormalizeEmail(email)
	if len(account) > shelter.MaxEmailLen {
		account = account[:shelter.MaxEmailLen]
	}
	addr := AddrKey(c.Addr)
	if err := s.checkThrottle(ctx, account, addr); err != nil {
		return "", nil, err
	}

	u, ok, err := s.checkCredentials(ctx, account, password)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		if err := s.st.RecordLoginFailure(ctx, account, addr, s.limits.Window); err != nil {
			return "", nil, err
		}
		s.log.Warn("⚠️ sign-in failed", "account", account, "addr", addr)
		return "", nil, errBadCredentials()
	}
	if err := s.st.ClearLoginFailures(ctx, account); err != nil {
		return "", nil, err
	}
	secret, ss, err := s.StartSession(ctx, u.ID, c)
	if err != nil {
		return "", nil, err
	}
	s.log.Info("✅ signed in", "user", u.Email, "addr", addr)
	return secret, ss, nil
}

// checkThrottle refuses (ETHROTTLED) when the account or the address has
// used up its failed sign-ins in the window.
func (s *Service) checkThrottle(ctx context.Context, account, addr string) error {
	since := s.now().Add(-s.limits.Window).UnixMilli()
	f, err := s.st.CountLoginFailures(ctx, account, addr, since)
	if err != nil {
		return err
	}
	var oldest int64
	if f.Account >= s.limits.PerAccount {
		oldest = f.AccountOldest
	}
	if f.Addr >= s.limits.PerAddr && (oldest == 0 || f.AddrOldest > oldest) {
		oldest = f.AddrOldest
	}
	if oldest != 0 {
		retry := time.UnixMilli(oldest).Add(s.limits.Window).Sub(s.now())
		s.log.Warn("⚠️ sign-in throttled", "account", account, "addr", addr, "retry_after", retry.Round(time.Second))
		return shelter.NewThrottledError(retry)
	}
	return nil
}

// checkCredentials reports whether the password is the enabled account's.
// It spends the same work on an unknown email.
func (s *Service) checkCredentials(ctx context.Context, account, password string) (*shelter.User, bool, error) {
	if len(password) > 4*MaxPasswordLen { // longer than any password the policy accepts
		return nil, false, nil
	}
	u, hash, err := s.st.FindUserCredentials(ctx, account)
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return nil, false, s.hasher.VerifyNothing(ctx, password)
	} else if err != nil {
		return nil, false, err
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return nil, false, err
	}
	return u, ok && !u.Disabled, nil
}

// StartSession opens a session for the account with a new secret id.
func (s *Service) StartSession(ctx context.Context, userID string, c shelter.ClientInfo) (string, *shelter.Session, error) {
	secret := NewSessionSecret()
	ua := c.UserAgent
	if len(ua) > maxUserAgentLen {
		ua = ua[:maxUserAgentLen]
	}
	ss := &shelter.Session{UserID: userID, ExpiresAt: s.now().Add(s.ttl).UnixMilli(), Addr: c.Addr, UserAgent: ua}
	if err := s.st.CreateSession(ctx, HashSecret(secret), ss); err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	return secret, ss, nil
}

// Authenticate returns the principal of a session's secret id.
func (s *Service) Authenticate(ctx context.Context, secret string) (*shelter.Principal, error) {
	if secret == "" || len(secret) > maxSecretLen {
		return nil, errSignInRequired()
	}
	_, u, err := s.st.FindSession(ctx, HashSecret(secret))
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return nil, errSignInRequired()
	} else if err != nil {
		return nil, err
	}
	return &shelter.Principal{User: u}, nil
}

// SignOut ends the session on the server.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	if secret == "" || len(secret) > maxSecretLen {
		return nil
	}
	return s.st.DeleteSession(ctx, HashSecret(secret))
}

// FindUserByID returns one account.
func (s *Service) FindUserByID(ctx context.Context, id string) (*shelter.User, error) {
	return s.st.FindUserByID(ctx, id)
}

// FindUsers lists every account.
func (s *Service) FindUsers(ctx context.Context) ([]*shelter.User, error) {
	return s.st.FindUsers(ctx)
}

// validateNewUser checks an account's fields and its password together,
// so that a form shows every problem at once.
func validateNewUser(in *shelter.UserInput) error {
	in.Normalize()
	var fields []shelter.FieldError
	if err := in.Validate(); err != nil {
		fields = append(fields, shelter.ErrorFields(err)...)
	}
	if err := CheckPassword(in.Password, in.Email, in.Name); err != nil {
		fields = append(fields, shelter.ErrorFields(err)...)
	}
	if len(fields) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: "Invalid account", Fields: fields}
	}
	return nil
}

// CreateUser adds an account after checking its fields and the password
// policy.
func (s *Service) CreateUser(ctx context.Context, in shelter.UserInput) (*shelter.User, error) {
	if err := validateNewUser(&in); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &shelter.User{Name: in.Name, Email: in.Email, Role: in.Role}
	if err := s.st.CreateUser(ctx, u, hash); err != nil {
		return nil, err
	}
	s.log.Info("✅ account created", "user", u.Email, "role", u.Role)
	return u, nil
}

// UpdateUser renames, changes the role of, disables or enables an account.
func (s *Service) UpdateUser(ctx context.Context, id string, u shelter.UserUpdate) (*shelter.User, error) {
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	out, err := s.st.UpdateUser(ctx, id, u)
	if err != nil {
		return nil, err
	}
	if u.Disabled != nil {
		s.log.Info("✅ account updated", "user", out.Email, "disabled", out.Disabled)
	}
	return out, nil
}

// SetPassword checks the policy, replaces the password and ends every
// session of the account.
func (s *Service) SetPassword(ctx context.Context, id, password string) error {
	u, err := s.st.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := CheckPassword(password, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	if err := s.st.SetPasswordHash(ctx, id, hash); err != nil {
		return err
	}
	s.log.Info("✅ password changed; sessions ended", "user", u.Email)
	return nil
}

// ChangePassword is a signed-in user's own password change. See
// shelter.SessionService. A wrong current password counts against the
// account and the address like a failed sign-in, so a stolen session
// cannot be used to guess the password; once they are throttled the answer
// is ETHROTTLED without checking.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string, c shelter.ClientInfo) (string, *shelter.Session, error) {
	u, err := s.st.FindUserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	addr := AddrKey(c.Addr)
	if err := s.checkThrottle(ctx, u.Email, addr); err != nil {
		return "", nil, err
	}
	_, oldHash, err := s.st.FindUserCredentials(ctx, u.Email)
	if err != nil {
		return "", nil, err
	}
	ok := false
	if len(current) <= 4*MaxPasswordLen {
		if ok, err = s.hasher.Verify(ctx, current, oldHash); err != nil {
			return "", nil, err
		}
	}
	if !ok {
		if err := s.st.RecordLoginFailure(ctx, u.Email, addr, s.limits.Window); err != nil {
			return "", nil, err
		}
		s.log.Warn("⚠️ password change refused: wrong current password", "user", u.Email, "addr", addr)
		msg := "Your current password is not correct"
		return "", nil, &shelter.Error{Code: shelter.EINVALID, Message: msg, Fields: []shelter.FieldError{{Field: "current", Message: msg}}}
	}
	if err := CheckPassword(next, u.Email, u.Name); err != nil {
		return "", nil, err
	}
	if next == current {
		msg := "Choose a password other than your current one"
		return "", nil, &shelter.Error{Code: shelter.EINVALID, Message: msg, Fields: []shelter.FieldError{{Field: "password", Message: msg}}}
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return "", nil, err
	}
	secret := NewSessionSecret()
	ua := c.UserAgent
	if len(ua) > maxUserAgentLen {
		ua = ua[:maxUserAgentLen]
	}
	ss := &shelter.Session{ExpiresAt: s.now().Add(s.ttl).UnixMilli(), Addr: c.Addr, UserAgent: ua}
	if err := s.st.ChangePassword(ctx, u.ID, oldHash, hash, HashSecret(secret), ss); err != nil {
		return "", nil, fmt.Errorf("change password: %w", err)
	}
	if err := s.st.ClearLoginFailures(ctx, u.Email); err != nil { // the change stands; the failures age out
		s.log.Warn("⚠️ clear failed sign-ins after password change", "user", u.Email, "err", err)
	}
	s.log.Info("✅ password changed by its owner; other sessions ended", "user", u.Email, "addr", addr)
	return secret, ss, nil
}

// CreateToken creates a named token and returns its secret, shown once.
// A personal token's role may not exceed its owner's.
func (s *Service) CreateToken(ctx context.Context, in shelter.TokenInput) (string, *shelter.Token, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := shelter.ValidateTokenName(in.Name); err != nil {
		return "", nil, err
	}
	if !in.Role.Valid() {
		return "", nil, &shelter.Error{Code: shelter.EINVALID, Message: "Invalid token",
			Fields: []shelter.FieldError{{Field: "role", Message: "Role must be staff or admin"}}}
	}
	if in.TTL < 0 {
		return "", nil, &shelter.Error{Code: shelter.EINVALID, Message: "Invalid token",
			Fields: []shelter.FieldError{{Field: "ttl", Message: "Lifetime must not be negative"}}}
	}
	if in.UserID != "" {
		owner, err := s.st.FindUserByID(ctx, in.UserID)
		if err != nil {
			return "", nil, err
		}
		if !owner.Role.Includes(in.Role) {
			return "", nil, shelter.Errorf(shelter.EFORBIDDEN, "A %s cannot create an %s token", owner.Role, in.Role)
		}
	}
	secret := NewTokenSecret()
	t := &shelter.Token{Name: in.Name, Role: in.Role, UserID: in.UserID, Hint: TokenHint(secret)}
	if in.TTL > 0 {
		t.ExpiresAt = s.now().Add(in.TTL).UnixMilli()
	}
	if err := s.st.CreateToken(ctx, HashSecret(secret), t); err != nil {
		return "", nil, err
	}
	s.log.Info("✅ token created", "token", t.Name, "role", t.Role, "owner", t.UserID)
	return secret, t, nil
}

// AuthenticateToken returns the principal of a bearer secret and records
// its use (at most once a minute).
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*shelter.Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > maxSecretLen {
		return nil, errSignInRequired()
	}
	t, owner, err := s.st.FindActiveToken(ctx, HashSecret(secret))
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return nil, errSignInRequired()
	} else if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	if now-t.LastUsedAt >= touchEvery.Milliseconds() {
		if err := s.st.TouchToken(ctx, t.ID, now); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("⚠️ record token use", "token", t.Name, "err", err)
		} else if err == nil {
			t.LastUsedAt = now
		}
	}
	return &shelter.Principal{User: owner, Token: t}, nil
}

// FindTokens lists tokens, newest first.
func (s *Service) FindTokens(ctx context.Context, userID string) ([]*shelter.Token, error) {
	return s.st.FindTokens(ctx, userID)
}

// FindTokenByID returns one token.
func (s *Service) FindTokenByID(ctx context.Context, id string) (*shelter.Token, error) {
	return s.st.FindTokenByID(ctx, id)
}

// RevokeToken makes a token unusable at once.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	if err := s.st.RevokeToken(ctx, id); err != nil {
		return err
	}
	s.log.Info("✅ token revoked", "id", id)
	return nil
}

// Bootstrap creates the first admin from email and password when there
// are no accounts, or else returns a one-time setup secret. With accounts
// it does nothing. Giving only one of email and password is an error.
func (s *Service) Bootstrap(ctx context.Context, email, password string) (string, *shelter.User, error) {
	n, err := s.st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", nil, err
	}
	if (email == "") != (password == "") {
		return "", nil, errors.New("first admin: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither")
	}
	if email != "" {
		in := shelter.UserInput{Email: email, Password: password, Role: shelter.RoleAdmin}
		in.Name, _, _ = strings.Cut(shelter.NormalizeEmail(email), "@")
		if err := validateNewUser(&in); err != nil {
			return "", nil, fmt.Errorf("first admin from ADMIN_EMAIL and ADMIN_PASSWORD: %w", err)
		}
		hash, err := s.hasher.Hash(ctx, in.Password)
		if err != nil {
			return "", nil, err
		}
		u := &shelter.User{Name: in.Name, Email: in.Email}
		created, err := s.st.CreateFirstAdmin(ctx, u, hash)
		if err != nil || !created {
			return "", nil, err
		}
		s.log.Info("✅ first admin created", "user", u.Email)
		return "", u, nil
	}
	secret := NewSetupSecret()
	if err := s.st.CreateSetupToken(ctx, HashSecret(secret), s.now().Add(s.setup).UnixMilli()); err != nil {
		return "", nil, err
	}
	return secret, nil, nil
}

// CheckSetup reports whether the setup secret still works.
func (s *Service) CheckSetup(ctx context.Context, secret string) error {
	if secret == "" || len(secret) > maxSecretLen {
		return errSetupLink()
	}
	err := s.st.CheckSetupToken(ctx, HashSecret(secret))
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return errSetupLink()
	}
	return err
}

// CompleteSetup spends the setup secret and creates the first admin.
func (s *Service) CompleteSetup(ctx context.Context, secret string, in shelter.UserInput) (*shelter.User, error) {
	if err := s.CheckSetup(ctx, secret); err != nil {
		return nil, err
	}
	in.Role = shelter.RoleAdmin
	if err := validateNewUser(&in); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &shelter.User{Name: in.Name, Email: in.Email}
	err = s.st.CompleteSetup(ctx, HashSecret(secret), u, hash)
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		return nil, errSetupLink()
	} else if err != nil {
		return nil, err
	}
	s.log.Info("✅ first admin created", "user", u.Email)
	return u, nil
}
