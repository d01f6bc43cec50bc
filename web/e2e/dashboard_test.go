package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/petstore/petstore/internal/shelter"
)

// clickTransition presses the button asking for status to and waits for
// the page to show want, checking the buttons are exactly the
// orchestrator's staff targets of the new status.
func (s *session) clickTransition(to, want string) {
	s.t.Helper()
	s.must(s.id("transition-" + to).Click())
	s.fillRecord(s.page.Locator("body"), to)
	s.waitStatus(want)
	s.checkButtons(want)
}

// fillRecord completes the record a status asks for, when it asks for
// one (a diagnosis, the applicant, a reason, a confirmation), inside
// scope, and sends it.
func (s *session) fillRecord(scope playwright.Locator, to string) {
	s.t.Helper()
	confirm := scope.GetByTestId("confirm-" + to)
	if n, err := confirm.Count(); err != nil || n == 0 {
		return
	}
	if n, _ := scope.GetByTestId("note-" + to).Count(); n > 0 {
		s.must(scope.GetByTestId("note-" + to).Fill("Recorded by the e2e test for " + to))
	}
	if n, _ := scope.GetByTestId("adopter-name").Count(); n > 0 {
		s.must(scope.GetByTestId("adopter-name").Fill("Ada Lovelace"))
		s.must(scope.GetByTestId("adopter-email").Fill("ada@example.org"))
	}
	s.must(confirm.Click())
}

// checkButtons fails unless the page offers a button for every status
// shelter.StaffTargets allows from st, and for no other.
func (s *session) checkButtons(st string) {
	s.t.Helper()
	var want []string
	for _, to := range shelter.StaffTargets(shelter.Status(st)) {
		want = append(want, string(to))
	}
	got := s.transitionButtons()
	if !slices.Equal(got, want) {
		s.t.Fatalf("buttons on a %s pet: %v, want %v", st, got, want)
	}
}

func TestAddPetShowsErrorsThenReachesQuarantineLive(t *testing.T) {
	s := start(t)
	s.open("/")
	s.must(s.id("add-pet").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/new$`)))

	// First a form with problems: the errors sit next to their fields and
	// what was typed is kept.
	s.must(s.id("field-name").Fill("   "))
	_, err := s.id("field-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{"cat"}})
	s.must(err)
	s.must(s.id("field-age").Fill("eleven"))
	s.must(s.id("field-notes").Fill("Found under the bridge"))
	s.must(s.id("submit").Click())
	s.must(expect.Locator(s.id("error-name")).ToHaveText("Name must not be empty"))
	s.must(expect.Locator(s.id("error-ageMonths")).ToHaveText("Age in months must be a whole number from 0 to 600"))
	s.must(expect.Locator(s.id("error-species")).ToHaveCount(0))
	s.must(expect.Locator(s.id("field-species")).ToHaveValue("cat"))
	s.must(expect.Locator(s.id("field-age")).ToHaveValue("eleven"))
	s.must(expect.Locator(s.id("field-notes")).ToHaveValue("Found under the bridge"))
	s.must(expect.Locator(s.id("field-name")).ToHaveAttribute("aria-invalid", "true"))
	s.shot("errors")

	// Then a good one: the pet's page, new, and a moment later in
	// quarantine without a reload (the feeding reminder ran).
	s.must(s.id("field-name").Fill("Mittens"))
	s.must(s.id("field-age").Fill("11"))
	s.must(s.id("submit").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/\d+$`)))
	s.must(expect.Locator(s.id("pet-name")).ToHaveText("Mittens"))
	s.markPage()
	s.waitStatus("in_quarantine")
	s.stillSamePage()
	s.checkButtons("in_quarantine")
	s.must(expect.Locator(s.id("timeline")).ToContainText("Pet moved to quarantine after feeding setup"))
	s.must(expect.Locator(s.id("next-feeding")).Not().ToHaveText("—"))
	s.shot("quarantine")
}

func TestAdoptionPath(t *testing.T) {
	s := start(t)
	id := s.createPet("Buddy", "dog", 24)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	s.markPage()

	// Healthy progresses on its own to available.
	s.clickTransition("healthy", "available")
	s.must(expect.Locator(s.id("timeline")).ToContainText("Automatic progression - pet ready for adoption"))
	s.clickTransition("pending", "pending")
	s.clickTransition("adopted", "adopted")
	s.must(expect.Locator(s.id("no-transitions")).ToBeVisible())
	s.stillSamePage()

	var p apiPet
	s.api("GET", "/api/pets/"+id, nil, &p)
	if p.Status != "adopted" {
		t.Fatalf("API says %s, want adopted", p.Status)
	}
	s.shot("adopted")
}

