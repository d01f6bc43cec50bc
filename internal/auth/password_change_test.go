package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
)

func TestChangePassword(t *testing.T) {
	e := newEnv(t, auth.Options{})
	const old, next = "correct horse battery", "a brand new passphrase"
	u := e.user(t, "ana@example.org", old, shelter.RoleStaff)
	other := e.user(t, "ben@example.org", old, shelter.RoleStaff)
	here, _, err := e.svc.SignIn(ctx, u.Email, old, client)
	if err != nil {
		t.Fatal(err)
	}
	laptop, _, _ := e.svc.SignIn(ctx, u.Email, old, client)
	bens, _, _ := e.svc.SignIn(ctx, other.Email, old, client)

	// Refusals change nothing.
	for _, c := range []struct {
		name, current, next, field string
	}{
		{"wrong current", "not it at all", next, "current"},
		{"empty current", "", next, "current"},
		{"too short", old, "short", "password"},
		{"common", old, "password1", "password"},
		{"own email", old, u.Email, "password"},
		{"same as now", old, old, "password"},
	} {
		_, _, err := e.svc.ChangePassword(ctx, u.ID, c.current, c.next, client)
		if code(err) != shelter.EINVALID || len(shelter.ErrorFields(err)) != 1 || shelter.ErrorFields(err)[0].Field != c.field {
			t.Errorf("%s: %v (fields %v), want EINVALID on %s", c.name, err, shelter.ErrorFields(err), c.field)
		}
	}
	if _, err := e.svc.Authenticate(ctx, here); err != nil {
		t.Fatalf("a refused change ended the session: %v", err)
	}

	secret, ss, err := e.svc.ChangePassword(ctx, u.ID, old, next, client)
	if err != nil {
		t.Fatal(err)
	}
	if secret == "" || secret == here || secret == laptop || ss.UserID != u.ID || ss.ExpiresAt != e.clk.Now().Add(12*time.Hour).UnixMilli() {
		t.Fatalf("new session %q %+v", secret, ss)
	}
	p, err := e.svc.Authenticate(ctx, secret)
	if err != nil || p.User.ID != u.ID {
		t.Fatalf("new session: %+v %v", p, err)
	}
	for name, s := range map[string]string{"the old session": here, "another session": laptop} {
		if _, err := e.svc.Authenticate(ctx, s); code(err) != shelter.EUNAUTHORIZED {
			t.Errorf("%s still works: %v", name, err)
		}
	}
	if _, err := e.svc.Authenticate(ctx, bens); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	if n, _ := e.st.CountSessions(ctx, u.ID); n != 1 {
		t.Errorf("%d sessions stored, want 1", n)
	}
	if _, _, err := e.svc.SignIn(ctx, u.Email, old, client); code(err) != shelter.EUNAUTHORIZED {
		t.Errorf("old password still signs in: %v", err)
	}
	if _, _, err := e.svc.SignIn(ctx, u.Email, next, client); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestChangePasswordThrottled(t *testing.T) {
	e := newEnv(t, auth.Options{Limits: auth.Limits{PerAccount: 3, PerAddr: 100, Window: 15 * time.Minute}})
	const pw = "correct horse battery"
	u := e.user(t, "ana@example.org", pw, shelter.RoleStaff)
	for i := range 3 {
		if _, _, err := e.svc.ChangePassword(ctx, u.ID, "guess", "another good passphrase", client); code(err) != shelter.EINVALID {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	// The guesses count like failed sign-ins: now even the right password
	// is refused, here and at sign-in.
	_, _, err := e.svc.ChangePassword(ctx, u.ID, pw, "another good passphrase", client)
	var te *auth.ThrottledError
	if code(err) != shelter.ETHROTTLED || !errors.As(err, &te) {
		t.Fatalf("after 3 wrong guesses: %v", err)
	}
	if _, _, err := e.svc.SignIn(ctx, u.Email, pw, client); code(err) != shelter.ETHROTTLED {
		t.Errorf("sign-in after 3 wrong guesses: %v", err)
	}
	e.clk.Advance(16 * time.Minute)
	if _, _, err := e.svc.ChangePassword(ctx, u.ID, pw, "another good passphrase", client); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestChangePasswordOfDisabledOrUnknownAccount(t *testing.T) {
	e := newEnv(t, auth.Options{})
	const pw = "correct horse battery"
	u := e.user(t, "ana@example.org", pw, shelter.RoleStaff)
	e.user(t, "root@example.org", pw, shelter.RoleAdmin)
	if _, err := e.svc.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.ChangePassword(ctx, u.ID, pw, "another good passphrase", client); code(err) != shelter.ECONFLICT {
		t.Errorf("disabled account: %v, want ECONFLICT", err)
	}
	if _, _, err := e.svc.ChangePassword(ctx, "999", pw, "another good passphrase", client); code(err) != shelter.ENOTFOUND {
		t.Errorf("unknown account: %v, want ENOTFOUND", err)
	}
}
