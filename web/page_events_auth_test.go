package web_test

import (
	"bufio"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// openStream opens the live stream with credentials set by auth and
// returns a channel that is closed when the server ends the stream.
func openStream(t *testing.T, base string, auth func(*http.Request)) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events/stream", nil)
	req.Header.Set("Accept", "text/event-stream")
	auth(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("stream: %d", resp.StatusCode)
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		for {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
		}
	}()
	return ended
}

func isOpen(ended <-chan struct{}, within time.Duration) bool {
	select {
	case <-ended:
		return false
	case <-time.After(within):
		return true
	}
}

// TestStreamEndsWithItsSession: an open live stream re-checks its session
// or token when it wakes for new events and at each heartbeat, and ends
// once they are no longer valid; the browser's reconnection is refused.
func TestStreamEndsWithItsSession(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	live := web.NewBroker()
	st.OnEvent(live.Notify)
	d := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Live: live, StreamHeartbeat: 50 * time.Millisecond})
	acc := d.Accounts
	u := mustUser(t, acc, "Sam", "sam@example.org", shelter.RoleStaff)
	byCookie := func(secret string) func(*http.Request) {
		return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "petstore_session", Value: secret}) }
	}

	// A valid session's (the admin's) stream outlives every heartbeat and
	// wake-up below.
	keep := openStream(t, d.URL, byCookie(d.Creds.Session))

	// Signed out elsewhere (the same session id): ends at the next
	// wake-up, on a server whose heartbeat (the default 25s) is too slow
	// to be what ends it.
	slowLive := web.NewBroker()
	st.OnEvent(slowLive.Notify)
	slow := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Live: slowLive})
	s1 := mustSession(t, acc, u)
	signedOut := openStream(t, slow.URL, byCookie(s1))
	waitFor(t, func() bool { return slowLive.Subscribers() == 1 })
	if err := acc.SignOut(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if !isOpen(signedOut, 100*time.Millisecond) {
		t.Fatal("the stream ended before anything woke it")
	}
	d.pet(t, "Wake") // an event wakes every stream
	if isOpen(signedOut, 5*time.Second) {
		t.Error("the stream of a signed-out session is still open after a wake-up")
	}

	// Ended by a password change, with no event at all: the heartbeat's
	// check ends it.
	s2 := mustSession(t, acc, u)
	changed := openStream(t, d.URL, byCookie(s2))
	if err := acc.SetPassword(ctx, u.ID, "a new passphrase for sam"); err != nil {
		t.Fatal(err)
	}
	if isOpen(changed, 5*time.Second) {
		t.Error("the stream of a session ended by a password change is still open")
	}

	// A revoked token's stream ends too.
	secret, tok, err := acc.CreateToken(ctx, shelter.TokenInput{Name: "wallboard", Role: shelter.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	revoked := openStream(t, d.URL, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) })
	if !isOpen(revoked, 200*time.Millisecond) {
		t.Fatal("a valid token's stream ended")
	}
	if err := acc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if isOpen(revoked, 5*time.Second) {
		t.Error("the stream of a revoked token is still open")
	}

	// The reconnection is refused, so the browser stops.
	req, _ := http.NewRequest("GET", d.URL+"/events/stream", nil)
	req.Header.Set("Accept", "text/event-stream")
	byCookie(s1)(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("reconnect after sign-out: %d, want 401", resp.StatusCode)
	}

	if !isOpen(keep, 100*time.Millisecond) {
		t.Error("the stream of a valid session ended")
	}
}