func TestIllnessPath(t *testing.T) {
	s := start(t)
	id := s.createPet("Patch", "cat", 7)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")

	// Ill progresses on its own to under treatment; recovered to healthy
	// and then available.
	s.clickTransition("ill", "under_treatment")
	s.clickTransition("recovered", "available")
	tl := s.id("timeline")
	s.must(expect.Locator(tl).ToContainText("Automatic progression - treatment started"))
	s.must(expect.Locator(tl).ToContainText("Automatic progression - recovery complete"))
	// Five steps from the dashboard's two clicks: ill, under treatment,
	// recovered, healthy, available (quarantine was the API's namespace).
	s.must(expect.Locator(tl.Locator(`[data-event-type="web.lifecycle.transition.completed"]`)).ToHaveCount(5))
	s.must(expect.Locator(tl).ToContainText("by system"))
	s.shot("recovered")
}

func TestTransitionNotAllowedHasNoButtonAndStaleClickIsRejected(t *testing.T) {
	s := start(t)
	id := s.createPet("Ghost", "other", 3)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	for _, to := range []string{"adopted", "available", "pending", "recovered", "new", "deleted"} {
		s.must(expect.Locator(s.id("transition-" + to)).ToHaveCount(0))
	}

	// A second page whose live stream is cut keeps its old buttons: after
	// the pet moves on elsewhere, its click is refused with a toast, and
	// the page then shows where the pet is and the buttons it has now.
	stale, err := s.ctx.NewPage()
	s.must(err)
	s.must(stale.Route("**/events/stream**", func(r playwright.Route) { r.Abort() }))
	_, err = stale.Goto(s.app.URL + "/pets/" + id)
	s.must(err)
	s.clickTransition("healthy", "available")
	s.must(stale.GetByTestId("transition-healthy").Click())
	toast := stale.GetByTestId("toast")
	s.must(expect.Locator(toast).ToContainText("Ghost is available now: “Mark healthy” can't be done from there."))
	s.must(expect.Locator(toast).ToHaveAttribute("role", "alert"))
	s.must(expect.Locator(stale.GetByTestId("status-badge").First()).ToHaveAttribute("data-status", "available"))
	s.must(expect.Locator(stale.GetByTestId("transition-healthy")).ToHaveCount(0))
	s.must(expect.Locator(stale.GetByTestId("transition-pending")).ToHaveCount(1))
	_, err = stale.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(screenshotDir + "/" + t.Name() + "-toast-desktop.png"), FullPage: playwright.Bool(true)})
	s.must(err)
	s.shot("available")
}

func TestDeleteAndRestore(t *testing.T) {
	s := start(t)
	id := s.createPet("Biscuit", "dog", 30)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")

	// The confirmation names the purge date: 30 days (PURGE_AFTER's
	// default) from now.
	purge := time.Now().UTC().Add(720 * time.Hour).Format("2 January 2006")
	s.must(s.id("delete-open").Click())
	s.must(expect.Locator(s.id("delete-confirm-text")).ToContainText(purge))
	s.must(s.id("delete-reason").Fill("Entered twice"))
	s.shot("confirm")
	s.must(s.id("delete-confirm").Click())
	s.waitStatus("deleted")
	// The toast names the pet and offers Undo (the restore).
	s.must(expect.Locator(s.id("toasts")).ToContainText("Biscuit: deleted"))
	s.must(expect.Locator(s.id("undo")).ToBeVisible())
	s.must(expect.Locator(s.id("purge-info")).ToContainText(purge))
	s.must(expect.Locator(s.id("days-left")).ToHaveText("30 days left"))
	s.must(expect.Locator(s.page.Locator(`[data-testid^="transition-"]`)).ToHaveCount(0))
	s.shot("deleted")

	// Off the board, on the Deleted page.
	s.open("/pets")
	s.must(expect.Locator(s.page.Locator(`[data-testid="pet-row"][data-pet-id="` + id + `"]`)).ToHaveCount(0))
	s.open("/deleted")
	row := s.page.Locator(`[data-testid="pet-row"][data-pet-id="` + id + `"]`)
	s.must(expect.Locator(row.GetByTestId("purge-date")).ToContainText(purge))
	s.shot("list")

	// Restore brings back the status it had.
	s.must(row.GetByTestId("restore").Click())
	s.must(expect.Locator(s.id("no-pets")).ToBeVisible())
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	s.must(expect.Locator(s.id("timeline")).ToContainText("Restored"))
	s.checkButtons("in_quarantine")
}

