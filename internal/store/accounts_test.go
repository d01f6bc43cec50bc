package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// clock is a settable clock for the store's Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openAccounts(t *testing.T) (*store.Store, *clock) {
	clk := newClock()
	return storetest.Open(t, store.Options{Now: clk.Now}), clk
}

func mustUser(t *testing.T, s *store.Store, email string, role shelter.Role) *shelter.User {
	t.Helper()
	u := &shelter.User{Name: "Name of " + email, Email: email, Role: role}
	if err := s.CreateUser(ctx, u, "hash-of-"+email); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustSession(t *testing.T, s *store.Store, hash, userID string, expires int64) {
	t.Helper()
	if err := s.CreateSession(ctx, hash, &shelter.Session{UserID: userID, ExpiresAt: expires}); err != nil {
		t.Fatalf("create session: %v", err)
	}
}

func code(err error) string { return shelter.ErrorCode(err) }

func TestUsersCreateFindAndConflict(t *testing.T) {
	s, clk := openAccounts(t)
	a := mustUser(t, s, "ana@example.org", shelter.RoleAdmin)
	if a.ID != "1" || a.CreatedAt != clk.Now().UnixMilli() || a.UpdatedAt != a.CreatedAt {
		t.Fatalf("created %+v", a)
	}
	b := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	if err := s.CreateUser(ctx, &shelter.User{Name: "Again", Email: "ana@example.org", Role: shelter.RoleStaff}, "h"); code(err) != shelter.ECONFLICT {
		t.Fatalf("duplicate email: %v, want conflict", err)
	}
	got, err := s.FindUserByID(ctx, b.ID)
	if err != nil || *got != *b {
		t.Fatalf("find by id: %+v %v, want %+v", got, err, b)
	}
	u, hash, err := s.FindUserCredentials(ctx, "ana@example.org")
	if err != nil || u.ID != a.ID || hash != "hash-of-ana@example.org" {
		t.Fatalf("credentials: %+v %q %v", u, hash, err)
	}
	if _, _, err := s.FindUserCredentials(ctx, "nobody@example.org"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("unknown email: %v", err)
	}
	for _, id := range []string{"3", "0", "x", ""} {
		if _, err := s.FindUserByID(ctx, id); code(err) != shelter.ENOTFOUND {
			t.Errorf("find %q: %v, want not found", id, err)
		}
	}
	all, err := s.FindUsers(ctx)
	if err != nil || len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
		t.Fatalf("find users: %v %v", all, err)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 2 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestDisablingAUserEndsItsSessionsInTheSameTransaction(t *testing.T) {
	s, clk := openAccounts(t)
	mustUser(t, s, "admin@example.org", shelter.RoleAdmin)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	exp := clk.Now().Add(time.Hour).UnixMilli()
	mustSession(t, s, "s1", u.ID, exp)
	mustSession(t, s, "s2", u.ID, exp)
	if _, got, err := s.FindSession(ctx, "s1"); err != nil || got.ID != u.ID {
		t.Fatalf("find session: %+v %v", got, err)
	}
	clk.Advance(time.Second)
	out, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)})
	if err != nil || !out.Disabled || out.UpdatedAt != clk.Now().UnixMilli() {
		t.Fatalf("disable: %+v %v", out, err)
	}
	if n, err := s.CountSessions(ctx, u.ID); err != nil || n != 0 {
		t.Fatalf("sessions after disable: %d %v", n, err)
	}
	if _, _, err := s.FindSession(ctx, "s1"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("session of disabled user: %v", err)
	}
	if err := s.CreateSession(ctx, "s3", &shelter.Session{UserID: u.ID, ExpiresAt: exp}); code(err) != shelter.ECONFLICT {
		t.Fatalf("session for disabled user: %v, want conflict", err)
	}
	// Enabling again does not bring old sessions back.
	if _, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindSession(ctx, "s2"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("old session after enable: %v", err)
	}
}

