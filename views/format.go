// Package views holds the dashboard's templ pages and fragments. Views only
// render what they are given; handlers in package web fetch the data.
package views

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Nav names the page a layout highlights in the navigation.
type Nav string

// Navigation entries.
const (
	NavToday    Nav = "today"
	NavBoard    Nav = "board"
	NavNew      Nav = "new"
	NavDeleted  Nav = "deleted"
	NavWorkflow Nav = "workflow"
	NavJobs     Nav = "jobs"
	NavNone     Nav = ""
)

// timeLayout is how the dashboard writes a time.
const timeLayout = "2 Jan 2006 15:04"

// FormatTime writes milliseconds since the epoch in the server's time zone,
// or "—" for zero.
func FormatTime(ms int64) string {
	if ms == 0 {
		return "—"
	}
	return time.UnixMilli(ms).Local().Format(timeLayout)
}

// FormatDate writes the day of a time in milliseconds since the epoch.
func FormatDate(ms int64) string {
	return time.UnixMilli(ms).Local().Format("2 January 2006")
}

// isoTime is the datetime attribute of a <time>.
func isoTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// FormatAge writes an age in months as staff say it: "8 months",
// "2 years", "1 year 3 months".
func FormatAge(months int) string {
	y, m := months/12, months%12
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	switch {
	case y == 0:
		return plural(m, "month")
	case m == 0:
		return plural(y, "year")
	}
	return plural(y, "year") + " " + plural(m, "month")
}

// DaysLeft is the number of whole or part days from now until purgeAt,
// never below zero.
func DaysLeft(now, purgeAt int64) int {
	if purgeAt <= now {
		return 0
	}
	const day = int64(24 * time.Hour / time.Millisecond)
	return int((purgeAt - now + day - 1) / day)
}

// daysText says "1 day" or "N days".
func daysText(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// SpeciesLabel is a species as staff read it.
func SpeciesLabel(s shelter.Species) string {
	switch s {
	case shelter.SpeciesDog:
		return "Dog"
	case shelter.SpeciesCat:
		return "Cat"
	case shelter.SpeciesBird:
		return "Bird"
	case shelter.SpeciesOther:
		return "Other"
	}
	return string(s)
}

// ActionLabel is the text of the button that asks for status to.
func ActionLabel(to shelter.Status) string {
	switch to {
	case shelter.StatusHealthy:
		return "Mark healthy"
	case shelter.StatusIll:
		return "Mark ill"
	case shelter.StatusAvailable:
		return "Make available"
	case shelter.StatusPending:
		return "Adoption application received"
	case shelter.StatusAdopted:
		return "Complete adoption"
	case shelter.StatusUnderTreatment:
		return "Start treatment"
	case shelter.StatusRecovered:
		return "Mark recovered"
	}
	return "Move to " + to.Label()
}

// actionLabel is ActionLabel with the step's origin: leaving pending for
// available withdraws the application.
func actionLabel(from, to shelter.Status) string {
	if from == shelter.StatusPending && to == shelter.StatusAvailable {
		return "Withdraw application"
	}
	return ActionLabel(to)
}

// transitionFor finds the table row from → to, for its description.
func transitionFor(from, to shelter.Status) shelter.Transition {
	for _, t := range shelter.Transitions {
		if t.From == from && t.To == to {
			return t
		}
	}
	return shelter.Transition{From: from, To: to}
}

// EventLabel says what an event means, without its namespace.
func EventLabel(e *shelter.Event) string {
	name := strings.TrimPrefix(e.Type, e.Namespace+".")
	if l, ok := shelter.JobEventLabel(name); ok { // the events of background jobs
		return l
	}
	switch name {
	case shelter.EventPetCreated:
		return "Pet created"
	case shelter.EventPetImported:
		return "Imported from a file"
	case shelter.EventPetUpdated:
		return "Details edited"
	case shelter.EventPetSoftDeleted:
		return "Deleted (purge scheduled)"
	case shelter.EventPetRestored:
		return "Restored"
	case shelter.EventPetPurged:
		return "Purged"
	case shelter.EventStatusUpdateRequested:
		return "Status change requested"
	case shelter.EventTransitionCompleted:
		if d := dataString(e, "description"); d != "" {
			return d
		}
		return "Status changed"
	case shelter.EventTransitionRejected:
		if e.From != "" && e.To != "" {
			return "Refused: it was " + strings.ToLower(e.From.Label()) + ", and “" + ActionLabel(e.To) + "” can't be done from there"
		}
		if r := dataString(e, "reason"); r != "" {
			return "Refused: " + r
		}
		return "Status change refused"
	case shelter.EventReaperCompleted:
		return "Deletion reaper ran"
	case shelter.EventPhotoAdded:
		return "Photo added"
	case shelter.EventPhotoDeleted:
		return "Photo deleted"
	case shelter.EventPhotoPrimaryChanged:
		return "Primary photo changed"
	case shelter.EventPetFed:
		if n := dataString(e, "note"); n != "" {
			return "Fed: " + n
		}
		return "Fed"
	case shelter.EventFeedingOverdue:
		return "Feeding missed: nobody has fed it since it was due"
	}
	return name
}

// dataString reads one string field of an event's JSON data.
func dataString(e *shelter.Event, key string) string {
	if len(e.Data) == 0 {
		return ""
	}
	var m map[string]any
	if err := json.Unmarshal(e.Data, &m); err != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}

// BoardQuery is the state of the board's filters, as its URL carries it.
type BoardQuery struct {
	Query   string
	Species shelter.Species
	Status  shelter.Status
	Sort    shelter.PetSort
	Cursor  string
	// Location selects one kennel or foster home.
	Location string
	// Back are the cursors of the pages before this one, oldest first
	// ("" for the first page), for the "previous page" link.
	Back []string
}

// URL is the board's address for q; empty values are left out.
func (q BoardQuery) URL() string {
	v := url.Values{}
	if q.Query != "" {
		v.Set("q", q.Query)
	}
	if q.Species != "" {
		v.Set("species", string(q.Species))
	}
	if q.Status != "" {
		v.Set("status", string(q.Status))
	}
	if q.Location != "" {
		v.Set("location", q.Location)
	}
	if q.Sort != "" && q.Sort != shelter.SortNewest {
		v.Set("sort", string(q.Sort))
	}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
		if len(q.Back) > 0 {
			back := make([]string, len(q.Back))
			for i, c := range q.Back {
				back[i] = c
				if c == "" {
					back[i] = "~"
				}
			}
			v.Set("back", strings.Join(back, "."))
		}
	}
	if len(v) == 0 {
		return "/pets"
	}
	return "/pets?" + v.Encode()
}

