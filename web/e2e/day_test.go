package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// axeSource is axe-core's script, installed beside the Playwright driver
// by make e2e-deps.
func axeSource(t *testing.T) string {
	t.Helper()
	home, _ := os.UserHomeDir()
	driver := envOr("PLAYWRIGHT_DRIVER_PATH", filepath.Join(home, ".cache", "petstore", "playwright-1.64.1"))
	b, err := os.ReadFile(filepath.Join(driver, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is not installed (run make e2e-deps): %v", err)
	}
	return string(b)
}

// withAxe makes every page of the session load axe-core (an init script,
// which the page's Content-Security-Policy does not govern).
func (s *session) withAxe() {
	s.t.Helper()
	src := axeSource(s.t)
	s.must(s.ctx.AddInitScript(playwright.Script{Content: &src}))
}

// axe runs axe-core's WCAG 2 A and AA rules on the page at desktop and
// phone widths and fails the test on any violation.
func (s *session) axe(name string) {
	s.t.Helper()
	for _, w := range []struct{ w, h int }{{desktopWidth, desktopHeight}, {phoneWidth, phoneHeight}} {
		s.must(s.page.SetViewportSize(w.w, w.h))
		v, err := s.page.Evaluate(`async () => {
			const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
			return r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
		}`)
		s.must(err)
		if list, ok := v.([]any); ok && len(list) > 0 {
			var lines []string
			for _, l := range list {
				lines = append(lines, fmt.Sprint(l))
			}
			s.t.Errorf("axe on %s (%s) at %d px: %d violations:\n%s", name, s.page.URL(), w.w, len(list), strings.Join(lines, "\n"))
		}
	}
	s.must(s.page.SetViewportSize(desktopWidth, desktopHeight))
}

// TestDaysRound runs a shelter's day from the Today page: intake of three
// pets, a feeding round, health checks, an illness with its diagnosis,
// recovery, an application with its applicant and the adoption.
func TestDaysRound(t *testing.T) {
	// Pets are fed every two hours; each was last fed an hour and a half
	// ago (recorded through the API), so all three are due now.
	s := start(t, sessionOptions{env: []string{"FEEDING_INTERVAL=2h"}})
	s.withAxe()
	names := []string{"Luna", "Milo", "Pepper"}
	ids := map[string]string{}
	for i, name := range names {
		s.open("/pets/new")
		s.must(s.id("field-name").Fill(name))
		_, err := s.id("field-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{[]string{"cat", "dog", "bird"}[i]}})
		s.must(err)
		s.must(s.id("field-age").Fill(fmt.Sprint(6 + i)))
		s.must(s.id("submit").Click())
		s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/\d+$`)))
		ids[name] = s.page.URL()[strings.LastIndex(s.page.URL(), "/")+1:]
		s.waitStatus("in_quarantine")
		earlier := time.Now().Add(-90 * time.Minute).UnixMilli()
		if st := s.api("POST", "/api/pets/"+ids[name]+"/feedings", map[string]any{"fedAt": earlier, "note": "Night shift"}, nil); st != 201 {
			t.Fatalf("earlier feeding of %s: %d", name, st)
		}
	}

	s.open("/")
	s.markPage()
	feeding := s.id("section-feeding")
	s.must(expect.Locator(feeding.GetByTestId("feeding-row")).ToHaveCount(3))
	s.must(expect.Locator(s.id("section-arrived").GetByTestId("arrived-row")).ToHaveCount(3))
	s.must(expect.Locator(s.id("nav-today-count")).ToBeVisible())
	s.shot("morning")
	s.axe("Today")

	// Fed all: one request, every pet fed, one toast naming them.
	s.must(s.id("fed-all").Click())
	s.must(expect.Locator(s.id("empty-feeding")).ToBeVisible())
	s.must(expect.Locator(s.id("toasts")).ToContainText("Fed 3 pets: Luna, Milo and Pepper"))
	for _, name := range names {
		var feeds []map[string]any
		s.api("GET", "/api/pets/"+ids[name]+"/feedings", nil, &feeds)
		if len(feeds) != 2 {
			t.Fatalf("%s has %d feedings, want 2", name, len(feeds))
		}
	}

	// A health check from Today: Luna is healthy, and so available.
	quarantine := s.id("section-quarantine")
	s.must(expect.Locator(quarantine.GetByTestId("quarantine-row")).ToHaveCount(3))
	row := quarantine.Locator(`[data-testid="quarantine-row"][data-pet-id="` + ids["Luna"] + `"]`)
	s.must(row.GetByTestId("transition-healthy").Click())
	s.must(expect.Locator(s.id("toasts")).ToContainText("Luna: healthy → now available"))
	s.must(expect.Locator(quarantine.GetByTestId("quarantine-row")).ToHaveCount(2))
	// Focus stayed in the section (not lost to the page).
	s.focusInside("#sec-quarantine")

	// Milo is ill: the dashboard asks for the diagnosis.
	row = quarantine.Locator(`[data-testid="quarantine-row"][data-pet-id="` + ids["Milo"] + `"]`)
	s.must(row.GetByTestId("transition-ill").Click())
	s.must(row.GetByTestId("note-ill").Fill("Ear mites.\nDrops twice a day."))
	s.shot("diagnosis")
	s.must(row.GetByTestId("confirm-ill").Click())
	treatment := s.id("section-treatment")
	s.must(expect.Locator(treatment.GetByTestId("diagnosis")).ToHaveText("Ear mites.\nDrops twice a day."))
	s.must(expect.Locator(s.id("toasts")).ToContainText("Milo: ill → now under treatment"))

	// Recovered, with a summary.
	row = treatment.Locator(`[data-testid="treatment-row"][data-pet-id="` + ids["Milo"] + `"]`)
	s.must(row.GetByTestId("transition-recovered").Click())
	s.must(row.GetByTestId("note-recovered").Fill("Ears clear"))
	s.must(row.GetByTestId("confirm-recovered").Click())
	s.must(expect.Locator(s.id("empty-treatment")).ToBeVisible())
	s.must(expect.Locator(s.id("toasts")).ToContainText("Milo: recovered → now available"))
	s.stillSamePage()

	// Luna's application, from her page: the applicant is asked for.
	s.open("/pets/" + ids["Luna"])
	s.must(s.id("transition-pending").Click())
	s.must(s.id("adopter-name").Fill("Ada Lovelace"))
	s.must(s.id("adopter-email").Fill("ada@example.org"))
	s.must(s.id("adopter-phone").Fill("+44 20 7946 0000"))
	s.must(s.id("confirm-pending").Click())
	s.waitStatus("pending")
	s.must(expect.Locator(s.id("pet-adopter")).ToContainText("Ada Lovelace"))
	s.focusInside("#pet-live")
	s.shot("pending")
	s.axe("pet page")

	// The adoption, from Today: the confirmation names the adopter.
	s.open("/")
	pending := s.id("section-pending")
	s.must(expect.Locator(pending.GetByTestId("applicant")).ToContainText("Ada Lovelace"))
	s.must(pending.GetByTestId("transition-adopted").Click())
	s.must(expect.Locator(pending.GetByTestId("adopt-confirm-text")).ToContainText("Complete the adoption of Luna by Ada Lovelace?"))
	s.must(pending.GetByTestId("confirm-adopted").Click())
	s.must(expect.Locator(s.id("empty-pending")).ToBeVisible())
	s.must(expect.Locator(s.id("toasts")).ToContainText("Luna: now adopted"))
	s.shot("evening")

	var p struct {
		Status  string
		Adopter struct{ Name string }
	}
	s.api("GET", "/api/pets/"+ids["Luna"], nil, &p)
	if p.Status != "adopted" || p.Adopter.Name != "Ada Lovelace" {
		t.Fatalf("Luna: %+v", p)
	}
	// An adopted pet is not fed: the API refuses, the page shows none.
	if st := s.api("POST", "/api/pets/"+ids["Luna"]+"/feedings", nil, nil); st != 409 {
		t.Fatalf("feeding an adopted pet: %d", st)
	}
	s.open("/pets/" + ids["Luna"])
	s.must(expect.Locator(s.id("fed")).ToHaveCount(0))
	s.open("/pets/" + ids["Luna"] + "/card")
	s.shot("kennel-card")
}

// focusInside fails unless the focused element is inside selector.
func (s *session) focusInside(selector string) {
	s.t.Helper()
	s.must(expect.Locator(s.page.Locator(selector + " :focus")).ToHaveCount(1))
}

// TestTwoBrowserConflict: two colleagues edit one pet in two browsers.
// What only one changed merges; what both changed is shown side by side
// to the one saving second, who chooses; nothing is lost.
func TestTwoBrowserConflict(t *testing.T) {
	s := start(t)
	s.withAxe()
	id := s.createPet("Biscuit", "dog", 30)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")

	// The second browser: its own context and sign-in.
	other, err := browser.NewContext(playwright.BrowserNewContextOptions{
		Viewport: &playwright.Size{Width: desktopWidth, Height: desktopHeight}, Locale: playwright.String("en-GB")})
	s.must(err)
	t.Cleanup(func() { other.Close() })
	b, err := other.NewPage()
	s.must(err)
	b.SetDefaultTimeout(5000)
	_, err = b.Goto(s.app.URL + "/login")
	s.must(err)
	s.must(b.GetByTestId("login-email").Fill(s.app.AdminEmail))
	s.must(b.GetByTestId("login-password").Fill(s.app.AdminPassword))
	s.must(b.GetByTestId("login-submit").Click())
	s.must(expect.Locator(b.GetByTestId("signed-in-as")).ToBeVisible())
	_, err = b.Goto(s.app.URL + "/pets/" + id)
	s.must(err)

	// B starts typing: a new age and its own notes.
	s.must(b.GetByTestId("field-age").Fill("31"))
	s.must(b.GetByTestId("field-notes").Fill("Loves other dogs"))
	// A saves first: notes and a feeding interval.
	s.must(s.id("field-notes").Fill("Shy with other dogs.\nWalk alone."))
	s.must(s.id("field-feeding-hours").Fill("8"))
	s.must(s.id("save").Click())
	s.must(expect.Locator(s.id("toasts")).ToContainText("Biscuit: changes saved"))
	s.must(expect.Locator(s.id("notes")).ToHaveText("Shy with other dogs.\nWalk alone."))

	// B's form was left alone, with a notice; its typing is intact.
	s.must(expect.Locator(b.GetByTestId("stale-notice")).ToBeVisible())
	s.must(expect.Locator(b.GetByTestId("field-notes")).ToHaveValue("Loves other dogs"))
	// B saves: the notes clash, the age and the interval do not.
	s.must(b.GetByTestId("save").Click())
	panel := b.GetByTestId("conflict-panel")
	s.must(expect.Locator(panel).ToBeVisible())
	s.must(expect.Locator(panel.GetByTestId("conflict-notes")).ToContainText("Loves other dogs"))
	s.must(expect.Locator(panel.GetByTestId("conflict-notes")).ToContainText("Shy with other dogs."))
	s.must(expect.Locator(panel.GetByTestId("conflict-ageMonths")).ToHaveCount(0))
	_, err = b.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(screenshotDir + "/" + t.Name() + "-conflict-desktop.png"), FullPage: playwright.Bool(true)})
	s.must(err)
	var p struct {
		Notes                  string
		AgeMonths              int
		FeedingIntervalMinutes int
	}
	s.api("GET", "/api/pets/"+id, nil, &p)
	if p.Notes != "Shy with other dogs.\nWalk alone." || p.AgeMonths != 30 {
		t.Fatalf("the conflicting save wrote something: %+v", p)
	}
	// B keeps A's notes after reading them, and saves: its age is written,
	// A's notes and interval stay.
	s.must(panel.GetByTestId("keep-theirs-notes").Check())
	s.must(b.GetByTestId("save").Click())
	s.must(expect.Locator(b.GetByTestId("conflict-panel")).ToHaveCount(0))
	s.must(expect.Locator(b.GetByTestId("toasts")).ToContainText("Biscuit: changes saved"))
	s.api("GET", "/api/pets/"+id, nil, &p)
	if p.Notes != "Shy with other dogs.\nWalk alone." || p.AgeMonths != 31 || p.FeedingIntervalMinutes != 480 {
		t.Fatalf("after the merge: %+v", p)
	}
	// A's untouched form refreshed live with B's age.
	s.must(expect.Locator(s.id("field-age")).ToHaveValue("31"))
	s.shot("merged")
	s.axe("pet page after a merge")
}

// TestEveryDashboardPageIsAccessible runs axe-core (WCAG 2 A and AA) on
// every dashboard page at 1280 and 375 px, and checks none scrolls
// sideways on a phone.
func TestEveryDashboardPageIsAccessible(t *testing.T) {
	s := start(t)
	s.withAxe()
	id := s.createPet("Luna", "cat", 6)
	gone := s.createPet("Gone", "dog", 20)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	if st := s.api("DELETE", "/api/pets/"+gone, map[string]any{"reason": "Entered twice"}, nil); st != 202 {
		t.Fatalf("delete: %d", st)
	}
	for _, path := range []string{"/", "/pets", "/pets/new", "/pets/" + id, "/pets/" + gone, "/pets/" + id + "/card",
		"/deleted", "/workflow", "/jobs", "/tokens", "/staff", "/account", "/inquiries"} {
		s.open(path)
		s.axe(path)
		s.must(s.page.SetViewportSize(phoneWidth, phoneHeight))
		s.noHorizontalScroll()
		s.must(s.page.SetViewportSize(desktopWidth, desktopHeight))
	}
	// The 404 page says what was not found.
	resp, err := s.page.Goto(s.app.URL + "/pets/999")
	s.must(err)
	if resp.Status() != 404 {
		t.Fatalf("GET /pets/999: %d", resp.Status())
	}
	s.must(expect.Locator(s.id("error-message")).ToContainText("No pet with id 999"))
	s.axe("404")
	s.shot("not-found")

	// Signed out: the sign-in page.
	out, err := browser.NewContext(playwright.BrowserNewContextOptions{Viewport: &playwright.Size{Width: desktopWidth, Height: desktopHeight}})
	s.must(err)
	t.Cleanup(func() { out.Close() })
	src := axeSource(t)
	s.must(out.AddInitScript(playwright.Script{Content: &src}))
	page, err := out.NewPage()
	s.must(err)
	_, err = page.Goto(s.app.URL + "/login")
	s.must(err)
	signedIn := s.page
	s.page = page
	s.axe("/login")
	s.page = signedIn
}

// TestBulkTransition selects several pets on the board and asks for one
// status: each is decided on its own, and the summary says who was
// refused and why.
func TestBulkTransition(t *testing.T) {
	s := start(t)
	a, b, c := s.createPet("Ada", "dog", 20), s.createPet("Bo", "cat", 10), s.createPet("Cy", "bird", 5)
	s.open("/pets/" + c)
	s.waitStatus("in_quarantine")
	s.clickTransition("healthy", "available") // Cy can no longer be made healthy
	s.open("/pets")
	for _, id := range []string{a, b, c} {
		s.must(s.page.Locator(`[data-testid="pet-row"][data-pet-id="` + id + `"]`).GetByTestId("pick").Check())
	}
	_, err := s.id("bulk-status").SelectOption(playwright.SelectOptionValues{Values: &[]string{"healthy"}})
	s.must(err)
	s.must(s.id("bulk-apply").Click())
	sum := s.id("bulk-summary")
	s.must(expect.Locator(sum).ToContainText("2 moved, 1 refused"))
	s.must(expect.Locator(s.id("bulk-refused")).ToContainText("Cy is available now: “Mark healthy” can't be done from there."))
	s.shot("summary")
}

// TestBoardOnAPhone: the menu and the filters fold away, so the first
// pets are above the fold at 375 px.
func TestBoardOnAPhone(t *testing.T) {
	s := start(t)
	for _, n := range []string{"Ada", "Bo", "Cy"} {
		s.createPet(n, "cat", 3)
	}
	s.must(s.page.SetViewportSize(phoneWidth, phoneHeight))
	s.open("/pets")
	box, err := s.page.Locator(`[data-testid="pet-row"]`).First().BoundingBox()
	s.must(err)
	if box == nil || box.Y > phoneHeight-100 {
		t.Fatalf("the first pet starts at %v px, below the fold of %d px", box, phoneHeight)
	}
	s.must(expect.Locator(s.id("filters")).Not().ToBeVisible())
	s.must(s.page.Locator(`label[for="filters-toggle"]`).Click())
	s.must(expect.Locator(s.id("filters")).ToBeVisible())
	s.must(s.page.Locator(`label[for="menu-toggle"]`).Click())
	s.must(expect.Locator(s.page.Locator("#main-nav")).ToBeVisible())
	s.noHorizontalScroll()
	s.shot("menu-open")
}
