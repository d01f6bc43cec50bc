package shelter_test

import (
	"fmt"
	"slices"
	"testing"

	. "github.com/petstore/petstore/internal/shelter"
)

// path is the statuses a decision walks through after the current one.
func path(d Decision) []Status {
	var out []Status
	prev := d.Previous
	for _, s := range d.Steps {
		if s.From != prev {
			panic(fmt.Sprintf("step %v does not follow %s", s, prev))
		}
		out = append(out, s.To)
		prev = s.To
	}
	return out
}

// TestDecideEveryPair checks the orchestrator for every (from, to) pair of
// the ten statuses against the seed's table, written out here again.
func TestDecideEveryPair(t *testing.T) {
	// allowed maps a staff request to the statuses the pet walks through:
	// the requested one, then the automatic progressions.
	allowed := map[[2]Status][]Status{
		{StatusInQuarantine, StatusHealthy}:     {StatusHealthy, StatusAvailable},
		{StatusInQuarantine, StatusIll}:         {StatusIll, StatusUnderTreatment},
		{StatusHealthy, StatusIll}:              {StatusIll, StatusUnderTreatment},
		{StatusAvailable, StatusIll}:            {StatusIll, StatusUnderTreatment},
		{StatusUnderTreatment, StatusRecovered}: {StatusRecovered, StatusHealthy, StatusAvailable},
		{StatusAvailable, StatusPending}:        {StatusPending},
		{StatusPending, StatusAdopted}:          {StatusAdopted},
		{StatusPending, StatusAvailable}:        {StatusAvailable},
		{StatusHealthy, StatusAvailable}:        {StatusAvailable},
		{StatusIll, StatusUnderTreatment}:       {StatusUnderTreatment},
	}
	if len(Statuses) != 10 {
		t.Fatalf("%d statuses, want 10", len(Statuses))
	}
	pairs := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			pairs++
			d := Decide(from, to)
			if d.Previous != from || d.Requested != to {
				t.Errorf("%s→%s: decision names %s→%s", from, to, d.Previous, d.Requested)
			}
			want, ok := allowed[[2]Status{from, to}]
			switch {
			case from == to:
				if d.Rejected || len(d.Steps) != 0 || d.Final() != from || d.Reason != "" {
					t.Errorf("%s→%s (same): %+v, want no change and no rejection", from, to, d)
				}
			case ok:
				if d.Rejected || d.Reason != "" || !slices.Equal(path(d), want) || d.Final() != want[len(want)-1] {
					t.Errorf("%s→%s: path %v rejected=%v, want %v", from, to, path(d), d.Rejected, want)
				}
				if d.Steps[0].Automatic {
					t.Errorf("%s→%s: the requested step is marked automatic", from, to)
				}
				for _, s := range d.Steps[1:] {
					if !s.Automatic {
						t.Errorf("%s→%s: progression %s→%s not automatic", from, to, s.From, s.To)
					}
				}
				for _, s := range d.Steps {
					if s.Description == "" {
						t.Errorf("%s→%s: step %s→%s has no description", from, to, s.From, s.To)
					}
				}
			default:
				reason := fmt.Sprintf("Invalid transition: cannot change from %s to %s", from, to)
				if !d.Rejected || len(d.Steps) != 0 || d.Final() != from || d.Reason != reason {
					t.Errorf("%s→%s: %+v, want rejected with %q", from, to, d, reason)
				}
			}
			// No decision leaves a pet resting where a progression starts.
			if f := d.Final(); !d.Rejected && from != to && (f == StatusHealthy || f == StatusIll || f == StatusRecovered) {
				t.Errorf("%s→%s: rests in %s", from, to, f)
			}
		}
	}
	if pairs != 100 {
		t.Errorf("%d pairs", pairs)
	}
	// deleted is never reachable by request.
	for _, from := range Statuses {
		if from != StatusDeleted && !Decide(from, StatusDeleted).Rejected {
			t.Errorf("%s→deleted accepted", from)
		}
	}
}

func TestDecideTrigger(t *testing.T) {
	for _, from := range Statuses {
		d := DecideTrigger(from, TriggerFeedingReminderCompleted)
		if d.Rejected {
			t.Errorf("%s: a trigger is never a rejection: %+v", from, d)
		}
		if from == StatusNew {
			if got := path(d); !slices.Equal(got, []Status{StatusInQuarantine}) || !d.Steps[0].Automatic ||
				d.Steps[0].Description != "Pet moved to quarantine after feeding setup" {
				t.Errorf("new: %+v", d)
			}
			continue
		}
		if len(d.Steps) != 0 || d.Final() != from || d.Reason == "" {
			t.Errorf("%s: %+v, want no change with a reason", from, d)
		}
	}
	if d := DecideTrigger(StatusNew, "no.such.trigger"); len(d.Steps) != 0 || d.Reason == "" {
		t.Errorf("unknown trigger: %+v", d)
	}
}

func TestStaffTargets(t *testing.T) {
	want := map[Status][]Status{
		StatusNew:            nil,
		StatusInQuarantine:   {StatusHealthy, StatusIll},
		StatusHealthy:        {StatusIll, StatusAvailable},
		StatusAvailable:      {StatusIll, StatusPending},
		StatusPending:        {StatusAdopted, StatusAvailable},
		StatusAdopted:        nil,
		StatusIll:            {StatusUnderTreatment},
		StatusUnderTreatment: {StatusRecovered},
		StatusRecovered:      nil,
		StatusDeleted:        nil,
	}
	for _, from := range Statuses {
		got := StaffTargets(from)
		if !slices.Equal(got, want[from]) {
			t.Errorf("StaffTargets(%s) = %v, want %v", from, got, want[from])
		}
		// Each button is a request the orchestrator accepts.
		for _, to := range got {
			if d := Decide(from, to); d.Rejected {
				t.Errorf("%s→%s offered but rejected", from, to)
			}
		}
	}
}

func TestTransitionsTable(t *testing.T) {
	seen := map[[2]Status]bool{}
	for _, tr := range Transitions {
		if !tr.From.Valid() || !tr.To.Valid() || tr.To == StatusDeleted || tr.Description == "" {
			t.Errorf("bad row %+v", tr)
		}
		if seen[[2]Status{tr.From, tr.To}] {
			t.Errorf("duplicate row %s→%s", tr.From, tr.To)
		}
		seen[[2]Status{tr.From, tr.To}] = true
		if tr.Automatic() != (tr.Progression || tr.Trigger != "") {
			t.Errorf("Automatic() of %+v", tr)
		}
	}
}
