package store

import (
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

// The event data written from structs must be byte for byte what the maps
// they replaced wrote, so that old and new rows read alike.
func TestEventDataMarshalsAsTheMapsDid(t *testing.T) {
	name := `Mr. <Whiskers> & "Co" — 猫`
	cases := []struct {
		got  []byte
		want map[string]any
	}{
		{mustJSON(createdData{AgeMonths: 7, Name: name, Species: shelter.SpeciesCat}),
			map[string]any{"name": name, "species": shelter.SpeciesCat, "ageMonths": 7}},
		{mustJSON(startedData{Attempt: 2, JobID: 1 << 40}), map[string]any{"jobId": int64(1 << 40), "attempt": 2}},
		{mustJSON(reminderData{JobID: 9, NextFeedingAt: 1796231154241, ProcessingTimeMs: 0}),
			map[string]any{"jobId": 9, "processingTimeMs": 0, "nextFeedingAt": int64(1796231154241)}},
		{jobData(4833), map[string]any{"jobId": 4833}},
		{jobData(-1), map[string]any{"jobId": -1}},
	}
	for _, c := range cases {
		if want := mustJSON(c.want); string(c.got) != string(want) {
			t.Errorf("got %s, want %s", c.got, want)
		}
	}
}