func TestSearchFiltersSortAndPaging(t *testing.T) {
	s := start(t)
	for _, p := range []struct {
		name, species string
		age           int
	}{{"Rex", "dog", 40}, {"Rexford", "dog", 5}, {"Tom", "cat", 20}, {"Tweety", "bird", 12}, {"Nibbles", "other", 2}} {
		s.createPet(p.name, p.species, p.age)
	}
	for i := 0; i < 50; i++ {
		s.createPet(fmt.Sprintf("Zed %02d", i), "cat", 100+i)
	}
	s.open("/pets")
	rows := s.page.Locator(`[data-testid="pet-row"]`)
	s.must(expect.Locator(s.id("total")).ToHaveText("55 pets match"))
	s.must(expect.Locator(rows).ToHaveCount(50))
	s.must(s.id("next-page").Click())
	s.must(expect.Locator(rows).ToHaveCount(5))
	s.must(expect.Locator(rows.First()).ToContainText("Nibbles"))
	s.must(expect.Locator(s.id("first-page")).ToBeVisible())
	s.must(s.id("prev-page").Click())
	s.must(expect.Locator(rows).ToHaveCount(50))
	s.must(expect.Locator(s.id("prev-page")).ToHaveCount(0))
	// Clicking anywhere on a row opens its pet.
	s.must(rows.First().Locator("td[data-label=Age]").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/\d+$`)))
	s.open("/pets")

	// Search by name, case-insensitively.
	s.open("/pets")
	s.must(s.id("search").Fill("rex"))
	s.must(s.id("apply-filters").Click())
	s.must(expect.Locator(rows).ToHaveCount(2))
	s.must(expect.Locator(s.id("search")).ToHaveValue("rex"))

	// Species filter and sort by age (youngest first).
	// Filters apply as they change: no click on Show.
	s.open("/pets")
	_, err := s.id("filter-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{"dog"}})
	s.must(err)
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`species=dog`)))
	_, err = s.id("sort").SelectOption(playwright.SelectOptionValues{Values: &[]string{"age"}})
	s.must(err)
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`sort=age`)))
	s.must(expect.Locator(rows).ToHaveCount(2))
	s.must(expect.Locator(rows.Nth(0)).ToContainText("Rexford"))
	s.must(expect.Locator(rows.Nth(1)).ToContainText("Rex"))

	// Sort by name.
	s.open("/?sort=name&species=cat")
	s.must(expect.Locator(rows.First()).ToContainText("Tom"))

	// Status counts are filter links; pending has none yet. Statuses no
	// pet rests in (healthy…) are no chips.
	s.open("/pets")
	s.must(expect.Locator(s.id("count-in_quarantine").Locator(".n")).ToHaveText("55"))
	s.must(expect.Locator(s.id("count-healthy")).ToHaveCount(0))
	s.must(s.id("count-pending").Click())
	s.must(expect.Locator(s.id("no-pets")).ToBeVisible())
	s.must(expect.Locator(s.id("filter-status")).ToHaveValue("pending"))
	s.must(expect.Locator(s.id("count-pending")).ToHaveAttribute("aria-current", "true"))
	s.must(s.id("count-in_quarantine").Click())
	s.must(expect.Locator(rows).ToHaveCount(50))
	s.shot("filtered")

	// A bad filter is a page that says so, not a crash.
	resp, err := s.page.Goto(s.app.URL + "/?species=dragon")
	s.must(err)
	if resp.Status() != http.StatusBadRequest {
		t.Errorf("/?species=dragon: status %d, want 400", resp.Status())
	}
	s.must(expect.Locator(s.id("error-message")).ToContainText(`Unknown species "dragon"`))
}

func TestBoardUpdatesLive(t *testing.T) {
	s := start(t)
	s.open("/pets")
	s.markPage()
	id := s.createPet("Pip", "bird", 4)
	row := s.page.Locator(`[data-testid="pet-row"][data-pet-id="` + id + `"]`)
	s.must(expect.Locator(row.GetByTestId("status-badge")).ToHaveAttribute("data-status", "in_quarantine"))
	s.must(expect.Locator(s.id("count-in_quarantine").Locator(".n")).ToHaveText("1"))
	s.stillSamePage()
	s.shot("live")
}

func TestWorkflowPage(t *testing.T) {
	s := start(t)
	s.createPet("Rosie", "dog", 6)
	s.open("/workflow")

	// The diagram and the table come from the transition table itself.
	s.must(expect.Locator(s.page.Locator(`[data-testid="diagram-edge"]`)).ToHaveCount(len(shelter.Transitions)))
	s.must(expect.Locator(s.page.Locator(`[data-testid="transition-row"]`)).ToHaveCount(len(shelter.Transitions)))
	auto := 0
	for _, tr := range shelter.Transitions {
		if tr.Automatic() {
			auto++
		}
	}
	s.must(expect.Locator(s.page.Locator(`[data-testid="diagram-edge"].auto`)).ToHaveCount(auto))
	s.must(expect.Locator(s.page.Locator(`[data-testid="transition-row"][data-automatic="true"]`)).ToHaveCount(auto))
	node := s.page.Locator(`[data-testid="diagram-node"][data-status="in_quarantine"]`)
	s.must(expect.Locator(node.GetByTestId("diagram-count")).ToHaveText("1 pet"))

	// The live feed gets new events without a reload, and the counts follow.
	s.markPage()
	s.createPet("Clover", "other", 9)
	s.must(expect.Locator(s.id("feed").Locator(`[data-event-type="api.pet.created"]`)).ToHaveCount(2))
	s.must(expect.Locator(node.GetByTestId("diagram-count")).ToHaveText("2 pets"))
	s.stillSamePage()
	s.shot("workflow")
}

func TestScriptNameShowsAsText(t *testing.T) {
	s := start(t)
	const evil = `<script>alert(1)</script>`
	s.open("/pets/new")
	s.must(s.id("field-name").Fill(evil))
	_, err := s.id("field-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{"dog"}})
	s.must(err)
	s.must(s.id("field-age").Fill("3"))
	s.must(s.id("submit").Click())
	s.must(expect.Locator(s.id("pet-name")).ToHaveText(evil))
	s.waitStatus("in_quarantine")
	s.open("/pets")
	s.must(expect.Locator(s.id("pet-link")).ToHaveText(evil))
	s.open("/workflow")
	n, err := s.page.Locator("script:not([src])").Count()
	s.must(err)
	if n != 0 {
		t.Errorf("%d inline scripts on the page", n)
	}
	s.open("/pets")
	s.shot("board")
	// The session fails the test if any dialog opened.
}

func TestFormsWorkWithoutJavaScript(t *testing.T) {
	s := start(t, sessionOptions{noJS: true})
	s.open("/pets/new")
	s.must(s.id("submit").Click())
	s.must(expect.Locator(s.id("error-name")).ToHaveText("Name must not be empty"))
	s.must(expect.Locator(s.id("error-species")).ToHaveText("Species is required"))
	s.must(expect.Locator(s.id("error-ageMonths")).ToHaveText("Age in months is required"))
	s.must(s.id("field-name").Fill("Quiet"))
	_, err := s.id("field-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{"cat"}})
	s.must(err)
	s.must(s.id("field-age").Fill("5"))
	s.must(s.id("submit").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/\d+$`)))
	id := s.page.URL()[strings.LastIndex(s.page.URL(), "/")+1:]

	// Without the live stream the page shows the new status on reload.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var p apiPet
		s.api("GET", "/api/pets/"+id, nil, &p)
		if p.Status == "in_quarantine" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pet still %s", p.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.open("/pets/" + id)
	s.must(s.id("transition-healthy").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/pets/` + id + `$`)))
	s.waitStatus("available")

	// Edit with a problem, then fixed.
	s.must(s.id("field-age").Fill("-1"))
	s.must(s.id("save").Click())
	s.must(expect.Locator(s.id("error-ageMonths")).ToHaveText("Age in months must be a whole number from 0 to 600"))
	s.must(s.id("field-age").Fill("6"))
	s.must(s.id("save").Click())
	s.must(expect.Locator(s.id("pet-age")).ToHaveText("6 months"))
	s.shot("nojs")
}

func TestJobsPage(t *testing.T) {
	s := start(t)
	id := s.createPet("Juniper", "cat", 8)
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine") // the feeding reminder is done
	s.open("/")
	s.must(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Jobs"}).Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/jobs$`)))
	s.must(expect.Locator(s.id("jobs-done").Locator(".n")).Not().ToHaveText("0"))
	s.must(expect.Locator(s.id("no-failed")).ToBeVisible())
	s.must(expect.Locator(s.id("next-reap")).ToContainText("next run"))
	s.must(expect.Locator(s.page.Locator(`[data-testid="job-row"]`).First()).ToContainText("Juniper"))
	s.shot("jobs")
}

// Toasts never pile up over a phone's screen: at most two at once, the
// oldest making room, each fading on its own, with buttons big enough for
// a thumb.
func TestToastsStayFewAndFade(t *testing.T) {
	s := start(t)
	id := s.createPet("Pip", "cat", 4)
	s.must(s.page.SetViewportSize(phoneWidth, phoneHeight))
	s.open("/pets/" + id)
	s.waitStatus("in_quarantine")
	toasts := s.id("toasts").GetByTestId("toast")
	for i := 1; i <= 3; i++ {
		s.must(s.id("fed").Click())
		s.must(expect.Locator(toasts.Last()).ToContainText("Pip: fed"))
		s.must(expect.Locator(toasts).ToHaveCount(min(i, 2)))
	}
	box, err := toasts.Last().Locator("[data-dismiss]").BoundingBox()
	s.must(err)
	if box == nil || box.Height < 44 || box.Width < 44 {
		t.Errorf("the dismiss button is %+v, want at least 44×44 px", box)
	}
	s.must(expect.Locator(toasts).ToHaveCount(0, playwright.LocatorAssertionsToHaveCountOptions{Timeout: playwright.Float(9000)}))
}
