package shelter

import "testing"

func TestJobKindsTable(t *testing.T) {
	seen := map[string]bool{}
	events := map[string]string{}
	for _, k := range JobKinds {
		if k.Name == "" || k.Label == "" {
			t.Errorf("kind %+v: name and label are required", k)
		}
		if seen[k.Name] {
			t.Errorf("kind %q listed twice", k.Name)
		}
		seen[k.Name] = true
		if k.Pool != PoolJobs && k.Pool != PoolAI {
			t.Errorf("kind %q: unknown pool %q", k.Name, k.Pool)
		}
		for _, e := range []string{k.Enqueued, k.Completed} {
			if _, ok := k.Events[e]; e != "" && !ok {
				t.Errorf("kind %q: event %q has no label", k.Name, e)
			}
		}
		for e := range k.Events {
			if other, ok := events[e]; ok {
				t.Errorf("event %q recorded by kinds %q and %q", e, other, k.Name)
			}
			events[e] = k.Name
		}
		if got, ok := FindJobKind(k.Name); !ok || got.Name != k.Name {
			t.Errorf("FindJobKind(%q) = %v, %v", k.Name, got.Name, ok)
		}
	}
	if _, ok := FindJobKind("no_such_kind"); ok {
		t.Error("FindJobKind found an unknown kind")
	}
}

func TestJobKindRerunOnRestore(t *testing.T) {
	feeding, _ := FindJobKind(JobFeedingReminder)
	enrich, _ := FindJobKind(JobEnrichProfile)
	tests := []struct {
		pet             Pet
		feeding, enrich bool
	}{
		{Pet{Status: StatusNew}, true, true},
		{Pet{Status: StatusAvailable, Profile: &Profile{}}, false, false},
		{Pet{Status: StatusInQuarantine}, false, true},
	}
	for _, tt := range tests {
		if got := feeding.Rerun(&tt.pet); got != tt.feeding {
			t.Errorf("feeding reminder rerun for %+v = %v", tt.pet, got)
		}
		if got := enrich.Rerun(&tt.pet); got != tt.enrich {
			t.Errorf("enrichment rerun for %+v = %v", tt.pet, got)
		}
	}
}