func TestUpdateUserRenamesAndKeepsTheLastAdmin(t *testing.T) {
	s, _ := openAccounts(t)
	a := mustUser(t, s, "admin@example.org", shelter.RoleAdmin)
	b := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	mustSession(t, s, "sa", a.ID, time.Now().Add(24*365*time.Hour).UnixMilli())
	for name, upd := range map[string]shelter.UserUpdate{
		"disable": {Disabled: ptr(true)},
		"demote":  {Role: ptr(shelter.RoleStaff)},
	} {
		if _, err := s.UpdateUser(ctx, a.ID, upd); code(err) != shelter.ECONFLICT {
			t.Fatalf("%s last admin: %v, want conflict", name, err)
		}
	}
	if n, _ := s.CountSessions(ctx, a.ID); n != 1 {
		t.Fatalf("refused disable ended sessions: %d left", n)
	}
	if got, _ := s.FindUserByID(ctx, a.ID); got.Disabled || got.Role != shelter.RoleAdmin {
		t.Fatalf("refused update changed the admin: %+v", got)
	}
	out, err := s.UpdateUser(ctx, b.ID, shelter.UserUpdate{Name: ptr("Bo B."), Role: ptr(shelter.RoleAdmin)})
	if err != nil || out.Name != "Bo B." || out.Role != shelter.RoleAdmin {
		t.Fatalf("promote: %+v %v", out, err)
	}
	if _, err := s.UpdateUser(ctx, a.ID, shelter.UserUpdate{Role: ptr(shelter.RoleStaff)}); err != nil {
		t.Fatalf("demote with another admin: %v", err)
	}
	if _, err := s.UpdateUser(ctx, "99", shelter.UserUpdate{Name: ptr("x")}); code(err) != shelter.ENOTFOUND {
		t.Fatalf("update unknown: %v", err)
	}
}

