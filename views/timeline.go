package views

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// TimelineItem is one line of a pet's timeline: a staff action with the
// steps it caused indented under it, or one event on its own.
type TimelineItem struct {
	Event *shelter.Event
	// Label says what happened, for a person.
	Label string
	// Note and Adopter are the records given with the action.
	Note    string
	Adopter *shelter.Adopter
	// Steps are the status changes an action caused, in order: the staff
	// step first, then the automatic follow-ups.
	Steps []*shelter.Event
	// Bookkeeping is the system's own housekeeping (a job queued or
	// started), shown only with "Show all".
	Bookkeeping bool
}

// bookkeeping are the event names shown only with "Show all".
var bookkeeping = map[string]bool{
	shelter.EventFeedingReminderEnqueued:   true,
	shelter.EventProfileEnrichmentEnqueued: true,
	shelter.EventProfileEnrichmentStarted:  true,
}

// eventName is an event's type without its namespace.
func eventName(e *shelter.Event) string { return strings.TrimPrefix(e.Type, e.Namespace+".") }

// Timeline groups a pet's events (newest first, as PetData holds them)
// into lines, newest first: a status request and the transitions it caused
// become one line.
func Timeline(events []*shelter.Event) []TimelineItem {
	var items []TimelineItem
	// Oldest first, to follow each request with what it caused.
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		name := eventName(e)
		it := TimelineItem{Event: e, Label: EventLabel(e), Bookkeeping: bookkeeping[name]}
		it.Note, it.Adopter = eventRecord(e)
		if name == shelter.EventStatusUpdateRequested {
			it.Label = "Asked for " + strings.ToLower(e.To.Label())
			for i > 0 {
				next := events[i-1]
				nn := eventName(next)
				if next.Namespace != e.Namespace || (nn != shelter.EventTransitionCompleted && nn != shelter.EventTransitionRejected) {
					break
				}
				i--
				it.Steps = append(it.Steps, next)
				if nn == shelter.EventTransitionRejected {
					it.Label = "Asked for " + strings.ToLower(e.To.Label()) + ": refused"
				}
				if n, a := eventRecord(next); it.Adopter == nil && a != nil {
					it.Adopter = a
				} else if it.Note == "" && n != "" {
					it.Note = n
				}
			}
			if len(it.Steps) > 0 && eventName(it.Steps[0]) == shelter.EventTransitionCompleted {
				it.Label = ActionLabel(e.To)
				if e.From == shelter.StatusPending && e.To == shelter.StatusAvailable {
					it.Label = "Withdrew the application"
				}
			}
		}
		if name == shelter.EventPetSoftDeleted {
			it.Note = dataString(e, "reason")
		}
		items = append(items, it)
	}
	for l, r := 0, len(items)-1; l < r; l, r = l+1, r-1 {
		items[l], items[r] = items[r], items[l]
	}
	return items
}

// eventRecord reads the note and the applicant an event carries.
func eventRecord(e *shelter.Event) (string, *shelter.Adopter) {
	if len(e.Data) == 0 {
		return "", nil
	}
	var d struct {
		Note    string           `json:"note"`
		Adopter *shelter.Adopter `json:"adopter"`
	}
	if json.Unmarshal(e.Data, &d) != nil {
		return "", nil
	}
	return d.Note, d.Adopter
}

// preciseTime writes a time to the second.
func preciseTime(ms int64) string {
	return time.UnixMilli(ms).Local().Format("2 Jan 2006 15:04:05")
}

// relativeTime says how long ago ms was, for a hover.
func relativeTime(now, ms int64) string {
	if now-ms < 60000 {
		return "less than a minute ago"
	}
	return span(now-ms) + " ago"
}

// isAutomatic reports whether a transition event was the system's.
func isAutomatic(e *shelter.Event) bool { return e.Actor == shelter.ActorSystem }

// isRefusal reports whether e is the orchestrator's refusal of a request:
// its pet stayed where it was (e.From), and the status asked for (e.To) is
// not shown as if reached.
func isRefusal(e *shelter.Event) bool { return eventName(e) == shelter.EventTransitionRejected }
