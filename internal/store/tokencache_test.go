package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func TestActiveTokensAreRememberedBriefly(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "petstore.db")
	s := storetest.OpenAt(t, path, store.Options{Now: clk.Now})
	cli := storetest.OpenAt(t, path, store.Options{Now: clk.Now}) // the command line, another process
	mustUser(t, s, "admin@example.org", shelter.RoleAdmin)
	u := mustUser(t, s, "bo@example.org", shelter.RoleStaff)
	ci := &shelter.Token{Name: "ci", Role: shelter.RoleAdmin}
	bo := &shelter.Token{Name: "bo", Role: shelter.RoleStaff, UserID: u.ID, ExpiresAt: clk.Now().Add(2 * time.Second).UnixMilli()}
	for h, tok := range map[string]*shelter.Token{"h-ci": ci, "h-bo": bo} {
		if err := s.CreateToken(ctx, h, tok); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.FindActiveToken(ctx, h); err != nil { // now remembered
			t.Fatal(err)
		}
	}

	// What is handed out is a copy.
	got, owner, err := s.FindActiveToken(ctx, "h-bo")
	if err != nil || owner == nil || owner.Role != shelter.RoleStaff {
		t.Fatalf("find: %+v %+v %v", got, owner, err)
	}
	got.Role, owner.Role = shelter.RoleAdmin, shelter.RoleAdmin
	if got, owner, _ := s.FindActiveToken(ctx, "h-bo"); got.Role != shelter.RoleStaff || owner.Role != shelter.RoleStaff {
		t.Fatalf("the cached token was changed through a returned copy: %+v %+v", got, owner)
	}

	// A change of the owner through this store is seen at once.
	if _, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h-bo"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("token of a just disabled owner: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}

	// Expiry is checked on every use.
	if _, _, err := s.FindActiveToken(ctx, "h-bo"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second)
	if _, _, err := s.FindActiveToken(ctx, "h-bo"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("expired token: %v", err)
	}

	// The last-used time of a cached token follows TouchToken.
	at := clk.Now().UnixMilli()
	if _, _, err := s.FindActiveToken(ctx, "h-ci"); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchToken(ctx, ci.ID, at); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.FindActiveToken(ctx, "h-ci"); got.LastUsedAt != at {
		t.Fatalf("last used %d, want %d", got.LastUsedAt, at)
	}

	// Revoked or its owner disabled by another process (the command
	// line): refused at once.
	if _, _, err := s.FindActiveToken(ctx, "h-ci"); err != nil {
		t.Fatal(err)
	}
	if err := cli.RevokeToken(ctx, ci.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h-ci"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("just revoked by another process: %v", err)
	}
	mine := &shelter.Token{Name: "bo2", Role: shelter.RoleStaff, UserID: u.ID}
	if err := s.CreateToken(ctx, "h-bo2", mine); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h-bo2"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.UpdateUser(ctx, u.ID, shelter.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindActiveToken(ctx, "h-bo2"); code(err) != shelter.ENOTFOUND {
		t.Fatalf("owner just disabled by another process: %v", err)
	}
}
