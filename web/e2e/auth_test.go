package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// watchCSP fails the test if the console reports a Content-Security-Policy
// violation (an inline script or style the page tried to use).
func (s *session) watchCSP() {
	var mu = &s.mu
	var violations []string
	s.page.OnConsole(func(m playwright.ConsoleMessage) {
		if strings.Contains(m.Text(), "Content Security Policy") {
			mu.Lock()
			violations = append(violations, m.Text())
			mu.Unlock()
		}
	})
	s.t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(violations) > 0 {
			s.t.Errorf("CSP violations: %q", violations)
		}
	})
}

// signOut presses the header's sign-out button.
func (s *session) signOut() {
	s.t.Helper()
	s.must(s.id("sign-out").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/login$`)))
}

func TestFirstRunSetup(t *testing.T) {
	s := start(t, sessionOptions{noAdmin: true})
	s.watchCSP()
	// The link the server printed once, at its start.
	var link string
	deadline := time.Now().Add(5 * time.Second)
	for link == "" {
		if m := regexp.MustCompile(`🔑 First run: open http://localhost:\d+(/setup\?token=[a-z0-9]+) to create the first admin`).FindStringSubmatch(s.app.Logs()); m != nil {
			link = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no setup link in the output:\n%s", s.app.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := strings.Count(s.app.Logs(), "/setup?token="); n != 1 {
		t.Errorf("the setup link was printed %d times", n)
	}
	// Without an account, the board sends us to sign in.
	_, err := s.page.Goto(s.app.URL + "/")
	s.must(err)
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/login$`)))

	s.open(link)
	s.shot("setup")
	s.must(s.id("field-name").Fill("Ana Admin"))
	s.must(s.id("field-email").Fill("ana@example.org"))
	s.must(s.id("field-password").Fill("password1"))
	s.must(s.id("setup-submit").Click())
	s.must(expect.Locator(s.id("error-password")).ToContainText("too common"))
	s.shot("setup-error")
	s.must(s.id("field-password").Fill("ana picks a long passphrase"))
	s.must(s.id("setup-submit").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`:\d+/$`)))
	s.must(expect.Locator(s.id("signed-in-as")).ToContainText("Ana Admin"))
	s.must(expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Staff"})).ToBeVisible())

	// The link works once.
	resp, err := s.page.Goto(s.app.URL + link)
	s.must(err)
	if resp.Status() != http.StatusUnauthorized {
		t.Errorf("setup link again: %d", resp.Status())
	}
	s.must(expect.Locator(s.id("setup-invalid")).ToContainText("not valid any more"))
}

func TestSignInAndOut(t *testing.T) {
	s := start(t, sessionOptions{noSignIn: true})
	s.watchCSP()
	// A page asks for sign-in and comes back after it.
	_, err := s.page.Goto(s.app.URL + "/workflow")
	s.must(err)
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/login\?next=%2Fworkflow$`)))
	s.shot("login")
	s.must(s.id("login-email").Fill(s.app.AdminEmail))
	s.must(s.id("login-password").Fill("not the password"))
	s.must(s.id("login-submit").Click())
	s.must(expect.Locator(s.id("login-error")).ToHaveText("Incorrect email or password."))
	s.shot("login-error")
	s.must(s.id("login-password").Fill(s.app.AdminPassword))
	s.must(s.id("login-submit").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/workflow$`)))
	s.must(expect.Locator(s.id("signed-in-as")).ToContainText("admin"))

	// A session that ends under an open page: htmx's next request is
	// answered with HX-Redirect, and the browser goes to sign in.
	id := s.createPet("Pebble", "cat", 4)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	s.must(s.ctx.ClearCookies())
	s.must(s.id("transition-healthy").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/login\?next=%2Fpets%2F` + id + `$`)))
	s.signIn(s.app.AdminEmail, s.app.AdminPassword)

	s.signOut()
	// The session is over: a reload of any page is the sign-in page.
	_, err = s.page.Goto(s.app.URL + "/")
	s.must(err)
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/login$`)))
	cookies, err := s.ctx.Cookies()
	s.must(err)
	for _, c := range cookies {
		if c.Name == "petstore_session" {
			t.Errorf("session cookie kept after sign-out")
		}
	}
}

func TestStaffMemberMayNotReachAdminPages(t *testing.T) {
	s := start(t)
	s.watchCSP()
	const hostile = `<img src=x onerror=alert(1)>"><script>alert(2)</script>`
	s.open("/staff")
	s.must(s.id("field-name").Fill(hostile))
	s.must(s.id("field-email").Fill("sam@example.org"))
	s.must(s.id("field-password").Fill("sam's first passphrase"))
	s.must(s.id("add-staff").Click())
	s.must(expect.Locator(s.id("notice")).ToContainText("Account added"))
	row := s.page.Locator(`[data-testid="staff-row"][data-email="sam@example.org"]`)
	s.must(expect.Locator(row.Locator("td.name")).ToHaveText(hostile))
	s.shot("staff")

	s.signOut()
	s.signIn("sam@example.org", "sam's first passphrase")
	s.must(expect.Locator(s.id("signed-in-as")).ToContainText(hostile))
	if n, err := s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Staff"}).Count(); err != nil || n != 0 {
		t.Errorf("staff see a Staff link (%d, %v)", n, err)
	}
	resp, err := s.page.Goto(s.app.URL + "/staff")
	s.must(err)
	if resp.Status() != http.StatusForbidden {
		t.Errorf("staff on /staff: %d, want 403", resp.Status())
	}
	s.must(expect.Locator(s.id("error-message")).ToHaveText("Only an admin may do this."))
	s.shot("forbidden")
	// The Jobs page, without the admins' "Run reaper now".
	s.open("/jobs")
	s.must(expect.Locator(s.id("next-reap")).ToBeVisible())
	if n, err := s.id("run-reaper").Count(); err != nil || n != 0 {
		t.Errorf("staff see the reaper button (%d, %v)", n, err)
	}
	n, err := s.page.Locator("script:not([src])").Count()
	s.must(err)
	if n != 0 {
		t.Errorf("%d inline scripts on the page", n)
	}
}