// ExportURL is the CSV export of every pet the board's filters show (all
// pages, in the board's order).
func (q BoardQuery) ExportURL() string {
	v := url.Values{"format": {"csv"}}
	if q.Query != "" {
		v.Set("q", q.Query)
	}
	if q.Species != "" {
		v.Set("species", string(q.Species))
	}
	if q.Location != "" {
		v.Set("location", q.Location)
	}
	if q.Status != "" {
		v.Set("status", string(q.Status))
	} else {
		v.Set("excludeDeleted", "true") // "All (not deleted)"
	}
	sort := q.Sort
	if sort == "" {
		sort = shelter.SortNewest
	}
	v.Set("sort", string(sort))
	return "/api/pets/export?" + v.Encode()
}

// WithStatus is q filtered by status s, from the first page.
func (q BoardQuery) WithStatus(s shelter.Status) BoardQuery {
	q.Status, q.Cursor, q.Back = s, "", nil
	return q
}

// Previous is the page before q's.
func (q BoardQuery) Previous() BoardQuery {
	if len(q.Back) == 0 {
		q.Cursor = ""
		return q
	}
	q.Cursor, q.Back = q.Back[len(q.Back)-1], q.Back[:len(q.Back)-1]
	return q
}

// ParseBack reads the back parameter of the board's URL.
func ParseBack(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ".")
	if len(parts) > 200 {
		parts = parts[len(parts)-200:]
	}
	for i, p := range parts {
		if p == "~" {
			parts[i] = ""
		}
	}
	return parts
}

// PetURL is the page of one pet.
func PetURL(id string) string { return "/pets/" + url.PathEscape(id) }

// petAction is the address of one of a pet's form actions.
func petAction(id, action string) string { return PetURL(id) + "/" + action }

// StreamURL is the live event stream's address, resuming after event id.
func StreamURL(after int64, feed bool) string {
	u := "/events/stream?after=" + strconv.FormatInt(after, 10)
	if feed {
		u += "&feed=1"
	}
	return u
}

// PetEventName is the name of the stream event sent when pet id changes.
func PetEventName(id string) string { return "pet-" + id }

