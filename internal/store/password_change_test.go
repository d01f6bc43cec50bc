package store_test

import (
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

func TestChangePasswordRenewsTheSessionInOneTransaction(t *testing.T) {
	s, clk := openAccounts(t)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	other := mustUser(t, s, "cy@example.org", shelter.RoleStaff)
	exp := clk.Now().Add(time.Hour).UnixMilli()
	mustSession(t, s, "here", u.ID, exp)
	mustSession(t, s, "laptop", u.ID, exp)
	mustSession(t, s, "cy", other.ID, exp)

	// A hash that is no longer the stored one: someone changed it
	// meanwhile. Nothing happens.
	ss := &shelter.Session{ExpiresAt: exp}
	if err := s.ChangePassword(ctx, u.ID, "stale-hash", "new-hash", "renewed", ss); code(err) != shelter.ECONFLICT {
		t.Fatalf("stale hash: %v, want ECONFLICT", err)
	}
	if n, _ := s.CountSessions(ctx, u.ID); n != 2 {
		t.Fatalf("a refused change ended sessions: %d left", n)
	}

	if err := s.ChangePassword(ctx, u.ID, "hash-of-bo@example.org", "new-hash", "renewed", ss); err != nil {
		t.Fatal(err)
	}
	if _, h, _ := s.FindUserCredentials(ctx, u.Email); h != "new-hash" {
		t.Errorf("hash %q", h)
	}
	for _, old := range []string{"here", "laptop"} {
		if _, _, err := s.FindSession(ctx, old); code(err) != shelter.ENOTFOUND {
			t.Errorf("session %s survives: %v", old, err)
		}
	}
	got, owner, err := s.FindSession(ctx, "renewed")
	if err != nil || owner.ID != u.ID || got.ExpiresAt != exp || got.CreatedAt != clk.Now().UnixMilli() || ss.UserID != u.ID {
		t.Errorf("renewed session %+v of %+v: %v", got, owner, err)
	}
	if _, _, err := s.FindSession(ctx, "cy"); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}

	if err := s.ChangePassword(ctx, "42", "h", "h2", "x", &shelter.Session{ExpiresAt: exp}); code(err) != shelter.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}
	disabled := true
	if _, err := s.UpdateUser(ctx, other.ID, shelter.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, other.ID, "hash-of-cy@example.org", "h2", "y", &shelter.Session{ExpiresAt: exp}); code(err) != shelter.ECONFLICT {
		t.Errorf("disabled user: %v, want ECONFLICT", err)
	}
}

func TestDeleteLoginAttemptsBefore(t *testing.T) {
	s, clk := openAccounts(t)
	for range 3 {
		if err := s.RecordLoginFailure(ctx, "ana@example.org", "10.0.0.1", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Minute)
	}
	// Failures at 0, 10 and 20 minutes; now is 30. A 15-minute window
	// keeps only the one at 20.
	n, err := s.DeleteLoginAttemptsBefore(ctx, clk.Now().Add(-15*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d %v, want 2", n, err)
	}
	f, _ := s.CountLoginFailures(ctx, "ana@example.org", "10.0.0.1", 0)
	if f.Account != 1 {
		t.Errorf("%d failures left, want 1", f.Account)
	}
	if n, err := s.DeleteLoginAttemptsBefore(ctx, clk.Now().Add(-15*time.Minute)); err != nil || n != 0 {
		t.Errorf("second prune %d %v", n, err)
	}
}