func TestActorShownInTimeline(t *testing.T) {
	s := start(t)
	id := s.createPet("Biscuit", "dog", 6) // by the API token
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	s.must(s.id("transition-healthy").Click())
	s.waitStatus("available")
	timeline := s.page.Locator("ol.timeline")
	// One line per action: what was done, by whom; the raw event type on hover.
	request := timeline.Locator(`li[data-event-type="web.status.update.requested"]`)
	s.must(expect.Locator(request.Locator(".who").First()).ToHaveText("by " + s.app.AdminEmail))
	s.must(expect.Locator(request.Locator(".what")).ToHaveAttribute("title", "web.status.update.requested"))
	s.must(expect.Locator(timeline.Locator(`li[data-event-type="api.pet.created"] .who`)).ToHaveText("by " + s.app.TokenName))
	s.must(expect.Locator(timeline).ToContainText("by system"))
	s.shot("timeline")
}

func TestTokensPage(t *testing.T) {
	s := start(t)
	s.watchCSP()
	s.open("/tokens")
	s.must(s.id("field-name").Fill("intake-script"))
	s.must(s.id("create-token").Click())
	secret, err := s.id("new-token").TextContent()
	s.must(err)
	if !strings.HasPrefix(secret, "pst_") {
		t.Fatalf("token %q", secret)
	}
	s.shot("created")
	// The token works for the API, and its use shows.
	req, _ := http.NewRequest("GET", s.app.URL+"/api/pets", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	s.must(err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API with the new token: %d", resp.StatusCode)
	}
	s.open("/tokens")
	row := s.page.Locator(`[data-testid="token-row"][data-name="intake-script"]`)
	s.must(expect.Locator(row.GetByTestId("token-last-used")).Not().ToHaveText("Never"))
	if n, _ := s.page.GetByText(secret).Count(); n != 0 {
		t.Errorf("the secret is shown again")
	}
	s.shot("list")
	s.must(row.GetByTestId("revoke-open").Click())
	s.must(expect.Locator(row.GetByTestId("revoke")).ToContainText("Revoke intake-script"))
	s.must(row.GetByTestId("revoke").Click())
	s.must(expect.Locator(s.id("notice")).ToContainText("Token revoked"))
	s.must(expect.Locator(row.GetByTestId("token-state")).ToContainText("Revoked"))
	resp, err = http.DefaultClient.Do(req)
	s.must(err)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("API with the revoked token: %d, want 401", resp.StatusCode)
	}
}
