package shelter

import "fmt"

// Transition is one row of the lifecycle orchestrator's table.
type Transition struct {
	From, To Status
	// Staff is true when a staff member may ask for this transition.
	Staff bool
	// Progression is true when the orchestrator takes this transition on its
	// own as soon as a pet reaches From, in the same transaction.
	Progression bool
	// Trigger names the system event that takes this transition, if any
	// (TriggerFeedingReminderCompleted).
	Trigger string
	// Description says what the transition means, for logs and the timeline.
	Description string
}

// Automatic reports whether the system, not staff, takes this transition.
func (t Transition) Automatic() bool { return t.Progression || t.Trigger != "" }

// TriggerFeedingReminderCompleted is the system event that moves a new pet
// into quarantine.
const TriggerFeedingReminderCompleted = "feeding.reminder.completed"

// Transitions is the lifecycle orchestrator's table, as the original system's
// "Transition Rules". Nothing else decides which status may follow which.
var Transitions = []Transition{
	{From: StatusNew, To: StatusInQuarantine, Trigger: TriggerFeedingReminderCompleted, Description: "Pet moved to quarantine after feeding setup"},
	{From: StatusInQuarantine, To: StatusHealthy, Staff: true, Description: "Staff health check - pet cleared from quarantine"},
	{From: StatusInQuarantine, To: StatusIll, Staff: true, Description: "Staff assessment - illness found during quarantine"},
	{From: StatusHealthy, To: StatusIll, Staff: true, Description: "Staff assessment - pet identified as ill"},
	{From: StatusAvailable, To: StatusIll, Staff: true, Description: "Staff assessment - illness found before adoption"},
	{From: StatusHealthy, To: StatusAvailable, Staff: true, Progression: true, Description: "Automatic progression - pet ready for adoption"},
	{From: StatusIll, To: StatusUnderTreatment, Staff: true, Progression: true, Description: "Automatic progression - treatment started"},
	{From: StatusUnderTreatment, To: StatusRecovered, Staff: true, Description: "Staff assessment - treatment completed"},
	{From: StatusRecovered, To: StatusHealthy, Progression: true, Description: "Automatic progression - recovery complete"},
	{From: StatusAvailable, To: StatusPending, Staff: true, Description: "Adoption application received"},
	{From: StatusPending, To: StatusAdopted, Staff: true, Description: "Adoption completed"},
	{From: StatusPending, To: StatusAvailable, Staff: true, Description: "Adoption application withdrawn - pet available again"},
}

func findTransition(from, to Status) (Transition, bool) {
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// StaffTargets returns the statuses a staff member may ask for when a pet is
// in status from, in table order. The dashboard draws one button for each.
func StaffTargets(from Status) []Status {
	var out []Status
	for _, t := range Transitions {
		if t.From == from && t.Staff {
			out = append(out, t.To)
		}
	}
	return out
}

// Step is one status change the orchestrator makes.
type Step struct {
	From, To    Status
	Automatic   bool
	Description string
}

// Decision is the orchestrator's answer to a request for a status.
type Decision struct {
	Previous  Status
	Requested Status
	// Steps are the changes to apply, in order: the requested transition,
	// then every automatic progression that follows it. Empty when the pet
	// already has the requested status or the request is rejected.
	Steps []Step
	// Rejected is true when the table does not allow the request; Reason
	// says why.
	Rejected bool
	Reason   string
}

// Final is the status the pet has once the decision is applied.
func (d Decision) Final() Status {
	if len(d.Steps) == 0 {
		return d.Previous
	}
	return d.Steps[len(d.Steps)-1].To
}

// Decide answers a staff member's request to move a pet from current to
// requested. Asking for the status a pet already has changes nothing and is
// not a rejection. requested must be a valid Status.
func Decide(current, requested Status) Decision {
	d := Decision{Previous: current, Requested: requested}
	if current == requested {
		return d
	}
	t, ok := findTransition(current, requested)
	if !ok || !t.Staff {
		d.Rejected = true
		d.Reason = fmt.Sprintf("Invalid transition: cannot change from %s to %s", current, requested)
		return d
	}
	d.Steps = append([]Step{{From: t.From, To: t.To, Description: t.Description}}, progressions(t.To)...)
	return d
}

// DecideTrigger answers a system event (a Trigger) for a pet in status
// current. A pet that is not where the trigger applies is left alone: the
// decision has no steps and Reason says why; it is not a rejection.
func DecideTrigger(current Status, trigger string) Decision {
	d := Decision{Previous: current}
	for _, t := range Transitions {
		if t.Trigger != trigger {
			continue
		}
		d.Requested = t.To
		if t.From == current {
			d.Steps = append([]Step{{From: t.From, To: t.To, Automatic: true, Description: t.Description}}, progressions(t.To)...)
			return d
		}
	}
	d.Reason = fmt.Sprintf("pet is %s: %s changes nothing", current, trigger)
	return d
}

// progressions follows the automatic progressions from status s.
func progressions(s Status) []Step {
	var steps []Step
	for i := 0; i < len(Transitions); i++ { // bounded: the table has no cycle of progressions
		next, ok := progressionFrom(s)
		if !ok {
			break
		}
		steps = append(steps, Step{From: next.From, To: next.To, Automatic: true, Description: next.Description})
		s = next.To
	}
	return steps
}

func progressionFrom(s Status) (Transition, bool) {
	for _, t := range Transitions {
		if t.From == s && t.Progression {
			return t, true
		}
	}
	return Transition{}, false
}
