package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

// TestTodayPageRoutes covers the Today page and its actions: every route
// and status code of the dashboard's day.
func TestTodayPageRoutes(t *testing.T) {
	d := newDash(t)
	ctx := context.Background()
	a, b := d.pet(t, "Luna"), d.pet(t, "Milo")
	gone := d.pet(t, "Gone")
	if _, err := d.Store.DeletePet(ctx, shelter.Origin{Namespace: "api", Actor: "api"}, gone.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path string
		form               url.Values
		htmx               string
		status             int
		want               string
	}{
		{"today", "GET", "/", nil, "", 200, `data-testid="section-feeding"`},
		{"today fragment", "GET", "/", nil, "today-live", 200, `<div id="today-live"`},
		{"old board link", "GET", "/?status=new&q=lu", nil, "", 301, ""},
		{"today count", "GET", "/today/count", nil, "nav-today-count", 200, ""},
		{"fed all", "POST", "/today/fed", url.Values{"id": {a.ID, b.ID, gone.ID}}, "today-live", 200, "Fed 2 pets: Luna and Milo"},
		{"fed all refuses the deleted", "POST", "/today/fed", url.Values{"id": {gone.ID}}, "today-live", 200, "Not fed: Gone is deleted"},
		{"fed nobody", "POST", "/today/fed", url.Values{}, "today-live", 400, "No pet to feed"},
		{"fed without htmx", "POST", "/today/fed", url.Values{"id": {a.ID}}, "", 303, ""},
		{"fed from the pet page", "POST", "/pets/" + a.ID + "/fed", url.Values{}, "pet-live", 200, "Luna: fed"},
		{"fed a deleted pet", "POST", "/pets/" + gone.ID + "/fed", url.Values{}, "pet-live", 409, "Gone is deleted"},
		{"fed no pet", "POST", "/pets/999/fed", url.Values{}, "pet-live", 404, "Not found"},
		{"kennel card", "GET", "/pets/" + a.ID + "/card", nil, "", 200, `data-testid="kennel-card"`},
		{"kennel card of no pet", "GET", "/pets/999/card", nil, "", 404, "Not found"},
		{"pending needs a name", "POST", "/pets/" + b.ID + "/status", url.Values{"status": {"pending"}, "adopter_email": {"x@example.org"}}, "pet-live", 400, "is required"},
		{"note too long", "POST", "/pets/" + b.ID + "/status", url.Values{"status": {"ill"}, "note": {strings.Repeat("x", 2001)}}, "pet-live", 400, "at most 2000"},
		{"delete with a reason", "POST", "/pets/" + b.ID + "/delete", url.Values{"reason": {"Entered twice"}}, "", 303, ""},
		{"the deleted record offers Undo", "GET", "/pets/" + b.ID + "?deleted=1", nil, "", 200, `data-testid="undo"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := d.do(t, tt.method, tt.path, tt.form, tt.htmx)
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Fatalf("%s %s: %d %.400q, want %d with %q", tt.method, tt.path, r.Status, r.Body, tt.status, tt.want)
			}
		})
	}
	if r := d.do(t, "GET", "/?status=new&q=lu", nil, ""); r.Header.Get("Location") != "/pets?status=new&q=lu" {
		t.Errorf("old board link goes to %q", r.Header.Get("Location"))
	}
	if r := d.do(t, "GET", "/pets/"+b.ID, nil, ""); !strings.Contains(r.Body, "Reason: Entered twice") {
		t.Errorf("the deleted record does not show its reason")
	}
}

// TestBoardBulkAndPaging covers the board's bulk transition and its
// previous-page link.
func TestBoardBulkAndPaging(t *testing.T) {
	d := newDash(t)
	a, b := d.pet(t, "Ada"), d.pet(t, "Bo")
	for _, tt := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"nobody selected", url.Values{"status": {"healthy"}}, 400, "No pet selected"},
		{"unknown status", url.Values{"status": {"flying"}, "id": {a.ID}}, 400, "Unknown status"},
		{"ill needs a diagnosis", url.Values{"status": {"ill"}, "id": {a.ID}}, 400, "A diagnosis is needed"},
		{"each decided on its own", url.Values{"status": {"healthy"}, "id": {a.ID, b.ID, "999"}, "back": {"/pets?sort=name"}}, 200, "0 moved, 3 refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := d.do(t, "POST", "/pets/bulk-status", tt.form, "")
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Fatalf("%d %.400q, want %d with %q", r.Status, r.Body, tt.status, tt.want)
			}
		})
	}
	// New pets cannot be made healthy: the reasons are listed per pet, in
	// the dashboard's words; a pet deleted meanwhile is refused too, and
	// the others still move.
	r := d.do(t, "POST", "/pets/bulk-status", url.Values{"status": {"healthy"}, "id": {a.ID}}, "")
	if !strings.Contains(r.Body, "Ada</strong> is new now: “Mark healthy” can&#39;t be done from there.") {
		t.Fatalf("refusal not named: %.600s", r.Body)
	}
	if _, err := d.Store.DeletePet(context.Background(), shelter.Origin{Namespace: "ui", Actor: "test"}, b.ID); err != nil {
		t.Fatal(err)
	}
	c := d.pet(t, "Cy")
	quarantine(t, d.Store, "ui", c.ID)
	r = d.do(t, "POST", "/pets/bulk-status", url.Values{"status": {"ill"}, "note": {"Cough"}, "id": {b.ID, c.ID, "999"}}, "")
	for _, want := range []string{"1 moved, 2 refused", "Moved: Cy", "Bo</strong> is deleted: restore it first.", "Pet 999</strong> is not in the records any more."} {
		if r.Status != 200 || !strings.Contains(r.Body, want) {
			i := strings.Index(r.Body, "bulk-summary")
			t.Fatalf("bulk with a deleted pet: %d, want %q in %.600s", r.Status, want, r.Body[max(i, 0):])
		}
	}
	for i := 0; i < 60; i++ {
		d.pet(t, "Zed")
	}
	first := d.do(t, "GET", "/pets", nil, "")
	i := strings.Index(first.Body, `data-testid="next-page"`)
	if i < 0 {
		t.Fatal("no next page")
	}
	href := first.Body[strings.LastIndex(first.Body[:i], `href="`)+6:]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	second := d.do(t, "GET", href, nil, "")
	if !strings.Contains(second.Body, `data-testid="prev-page"`) {
		t.Fatalf("no previous page link on %s", href)
	}
}
