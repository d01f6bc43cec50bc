package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
)

const goodPW = "tabby-cat moves slowly"

func TestSignInAuthenticateSignOut(t *testing.T) {
	e := newEnv(t, auth.Options{SessionTTL: time.Hour})
	u := e.user(t, "Ana@Example.org", goodPW, shelter.RoleStaff)
	if u.Email != "ana@example.org" {
		t.Fatalf("email stored as %q", u.Email)
	}
	s1, sess, err := e.svc.SignIn(ctx, " ANA@example.org ", goodPW, client)
	if err != nil {
		t.Fatal(err)
	}
	if sess.UserID != u.ID || sess.ExpiresAt != e.clk.Now().Add(time.Hour).UnixMilli() || sess.Addr != client.Addr {
		t.Fatalf("session %+v", sess)
	}
	s2, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client)
	if err != nil || s2 == s1 {
		t.Fatalf("second sign-in: %v; a new id at every sign-in: %v", err, s2 != s1)
	}
	p, err := e.svc.Authenticate(ctx, s1)
	if err != nil || p.User.ID != u.ID || p.Actor() != "ana@example.org" || p.Role() != shelter.RoleStaff {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	if err := e.svc.SignOut(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, s1); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("session after sign-out: %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, s2); err != nil {
		t.Fatalf("signing out one session ended another: %v", err)
	}
	if err := e.svc.SignOut(ctx, s1); err != nil {
		t.Fatalf("second sign-out: %v", err)
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 500)} {
		if _, err := e.svc.Authenticate(ctx, bad); code(err) != shelter.EUNAUTHORIZED {
			t.Errorf("authenticate %q: %v", bad, err)
		}
	}
	e.clk.Advance(time.Hour)
	if _, err := e.svc.Authenticate(ctx, s2); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("session past its TTL: %v", err)
	}
}

func TestSignInFailuresLookAlike(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.user(t, "admin@example.org", goodPW, shelter.RoleAdmin)
	bo := e.user(t, "bo@example.org", goodPW, shelter.RoleStaff)
	if _, err := e.svc.UpdateUser(ctx, bo.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, tc := range []struct{ email, pw string }{
		{"admin@example.org", "wrong password"}, // wrong password
		{"nobody@example.org", goodPW},          // no such account
		{"bo@example.org", goodPW},              // disabled account, right password
		{"admin@example.org", strings.Repeat("x", 5000)},
	} {
		_, _, err := e.svc.SignIn(ctx, tc.email, tc.pw, client)
		if code(err) != shelter.EUNAUTHORIZED {
			t.Fatalf("sign in %s: %v, want unauthorized", tc.email, err)
		}
		msgs = append(msgs, shelter.ErrorMessage(err))
	}
	for _, m := range msgs[1:] {
		if m != msgs[0] {
			t.Fatalf("messages differ, which tells whether an account exists: %q", msgs)
		}
	}
}

func TestSignInThrottledPerAccount(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.user(t, "ana@example.org", goodPW, shelter.RoleStaff)
	for i := range 5 {
		e.clk.Advance(time.Minute)
		addr := shelter.ClientInfo{Addr: "198.51.100." + string(rune('1'+i))} // a different address each time
		if _, _, err := e.svc.SignIn(ctx, "ana@example.org", "wrong guess", addr); code(err) != shelter.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	_, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client)
	var te *auth.ThrottledError
	if code(err) != shelter.ETHROTTLED || !errors.As(err, &te) {
		t.Fatalf("6th attempt with the right password: %v, want throttled", err)
	}
	// The oldest failure was 4 minutes ago; it leaves the window in 11.
	if te.RetryAfter != 11*time.Minute {
		t.Fatalf("retry after %v", te.RetryAfter)
	}
	if !strings.Contains(shelter.ErrorMessage(err), "Try again in 11 minutes") {
		t.Fatalf("message %q", shelter.ErrorMessage(err))
	}
	// An unknown account is throttled the same way: no hint.
	for range 5 {
		e.svc.SignIn(ctx, "ghost@example.org", "wrong guess", shelter.ClientInfo{Addr: "192.0.2.50"})
	}
	if _, _, err := e.svc.SignIn(ctx, "ghost@example.org", "wrong guess", shelter.ClientInfo{Addr: "192.0.2.50"}); code(err) != shelter.ETHROTTLED {
		t.Fatalf("unknown account: %v, want throttled like a real one", err)
	}
	e.clk.Advance(11*time.Minute - time.Millisecond)
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); code(err) != shelter.ETHROTTLED {
		t.Fatalf("just before the oldest failure leaves the window: %v", err)
	}
	e.clk.Advance(time.Millisecond)
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Success clears the account's count.
	for range 4 {
		e.svc.SignIn(ctx, "ana@example.org", "wrong guess", client)
	}
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); err != nil {
		t.Fatalf("4 failures after a success: %v", err)
	}
}

