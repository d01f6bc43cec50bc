package views

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

var buttonRE = regexp.MustCompile(`data-testid="transition-([a-z_]+)"`)

// TestButtonsAreTheStaffTargets renders a pet in every status: the page
// has a button for each status shelter.StaffTargets allows, and no other.
func TestButtonsAreTheStaffTargets(t *testing.T) {
	for _, st := range shelter.Statuses {
		var b strings.Builder
		d := PetData{Pet: &shelter.Pet{ID: "7", Name: "Rex", Species: shelter.SpeciesDog, Status: st, PurgeAt: 1}, PurgeAfter: time.Hour}
		if err := PetLive(d).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, m := range buttonRE.FindAllStringSubmatch(b.String(), -1) {
			got = append(got, m[1])
		}
		for _, to := range shelter.StaffTargets(st) {
			want = append(want, string(to))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: buttons %v, want %v", st, got, want)
		}
		if len(want) == 0 && !strings.Contains(b.String(), `data-testid="no-transitions"`) && st != shelter.StatusDeleted {
			t.Errorf("%s: no buttons and no word why", st)
		}
		if st == shelter.StatusDeleted && !strings.Contains(b.String(), `data-testid="restore"`) {
			t.Errorf("deleted: no Restore button")
		}
	}
}

func TestTextIsEscaped(t *testing.T) {
	evil := `<script>alert(1)</script>"'&`
	p := &shelter.Pet{ID: "1", Name: evil, Notes: evil, Species: shelter.SpeciesCat, Status: shelter.StatusAvailable,
		Profile: &shelter.Profile{Bio: evil, BreedGuess: evil, TemperamentTags: []string{evil}, AdopterHints: evil, Source: "ai"}}
	var b strings.Builder
	d := PetData{Pet: p, Edit: FormFromPet(p), Events: []*shelter.Event{{ID: 1, Type: "web." + evil, Namespace: "web", Actor: evil, PetID: "1"}}}
	if err := PetPage(LayoutOptions{Title: evil}, d).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>alert") {
		t.Fatalf("unescaped script in the page")
	}
	if n := strings.Count(b.String(), "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 8 {
		t.Errorf("escaped name shown %d times, want at least 8", n)
	}
}

func TestFormatting(t *testing.T) {
	for months, want := range map[int]string{0: "0 months", 1: "1 month", 11: "11 months", 12: "1 year", 13: "1 year 1 month", 26: "2 years 2 months", 600: "50 years"} {
		if got := FormatAge(months); got != want {
			t.Errorf("FormatAge(%d) = %q, want %q", months, got, want)
		}
	}
	day := int64(24 * time.Hour / time.Millisecond)
	for _, tt := range []struct {
		now, purge int64
		want       int
	}{{0, 30 * day, 30}, {1, 30 * day, 30}, {0, 30*day + 1, 31}, {30 * day, 30 * day, 0}, {31 * day, 30 * day, 0}} {
		if got := DaysLeft(tt.now, tt.purge); got != tt.want {
			t.Errorf("DaysLeft(%d, %d) = %d, want %d", tt.now, tt.purge, got, tt.want)
		}
	}
	q := BoardQuery{Query: "a&b", Species: shelter.SpeciesCat, Sort: shelter.SortNewest}
	if got := q.URL(); got != "/pets?q=a%26b&species=cat" {
		t.Errorf("URL() = %q", got)
	}
	if got := (BoardQuery{Sort: shelter.SortNewest}).URL(); got != "/pets" {
		t.Errorf("empty URL() = %q", got)
	}
}

