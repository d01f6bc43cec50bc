package e2e

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

func TestRunReaperNow(t *testing.T) {
	s := start(t, sessionOptions{env: []string{"PURGE_AFTER=1ms"}})
	s.watchCSP()
	gone := s.createPet("Ghost", "cat", 9)
	stays := s.createPet("Stays", "dog", 9)
	if st := s.api("DELETE", "/api/pets/"+gone, nil, nil); st != http.StatusAccepted && st != http.StatusOK {
		t.Fatalf("delete: %d", st)
	}
	s.open("/jobs")
	s.markPage()
	s.must(s.id("run-reaper").Click())
	s.must(expect.Locator(s.id("reap-result")).ToHaveAttribute("data-purged", "1"))
	s.must(expect.Locator(s.id("reap-result")).ToContainText("1 of 1 due pets purged"))
	s.stillSamePage() // htmx swapped the result in
	s.shot("reaped")
	if st := s.api("GET", "/api/pets/"+gone, nil, nil); st != http.StatusNotFound {
		t.Errorf("purged pet: %d, want 404", st)
	}
	if st := s.api("GET", "/api/pets/"+stays, nil, nil); st != http.StatusOK {
		t.Errorf("kept pet: %d", st)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	s := start(t)
	s.watchCSP()
	// The same admin, signed in on another device.
	other, err := browser.NewContext()
	s.must(err)
	t.Cleanup(func() { other.Close() })
	otherPage, err := other.NewPage()
	s.must(err)
	_, err = otherPage.Goto(s.app.URL + "/login")
	s.must(err)
	s.must(otherPage.GetByTestId("login-email").Fill(s.app.AdminEmail))
	s.must(otherPage.GetByTestId("login-password").Fill(s.app.AdminPassword))
	s.must(otherPage.GetByTestId("login-submit").Click())
	s.must(expect.Locator(otherPage.GetByTestId("signed-in-as")).ToBeVisible())

	// From the header, next to the signed-in name.
	s.must(s.id("account-link").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/account$`)))
	s.must(expect.Locator(s.id("account-email")).ToHaveText(s.app.AdminEmail))
	s.shot("account")

	s.must(s.id("field-current").Fill("not my password"))
	s.must(s.id("field-password").Fill("a fresh passphrase for the admin"))
	s.must(s.id("change-password").Click())
	s.must(expect.Locator(s.id("error-current")).ToContainText("not correct"))
	s.must(s.id("field-current").Fill(s.app.AdminPassword))
	s.must(s.id("field-password").Fill("password1"))
	s.must(s.id("change-password").Click())
	s.must(expect.Locator(s.id("error-password")).ToContainText("too common"))
	// The page a refused form comes back on has the whole navigation.
	s.must(expect.Locator(s.id("nav-inquiries")).ToHaveCount(1))
	s.shot("account-error")
	s.must(s.id("field-current").Fill(s.app.AdminPassword))
	s.must(s.id("field-password").Fill("a fresh passphrase for the admin"))
	s.must(s.id("change-password").Click())
	s.must(expect.Locator(s.id("notice")).ToContainText("Password changed"))

	// This browser stays signed in; the other device is signed out.
	s.open("/")
	s.must(expect.Locator(s.id("signed-in-as")).ToBeVisible())
	_, err = otherPage.Reload()
	s.must(err)
	s.must(expect.Page(otherPage).ToHaveURL(regexp.MustCompile(`/login$`)))

	// The new password is the one that signs in.
	s.signOut()
	s.must(s.id("login-email").Fill(s.app.AdminEmail))
	s.must(s.id("login-password").Fill(s.app.AdminPassword))
	s.must(s.id("login-submit").Click())
	s.must(expect.Locator(s.id("login-error")).ToBeVisible())
	s.signIn(s.app.AdminEmail, "a fresh passphrase for the admin")
	if n, err := s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Account"}).Count(); err != nil || n != 1 {
		t.Errorf("Account links in the header: %d %v", n, err)
	}
}