// sseTrigger is an hx-trigger for a stream event.
func sseTrigger(name string) string { return "sse:" + name }

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// WithCursor is q at the page cursor c: the next page (remembering this
// one for "previous"), or the first when c is empty.
func (q BoardQuery) WithCursor(c string) BoardQuery {
	if c == "" {
		q.Cursor, q.Back = "", nil
		return q
	}
	q.Back = append(append([]string(nil), q.Back...), q.Cursor)
	q.Cursor = c
	return q
}

// orDash shows "—" for a value not recorded.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// PhotoURL is the content-hashed address of one stored copy of a photo
// (size shelter.PhotoThumb or shelter.PhotoLarge), for staff.
func PhotoURL(ph *shelter.Photo, size string) string {
	return "/photos/" + ph.ID + "/" + photoFile(ph, size)
}

// PublicPhotoURL is the address of a stored copy on the public pages.
func PublicPhotoURL(ph *shelter.Photo, size string) string {
	return "/adopt/photos/" + ph.ID + "/" + photoFile(ph, size)
}

func photoFile(ph *shelter.Photo, size string) string {
	hash := ph.LargeHash
	if size == shelter.PhotoThumb {
		hash = ph.ThumbHash
	}
	return size + "-" + hash + ".jpg"
}

// ParsePhotoFile splits a photo file name "<size>-<hash>.jpg".
func ParsePhotoFile(name string) (size, hash string, ok bool) {
	base, found := strings.CutSuffix(name, ".jpg")
	if !found {
		return "", "", false
	}
	size, hash, ok = strings.Cut(base, "-")
	if !ok || (size != shelter.PhotoThumb && size != shelter.PhotoLarge) || len(hash) != 64 {
		return "", "", false
	}
	return size, hash, true
}

// photoAction is the address of one of a photo's form actions.
func photoAction(petID, photoID, action string) string {
	return PetURL(petID) + "/photos/" + url.PathEscape(photoID) + "/" + action
}

// JobKindLabel is what the dashboard calls a job of kind (its label in
// shelter.JobKinds), or the kind itself when it is unknown.
func JobKindLabel(kind string) string {
	if k, ok := shelter.FindJobKind(kind); ok {
		return k.Label
	}
	return kind
}

// record kinds: what the dashboard asks for with a status change.
const (
	recordNone = iota
	recordDiagnosis
	recordSummary
	recordReason
	recordApplicant
	recordConfirm
)

// recordKind says what a step from → to asks for.
func recordKind(from, to shelter.Status) int {
	switch {
	case to == shelter.StatusIll:
		return recordDiagnosis
	case to == shelter.StatusRecovered:
		return recordSummary
	case from == shelter.StatusPending && to == shelter.StatusAvailable:
		return recordReason
	case to == shelter.StatusPending:
		return recordApplicant
	case to == shelter.StatusAdopted:
		return recordConfirm
	}
	return recordNone
}

// confirmLabel is the text of the button that sends a record.
func confirmLabel(p *shelter.Pet, to shelter.Status) string {
	switch recordKind(p.Status, to) {
	case recordReason:
		return "Withdraw the application"
	case recordApplicant:
		return "Record the application"
	case recordConfirm:
		if p.Adopter != nil {
			return "Confirm adoption by " + p.Adopter.Name
		}
		return "Confirm adoption"
	}
	return ActionLabel(to)
}

// fieldID is an id unique to one pet's control on a page with many pets.
func fieldID(p *shelter.Pet, name string) string { return "p" + p.ID + "-" + name }

// Since writes how long ago ms was, from now: "just now", "5 min",
// "3 h 20 min", "2 days".
func Since(now, ms int64) string { return span(now - ms) }

// span writes a duration in milliseconds as staff say it.
func span(d int64) string {
	if d < 0 {
		d = -d
	}
	m := d / 60000
	switch {
	case m < 1:
		return "under a minute"
	case m < 60:
		return strconv.FormatInt(m, 10) + " min"
	case m < 24*60:
		h, r := m/60, m%60
		if r == 0 {
			return strconv.FormatInt(h, 10) + " h"
		}
		return strconv.FormatInt(h, 10) + " h " + strconv.FormatInt(r, 10) + " min"
	}
	return daysText(int(m / (24 * 60)))
}