// TestDiagramFromTable checks the diagram has one node per status of the
// table and one edge per transition, and that nodes do not overlap.
func TestDiagramFromTable(t *testing.T) {
	d := layoutDiagram()
	if len(d.Edges) != len(shelter.Transitions) {
		t.Errorf("%d edges, want %d", len(d.Edges), len(shelter.Transitions))
	}
	in := map[shelter.Status]bool{}
	for _, tr := range shelter.Transitions {
		in[tr.From], in[tr.To] = true, true
	}
	if len(d.Nodes) != len(in) {
		t.Errorf("%d nodes, want %d", len(d.Nodes), len(in))
	}
	for i, a := range d.Nodes {
		for _, b := range d.Nodes[i+1:] {
			if a.X < b.X+nodeW && b.X < a.X+nodeW && a.Y < b.Y+nodeH && b.Y < a.Y+nodeH {
				t.Errorf("%s and %s overlap", a.Status, b.Status)
			}
		}
		if a.X+nodeW > d.W || a.Y+nodeH > d.H {
			t.Errorf("%s outside the %dx%d drawing", a.Status, d.W, d.H)
		}
	}
}

// TestExportURLFollowsTheFilters: the board's Export CSV button exports
// what the filters show, in the board's order.
func TestExportURLFollowsTheFilters(t *testing.T) {
	for _, tc := range []struct {
		q    BoardQuery
		want string
	}{
		{BoardQuery{}, "/api/pets/export?excludeDeleted=true&format=csv&sort=newest"},
		{BoardQuery{Query: "bud dy", Species: shelter.SpeciesDog, Sort: shelter.SortName, Cursor: "abc"},
			"/api/pets/export?excludeDeleted=true&format=csv&q=bud+dy&sort=name&species=dog"},
		{BoardQuery{Status: shelter.StatusDeleted, Sort: shelter.SortAge}, "/api/pets/export?format=csv&sort=age&status=deleted"},
		{BoardQuery{Location: "Kennel 3"}, "/api/pets/export?excludeDeleted=true&format=csv&location=Kennel+3&sort=newest"},
	} {
		if got := tc.q.ExportURL(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// TestJobsPageShowsTheBackupSchedule: with scheduled backups on, the Jobs
// page says when the next one runs; without, it says nothing of them.
func TestJobsPageShowsTheBackupSchedule(t *testing.T) {
	next := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    JobsData
		want bool
	}{{JobsData{Backups: true, NextBackup: next}, true}, {JobsData{}, false}} {
		var b strings.Builder
		if err := JobsLive(tc.d).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(b.String(), `data-testid="next-backup"`)
		if got != tc.want || (tc.want && !strings.Contains(b.String(), "2026-12-02T03:00:00Z")) {
			t.Errorf("backups %v: shown %v\n%s", tc.d.Backups, got, b.String())
		}
	}
}

// A refused request shows in the timeline as refused: the pet's status
// where it stayed, never an arrow to the status asked for.
func TestTimelineShowsARefusalAsOne(t *testing.T) {
	p := &shelter.Pet{ID: "1", Name: "Ghost", Species: shelter.SpeciesCat, Status: shelter.StatusAvailable}
	events := []*shelter.Event{ // newest first
		{ID: 2, Namespace: "web", Type: "web." + shelter.EventTransitionRejected, PetID: "1", Actor: shelter.ActorSystem,
			From: shelter.StatusAvailable, To: shelter.StatusHealthy, Data: []byte(`{"reason":"Invalid transition: cannot change from available to healthy"}`)},
		{ID: 1, Namespace: "web", Type: "web." + shelter.EventStatusUpdateRequested, PetID: "1", Actor: "ada@example.org",
			From: shelter.StatusAvailable, To: shelter.StatusHealthy},
	}
	var b strings.Builder
	if err := PetLive(PetData{Pet: p, Events: events}).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	step := page[strings.Index(page, `data-event-type="web.`+shelter.EventTransitionRejected+`"`):]
	step = step[:strings.Index(step, "</li>")]
	for _, want := range []string{"Asked for healthy: refused", "Refused: it was available, and “Mark healthy” can&#39;t be done from there"} {
		if !strings.Contains(page, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	if strings.Contains(step, "→") || strings.Contains(step, `data-status="healthy"`) || !strings.Contains(step, `data-status="available"`) {
		t.Errorf("the refusal shows a move: %s", step)
	}
}