func TestSignInThrottledPerAddress(t *testing.T) {
	e := newEnv(t, auth.Options{Limits: auth.Limits{PerAccount: 5, PerAddr: 20, Window: 15 * time.Minute}})
	e.user(t, "ana@example.org", goodPW, shelter.RoleStaff)
	attacker := shelter.ClientInfo{Addr: "2001:db8:aa:bb::1"}
	for i := range 20 {
		email := "user" + string(rune('a'+i)) + "@example.org"
		if _, _, err := e.svc.SignIn(ctx, email, "password1", attacker); code(err) != shelter.EUNAUTHORIZED {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	// Another host of the same /64 is the same client.
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, shelter.ClientInfo{Addr: "2001:db8:aa:bb::99"}); code(err) != shelter.ETHROTTLED {
		t.Fatalf("same /64: %v, want throttled", err)
	}
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

func TestDisablingAndPasswordChangeEndSessions(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.user(t, "admin@example.org", goodPW, shelter.RoleAdmin)
	bo := e.user(t, "bo@example.org", goodPW, shelter.RoleStaff)
	s1, _, err := e.svc.SignIn(ctx, "bo@example.org", goodPW, client)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetPassword(ctx, bo.ID, "password123"); code(err) != shelter.EINVALID {
		t.Fatalf("common new password: %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, s1); err != nil {
		t.Fatalf("a refused password change ended the session: %v", err)
	}
	if err := e.svc.SetPassword(ctx, bo.ID, "a brand new phrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, s1); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("session after password change: %v", err)
	}
	if _, _, err := e.svc.SignIn(ctx, "bo@example.org", goodPW, client); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("old password: %v", err)
	}
	s2, _, err := e.svc.SignIn(ctx, "bo@example.org", "a brand new phrase", client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateUser(ctx, bo.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, s2); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("session after disabling: %v", err)
	}
	if err := e.svc.SetPassword(ctx, "99", "a brand new phrase"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestCreateAndUpdateUserValidation(t *testing.T) {
	e := newEnv(t, auth.Options{})
	_, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: " ", Email: "not-an-email", Role: "root", Password: "qwerty123"})
	fields := map[string]bool{}
	for _, f := range shelter.ErrorFields(err) {
		fields[f.Field] = true
	}
	if code(err) != shelter.EINVALID || !fields["name"] || !fields["email"] || !fields["role"] || !fields["password"] {
		t.Fatalf("every problem at once: %v", err)
	}
	for _, email := range []string{"Ana <ana@example.org>", "ana@localhost", "@example.org", "ana@", "a b@example.org"} {
		if _, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: "Ana", Email: email, Role: shelter.RoleStaff, Password: goodPW}); code(err) != shelter.EINVALID {
			t.Errorf("email %q: %v", email, err)
		}
	}
	u := e.user(t, "ana@example.org", goodPW, shelter.RoleAdmin)
	if _, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: "Ana 2", Email: "ANA@example.org", Role: shelter.RoleStaff, Password: goodPW}); code(err) != shelter.ECONFLICT {
		t.Fatalf("duplicate email: %v", err)
	}
	var hash string
	if err := e.st.DB().Read.QueryRow(`SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("stored hash %q %v", hash, err)
	}
	if _, err := e.svc.UpdateUser(ctx, u.ID, shelter.UserUpdate{Name: ptr("  ")}); code(err) != shelter.EINVALID {
		t.Fatalf("blank name: %v", err)
	}
	if _, err := e.svc.UpdateUser(ctx, u.ID, shelter.UserUpdate{Role: ptr(shelter.Role("owner"))}); code(err) != shelter.EINVALID {
		t.Fatalf("bad role: %v", err)
	}
	if got, err := e.svc.UpdateUser(ctx, u.ID, shelter.UserUpdate{Name: ptr("  Ana L. ")}); err != nil || got.Name != "Ana L." {
		t.Fatalf("rename: %+v %v", got, err)
	}
	if _, err := e.svc.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)}); code(err) != shelter.ECONFLICT {
		t.Fatalf("disable the last admin: %v", err)
	}
	if users, err := e.svc.FindUsers(ctx); err != nil || len(users) != 1 {
		t.Fatalf("users %v %v", users, err)
	}
	if got, err := e.svc.FindUserByID(ctx, u.ID); err != nil || got.Email != u.Email {
		t.Fatalf("find %v %v", got, err)
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.user(t, "admin@example.org", goodPW, shelter.RoleAdmin)
	bo := e.user(t, "bo@example.org", goodPW, shelter.RoleStaff)

	secret, tok, err := e.svc.CreateToken(ctx, shelter.TokenInput{Name: "ci-deploy", Role: shelter.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.TokenPrefix) || tok.Hint != secret[:8] || tok.ExpiresAt != 0 {
		t.Fatalf("token %q %+v", secret, tok)
	}
	p, err := e.svc.AuthenticateToken(ctx, secret)
	if err != nil || p.Actor() != "ci-deploy" || p.Role() != shelter.RoleAdmin || p.User != nil {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	if p.Origin("js") != (shelter.Origin{Namespace: "js", Actor: "ci-deploy"}) {
		t.Fatalf("origin %+v", p.Origin("js"))
	}
	used := e.clk.Now().UnixMilli()
	if got, _ := e.svc.FindTokenByID(ctx, tok.ID); got.LastUsedAt != used {
		t.Fatalf("last used %d, want %d", got.LastUsedAt, used)
	}
	e.clk.Advance(30 * time.Second)
	e.svc.AuthenticateToken(ctx, secret)
	if got, _ := e.svc.FindTokenByID(ctx, tok.ID); got.LastUsedAt != used {
		t.Fatalf("last used written again within a minute: %d", got.LastUsedAt)
	}
	e.clk.Advance(30 * time.Second)
	e.svc.AuthenticateToken(ctx, secret)
	if got, _ := e.svc.FindTokenByID(ctx, tok.ID); got.LastUsedAt != e.clk.Now().UnixMilli() {
		t.Fatalf("last used not written after a minute: %d", got.LastUsedAt)
	}

	// A database copy holds no usable secret.
	var n int
	e.st.DB().Read.QueryRow(`SELECT count(*) FROM api_tokens WHERE secret_hash = ? OR hint = ?`, secret, secret).Scan(&n)
	if n != 0 {
		t.Fatal("the token is stored in the clear")
	}

	if err := e.svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, secret); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
	if err := e.svc.RevokeToken(ctx, "99"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}

	// Personal tokens: never more than the owner's role.
	if _, _, err := e.svc.CreateToken(ctx, shelter.TokenInput{Name: "bo-admin", Role: shelter.RoleAdmin, UserID: bo.ID}); code(err) != shelter.EFORBIDDEN {
		t.Fatalf("staff creates an admin token: %v", err)
	}
	bs, bt, err := e.svc.CreateToken(ctx, shelter.TokenInput{Name: "bo-laptop", Role: shelter.RoleStaff, UserID: bo.ID, TTL: time.Hour})
	if err != nil || bt.ExpiresAt != e.clk.Now().Add(time.Hour).UnixMilli() {
		t.Fatalf("personal token: %+v %v", bt, err)
	}
	if p, err := e.svc.AuthenticateToken(ctx, bs); err != nil || p.User.ID != bo.ID || p.Actor() != "bo-laptop" {
		t.Fatalf("personal token principal: %+v %v", p, err)
	}
	if ts, err := e.svc.FindTokens(ctx, bo.ID); err != nil || len(ts) != 1 || ts[0].ID != bt.ID {
		t.Fatalf("bo's tokens %v %v", ts, err)
	}
	if ts, err := e.svc.FindTokens(ctx, ""); err != nil || len(ts) != 2 {
		t.Fatalf("all tokens %v %v", ts, err)
	}
	if _, err := e.svc.UpdateUser(ctx, bo.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, bs); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("token of a disabled owner: %v", err)
	}
	if _, err := e.svc.UpdateUser(ctx, bo.ID, shelter.UserUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	if _, err := e.svc.AuthenticateToken(ctx, bs); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("expired token: %v", err)
	}

	for _, in := range []shelter.TokenInput{
		{Name: "", Role: shelter.RoleStaff},
		{Name: "has space", Role: shelter.RoleStaff},
		{Name: "ana@example.org", Role: shelter.RoleStaff},
		{Name: "System", Role: shelter.RoleStaff},
		{Name: strings.Repeat("a", 65), Role: shelter.RoleStaff},
		{Name: "ok", Role: "root"},
		{Name: "ok", Role: shelter.RoleStaff, TTL: -time.Hour},
	} {
		if _, _, err := e.svc.CreateToken(ctx, in); code(err) != shelter.EINVALID {
			t.Errorf("create %+v: %v, want invalid", in, err)
		}
	}
	if _, _, err := e.svc.CreateToken(ctx, shelter.TokenInput{Name: "CI-DEPLOY", Role: shelter.RoleStaff}); code(err) != shelter.ECONFLICT {
		t.Fatalf("reused name: %v", err)
	}
	for _, bad := range []string{"", "Bearer x", "pst_", "pst_" + strings.Repeat("a", 52), "pst_" + strings.Repeat("a", 500)} {
		if _, err := e.svc.AuthenticateToken(ctx, bad); code(err) != shelter.EUNAUTHORIZED {
			t.Errorf("authenticate %q: %v", bad, err)
		}
	}
}

func TestPersonalTokenOfADemotedOwnerActsAsStaff(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.user(t, "admin@example.org", goodPW, shelter.RoleAdmin)
	ana := e.user(t, "ana@example.org", goodPW, shelter.RoleAdmin)
	secret, _, err := e.svc.CreateToken(ctx, shelter.TokenInput{Name: "ana-script", Role: shelter.RoleAdmin, UserID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.AuthenticateToken(ctx, secret); p.Role() != shelter.RoleAdmin {
		t.Fatalf("role %s", p.Role())
	}
	if _, err := e.svc.UpdateUser(ctx, ana.ID, shelter.UserUpdate{Role: ptr(shelter.RoleStaff)}); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.AuthenticateToken(ctx, secret); p.Role() != shelter.RoleStaff {
		t.Fatalf("after demotion the token acts as %s, want staff", p.Role())
	}
}

func TestBootstrapWithSetupLink(t *testing.T) {
	e := newEnv(t, auth.Options{SetupTTL: time.Hour})
	old, admin, err := e.svc.Bootstrap(ctx, "", "")
	if err != nil || old == "" || admin != nil {
		t.Fatalf("bootstrap: %q %v %v", old, admin, err)
	}
	secret, _, err := e.svc.Bootstrap(ctx, "", "") // a restart prints a new link
	if err != nil || secret == old {
		t.Fatalf("second bootstrap: %v", err)
	}
	if err := e.svc.CheckSetup(ctx, old); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("replaced link: %v", err)
	}
	var n int
	e.st.DB().Read.QueryRow(`SELECT count(*) FROM setup_tokens WHERE secret_hash = ?`, secret).Scan(&n)
	if n != 0 {
		t.Fatal("setup secret stored in the clear")
	}
	if err := e.svc.CheckSetup(ctx, secret); err != nil {
		t.Fatal(err)
	}
	in := shelter.UserInput{Name: "Ana", Email: "ana@example.org", Password: "password1"}
	if _, err := e.svc.CompleteSetup(ctx, secret, in); code(err) != shelter.EINVALID {
		t.Fatalf("weak password: %v", err)
	}
	in.Password = goodPW
	u, err := e.svc.CompleteSetup(ctx, secret, in)
	if err != nil || u.Role != shelter.RoleAdmin || u.Email != "ana@example.org" {
		t.Fatalf("complete: %+v %v", u, err)
	}
	if _, err := e.svc.CompleteSetup(ctx, secret, shelter.UserInput{Name: "Eve", Email: "eve@example.org", Password: goodPW}); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("link used twice: %v", err)
	}
	if _, _, err := e.svc.StartSession(ctx, u.ID, client); err != nil {
		t.Fatal(err)
	}
	if s, a, err := e.svc.Bootstrap(ctx, "eve@example.org", goodPW); s != "" || a != nil || err != nil {
		t.Fatalf("bootstrap with accounts: %q %v %v", s, a, err)
	}
}

func TestSetupLinkExpires(t *testing.T) {
	e := newEnv(t, auth.Options{SetupTTL: time.Hour})
	secret, _, err := e.svc.Bootstrap(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	if _, err := e.svc.CompleteSetup(ctx, secret, shelter.UserInput{Name: "Ana", Email: "ana@example.org", Password: goodPW}); code(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("expired link: %v", err)
	}
	for _, bad := range []string{"", strings.Repeat("a", 500)} {
		if err := e.svc.CheckSetup(ctx, bad); code(err) != shelter.EUNAUTHORIZED {
			t.Errorf("check %q: %v", bad, err)
		}
	}
}

func TestBootstrapFromConfig(t *testing.T) {
	e := newEnv(t, auth.Options{})
	if _, _, err := e.svc.Bootstrap(ctx, "ana@example.org", ""); err == nil {
		t.Fatal("email without password accepted")
	}
	if _, _, err := e.svc.Bootstrap(ctx, "ana@example.org", "changeme"); code(err) != shelter.EINVALID || !strings.Contains(err.Error(), "ADMIN_PASSWORD") {
		t.Fatalf("common ADMIN_PASSWORD: %v", err)
	}
	secret, u, err := e.svc.Bootstrap(ctx, "Ana@Example.org", goodPW)
	if err != nil || secret != "" || u == nil || u.Role != shelter.RoleAdmin || u.Name != "ana" {
		t.Fatalf("bootstrap: %q %+v %v", secret, u, err)
	}
	if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); err != nil {
		t.Fatal(err)
	}
	if s, again, err := e.svc.Bootstrap(ctx, "ana@example.org", goodPW); s != "" || again != nil || err != nil {
		t.Fatalf("second start: %q %v %v", s, again, err)
	}
}

func TestPrincipal(t *testing.T) {
	var nobody *shelter.Principal
	if nobody.Actor() != "" || nobody.Role() != "" {
		t.Fatal("nil principal")
	}
	p := &shelter.Principal{User: &shelter.User{Email: "ana@example.org", Role: shelter.RoleAdmin}}
	c := shelter.NewContextWithPrincipal(ctx, p)
	if shelter.PrincipalFromContext(c) != p || shelter.PrincipalFromContext(ctx) != nil {
		t.Fatal("context round trip")
	}
	if !shelter.RoleAdmin.Includes(shelter.RoleStaff) || shelter.RoleStaff.Includes(shelter.RoleAdmin) || shelter.Role("x").Includes(shelter.RoleStaff) {
		t.Fatal("role order")
	}
}

// BenchmarkAuthenticate measures a request's session check (one indexed
// read) on a real SQLite file.
func BenchmarkAuthenticate(b *testing.B) {
	e := newEnvB(b)
	if _, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff, Password: goodPW}); err != nil {
		b.Fatal(err)
	}
	secret, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.svc.Authenticate(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignIn measures a whole sign-in with the default argon2id
// parameters: throttle check, verification, session insert.
func BenchmarkSignIn(b *testing.B) {
	e := newEnvB(b, auth.DefaultHashParams)
	if _, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff, Password: goodPW}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := e.svc.SignIn(ctx, "ana@example.org", goodPW, client); err != nil {
			b.Fatal(err)
		}
	}
}