// FeedingText says when a pet in care is to be fed: "overdue by 2 h",
// "due in 40 min", "in 6 h", or "not set yet".
func FeedingText(p *shelter.Pet, now int64) string {
	switch {
	case !p.InCare():
		return "Not fed here (" + strings.ToLower(p.Status.Label()) + ")"
	case p.NextFeedingAt == 0:
		return "Not set yet"
	case p.NextFeedingAt <= now:
		return "Overdue by " + span(now-p.NextFeedingAt)
	case p.Feeding == shelter.FeedingDue:
		return "Due in " + span(p.NextFeedingAt-now)
	}
	return "In " + span(p.NextFeedingAt-now)
}

// DaysIn says how long a pet has had its status: "since today", "3 days".
func DaysIn(p *shelter.Pet, now int64) string {
	since := p.StatusChangedAt
	if since == 0 {
		since = p.UpdatedAt
	}
	days := int((now - since) / (24 * 3600 * 1000))
	if days < 1 {
		return "since today"
	}
	return daysText(days)
}

// IntervalText writes a feeding interval in minutes: "every 8 h".
func IntervalText(minutes int) string {
	if minutes%60 == 0 {
		return "every " + strconv.Itoa(minutes/60) + " h"
	}
	return "every " + span(int64(minutes)*60000)
}

// hasOverdue reports whether some pet's feeding is overdue.
func hasOverdue(t *shelter.Today) bool {
	return len(t.Feeding.Pets) > 0 && t.Feeding.Pets[0].Feeding == shelter.FeedingOverdue
}

// countTitle spells out the navigation's badge.
func countTitle(t *shelter.Today) string {
	return fmt.Sprintf("%d to feed, %d in quarantine, %d under treatment, %d adoptions pending",
		t.Feeding.Total, t.Quarantine.Total, t.Treatment.Total, t.Pending.Total)
}

// OutcomeText is a status change's toast: "Luna: healthy → now available",
// or "Luna: now healthy" when the pet stopped where it was asked to.
func OutcomeText(name string, d shelter.Decision) string {
	switch {
	case len(d.Steps) == 0:
		return name + ": already " + strings.ToLower(d.Previous.Label())
	case d.Final() != d.Requested:
		return name + ": " + strings.ToLower(d.Requested.Label()) + " → now " + strings.ToLower(d.Final().Label())
	}
	return name + ": now " + strings.ToLower(d.Final().Label())
}

// RefusalText says, after a pet's name, why a staff request for a status
// was refused, in the dashboard's words: "is available now: “Mark
// healthy” can't be done from there." (The API keeps the lifecycle's
// reason.)
func RefusalText(d shelter.Decision) string {
	return "is " + strings.ToLower(d.Previous.Label()) + " now: “" + ActionLabel(d.Requested) + "” can't be done from there."
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// statusNoteLabel names the note of a status: a diagnosis while ill.
func statusNoteLabel(s shelter.Status) string {
	switch s {
	case shelter.StatusIll, shelter.StatusUnderTreatment:
		return "Diagnosis"
	case shelter.StatusRecovered, shelter.StatusHealthy, shelter.StatusAvailable:
		return "Note"
	}
	return "Note"
}

// splitWelcome takes the feeding reminder's welcome note out of a pet's
// notes: staff's own notes, and whether the welcome was there.
func splitWelcome(notes string) (own string, welcome bool) {
	if !strings.Contains(notes, shelter.WelcomeNote) {
		return strings.TrimSpace(notes), false
	}
	return strings.TrimSpace(strings.Replace(notes, shelter.WelcomeNote, "", 1)), true
}

// deleteReason is the reason of a pet's newest delete, from its timeline
// (newest first).
func deleteReason(events []*shelter.Event) string {
	for _, e := range events {
		if strings.HasSuffix(e.Type, "."+shelter.EventPetSoftDeleted) {
			return dataString(e, "reason")
		}
	}
	return ""
}

// orEmpty shows "(empty)" for an empty value.
func orEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(empty)"
	}
	return s
}

// PetLabel names a pet by its name when known ("Luna"), else by its id
// ("Pet 60", a purged pet).
func PetLabel(names map[string]string, id string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return "Pet " + id
}

// Active counts the filters q applies (not the sort or the page).
func (q BoardQuery) Active() int {
	n := 0
	for _, v := range []string{q.Query, string(q.Species), string(q.Status), q.Location} {
		if v != "" {
			n++
		}
	}
	return n
}
