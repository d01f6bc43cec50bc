package views

import (
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

// The dashboard's words for jobs come from shelter.JobKinds.
func TestJobLabelsComeFromTheKindTable(t *testing.T) {
	for _, k := range shelter.JobKinds {
		if got := JobKindLabel(k.Name); got != k.Label {
			t.Errorf("JobKindLabel(%q) = %q, want %q", k.Name, got, k.Label)
		}
		for name, label := range k.Events {
			if got := EventLabel(&shelter.Event{Namespace: "api", Type: shelter.EventType("api", name)}); got != label {
				t.Errorf("EventLabel(%s) = %q, want %q", name, got, label)
			}
		}
	}
	if got := JobKindLabel("no_such_kind"); got != "no_such_kind" {
		t.Errorf("unknown kind labelled %q", got)
	}
}