func TestSetPasswordHashEndsSessions(t *testing.T) {
	s, clk := openAccounts(t)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	mustSession(t, s, "s1", u.ID, clk.Now().Add(time.Hour).UnixMilli())
	if err := s.SetPasswordHash(ctx, u.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	if _, h, _ := s.FindUserCredentials(ctx, u.Email); h != "new-hash" {
		t.Fatalf("hash %q", h)
	}
	if n, _ := s.CountSessions(ctx, u.ID); n != 0 {
		t.Fatalf("%d sessions survive a password change", n)
	}
	if err := s.SetPasswordHash(ctx, "42", "h"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestSessionsExpireAndSignOut(t *testing.T) {
	s, clk := openAccounts(t)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	mustSession(t, s, "short", u.ID, clk.Now().Add(time.Minute).UnixMilli())
	mustSession(t, s, "long", u.ID, clk.Now().Add(time.Hour).UnixMilli())
	if err := s.CreateSession(ctx, "x", &shelter.Session{UserID: "77", ExpiresAt: 1}); code(err) != shelter.ENOTFOUND {
		t.Fatalf("session of unknown user: %v", err)
	}
	clk.Advance(time.Minute)
	if _, _, err := s.FindSession(ctx, "short"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("expired session found: %v", err)
	}
	if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Fatalf("pruned %d %v", n, err)
	}
	if err := s.DeleteSession(ctx, "long"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindSession(ctx, "long"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("session after sign-out: %v", err)
	}
	if err := s.DeleteSession(ctx, "long"); err != nil {
		t.Fatalf("second sign-out: %v", err)
	}
}

func TestTokensCreateFindRevoke(t *testing.T) {
	s, clk := openAccounts(t)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	ci := &shelter.Token{Name: "ci", Role: shelter.RoleAdmin, Hint: "pst_abcd"}
	if err := s.CreateToken(ctx, "h-ci", ci); err != nil || ci.ID != "1" || ci.CreatedAt != clk.Now().UnixMilli() {
		t.Fatalf("create: %+v %v", ci, err)
	}
	mine := &shelter.Token{Name: "bo-laptop", Role: shelter.RoleStaff, UserID: u.ID, Hint: "pst_efgh", ExpiresAt: clk.Now().Add(time.Hour).UnixMilli()}
	if err := s.CreateToken(ctx, "h-bo", mine); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, "h-other", &shelter.Token{Name: "CI", Role: shelter.RoleStaff}); code(err) != shelter.ECONFLICT {
		t.Fatalf("duplicate name, other case: %v", err)
	}
	if err := s.CreateToken(ctx, "h-x", &shelter.Token{Name: "x", Role: shelter.RoleStaff, UserID: "99"}); code(err) != shelter.ENOTFOUND {
		t.Fatalf("unknown owner: %v", err)
	}
	got, owner, err := s.FindActiveToken(ctx, "h-ci")
	if err != nil || owner != nil || *got != *ci {
		t.Fatalf("find ci: %+v %+v %v", got, owner, err)
	}
	got, owner, err = s.FindActiveToken(ctx, "h-bo")
	if err != nil || owner == nil || owner.Email != u.Email || got.UserID != u.ID {
		t.Fatalf("find personal: %+v %+v %v", got, owner, err)
	}
	if _, _, err := s.FindActiveToken(ctx, "nope"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("unknown hash: %v", err)
	}

	at := clk.Now().UnixMilli()
	if err := s.TouchToken(ctx, ci.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchToken(ctx, ci.ID, at-1000); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindTokenByID(ctx, ci.ID); got.LastUsedAt != at {
		t.Fatalf("last used %d, want %d", got.LastUsedAt, at)
	}

	ts, err := s.FindTokens(ctx, "")
	if err != nil || len(ts) != 2 || ts[0].Name != "bo-laptop" {
		t.Fatalf("all tokens: %v %v", ts, err)
	}
	ts, err = s.FindTokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].ID != mine.ID {
		t.Fatalf("bo's tokens: %v %v", ts, err)
	}

	clk.Advance(time.Minute)
	if err := s.RevokeToken(ctx, ci.ID); err != nil {
		t.Fatal(err)
	}
	revokedAt := clk.Now().UnixMilli()
	clk.Advance(time.Minute)
	if err := s.RevokeToken(ctx, ci.ID); err != nil {
		t.Fatalf("revoke twice: %v", err)
	}
	if got, _ := s.FindTokenByID(ctx, ci.ID); got.RevokedAt != revokedAt {
		t.Fatalf("revoked at %d, want the first revocation %d", got.RevokedAt, revokedAt)
	}
	if _, _, err := s.FindActiveToken(ctx, "h-ci"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("revoked token found: %v", err)
	}
	if err := s.CreateToken(ctx, "h-ci2", &shelter.Token{Name: "ci", Role: shelter.RoleStaff}); code(err) != shelter.ECONFLICT {
		t.Fatalf("a revoked token's name was reused: %v", err)
	}
	if err := s.RevokeToken(ctx, "99"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}
	if _, err := s.FindTokenByID(ctx, "99"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("find unknown: %v", err)
	}

	clk.Advance(time.Hour)
	if _, _, err := s.FindActiveToken(ctx, "h-bo"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("expired token found: %v", err)
	}
}

func TestTokensOfADisabledOwnerStopWorking(t *testing.T) {
	s, _ := openAccounts(t)
	mustUser(t, s, "admin@example.org", shelter.RoleAdmin)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	if err := s.CreateToken(ctx, "h", &shelter.Token{Name: "bo", Role: shelter.RoleStaff, UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("token of disabled owner: %v", err)
	}
	if err := s.CreateToken(ctx, "h2", &shelter.Token{Name: "bo2", Role: shelter.RoleStaff, UserID: u.ID}); code(err) != shelter.ECONFLICT {
		t.Fatalf("token for disabled owner: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h"); err != nil {
		t.Fatalf("token after enabling: %v", err)
	}
}

func TestLoginFailuresCountPruneClear(t *testing.T) {
	s, clk := openAccounts(t)
	const keep = 15 * time.Minute
	for i := 0; i < 3; i++ {
		if err := s.RecordLoginFailure(ctx, "ana@example.org", "10.0.0.1", keep); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	first := clk.Now().Add(-3 * time.Minute).UnixMilli()
	if err := s.RecordLoginFailure(ctx, "bo@example.org", "10.0.0.1", keep); err != nil {
		t.Fatal(err)
	}
	f, err := s.CountLoginFailures(ctx, "ana@example.org", "10.0.0.1", clk.Now().Add(-keep).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.LoginFailures{Account: 3, Addr: 4, AccountOldest: first, AddrOldest: first}); f != want {
		t.Fatalf("failures %+v, want %+v", f, want)
	}
	f, _ = s.CountLoginFailures(ctx, "ana@example.org", "10.0.0.2", clk.Now().Add(-90*time.Second).UnixMilli())
	if f.Account != 1 || f.Addr != 0 || f.AddrOldest != 0 {
		t.Fatalf("window of 90s: %+v", f)
	}
	if err := s.ClearLoginFailures(ctx, "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	f, _ = s.CountLoginFailures(ctx, "ana@example.org", "10.0.0.1", 0)
	if f.Account != 0 || f.Addr != 1 {
		t.Fatalf("after clear: %+v (the address keeps bo's failure)", f)
	}
	// A failure recorded after the window prunes the old rows.
	clk.Advance(keep)
	if err := s.RecordLoginFailure(ctx, "cy@example.org", "10.0.0.9", keep); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.DB().Read.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("rows after prune %d %v, want 1", rows, err)
	}
}

func TestFirstAdminAndSetupToken(t *testing.T) {
	s, clk := openAccounts(t)
	if err := s.CheckSetupToken(ctx, "nothing"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("check without token: %v", err)
	}
	if err := s.CreateSetupToken(ctx, "old", clk.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSetupToken(ctx, "setup", clk.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckSetupToken(ctx, "old"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("a replaced setup token still works: %v", err)
	}
	if err := s.CheckSetupToken(ctx, "setup"); err != nil {
		t.Fatal(err)
	}
	u := &shelter.User{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff}
	if err := s.CompleteSetup(ctx, "wrong", u, "h"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("complete with wrong token: %v", err)
	}
	if err := s.CompleteSetup(ctx, "setup", u, "h"); err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.Role != shelter.RoleAdmin {
		t.Fatalf("first admin %+v", u)
	}
	if err := s.CompleteSetup(ctx, "setup", &shelter.User{Name: "Eve", Email: "eve@example.org"}, "h"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("setup token used twice: %v", err)
	}
	if err := s.CreateSetupToken(ctx, "again", clk.Now().Add(time.Hour).UnixMilli()); code(err) != shelter.ECONFLICT {
		t.Fatalf("setup token with accounts: %v", err)
	}
	created, err := s.CreateFirstAdmin(ctx, &shelter.User{Name: "Eve", Email: "eve@example.org"}, "h")
	if err != nil || created {
		t.Fatalf("first admin with accounts: %v %v", created, err)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users", n)
	}
}

func TestSetupTokenExpiresAndFirstAdminFromConfig(t *testing.T) {
	s, clk := openAccounts(t)
	if err := s.CreateSetupToken(ctx, "setup", clk.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if err := s.CheckSetupToken(ctx, "setup"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("expired setup token: %v", err)
	}
	if err := s.CompleteSetup(ctx, "setup", &shelter.User{Name: "Ana", Email: "ana@example.org"}, "h"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("complete with expired token: %v", err)
	}
	u := &shelter.User{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff}
	created, err := s.CreateFirstAdmin(ctx, u, "h")
	if err != nil || !created || u.Role != shelter.RoleAdmin {
		t.Fatalf("first admin: %+v %v %v", u, created, err)
	}
}
