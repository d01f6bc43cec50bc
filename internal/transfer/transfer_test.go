package transfer

import (
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

const original = `{
  "seq": 5,
  "pets": {
    "1": {"id": "1", "name": "Buddy", "species": "dog", "ageMonths": 24, "status": "in_quarantine",
          "createdAt": 1640995200000, "updatedAt": 1640995250000,
          "notes": "Welcome to our pet store! We'll take great care of this pet.", "nextFeedingAt": 1641081600000,
          "deletedAt": null, "purgeAt": null,
          "profile": {"bio": "Friendly.", "breedGuess": "Golden Retriever Mix", "temperamentTags": ["friendly"], "adopterHints": "Active families."}},
    "3": {"id": "3", "name": "Ghost", "species": "cat", "ageMonths": 12, "status": "deleted",
          "createdAt": 1640995200000, "updatedAt": 1640995300000, "deletedAt": 1640995300000, "purgeAt": 1643587300000},
    "2": {"id": "2", "name": "Tweety", "species": "bird", "ageMonths": 3, "status": "new", "createdAt": 1640995200000, "updatedAt": 1640995200000}
  }
}`

func TestReadOriginal(t *testing.T) {
	set, err := Read(strings.NewReader(original), 99)
	if err != nil {
		t.Fatal(err)
	}
	if set.Format != "original" || set.Seq != 5 || len(set.Pets) != 3 {
		t.Fatalf("set %+v", set)
	}
	b, g, tw := set.Pets[0], set.Pets[2], set.Pets[1]
	if b.ID != "1" || tw.ID != "2" || g.ID != "3" {
		t.Fatalf("order %s %s %s", b.ID, tw.ID, g.ID)
	}
	if b.Status != shelter.StatusInQuarantine || b.NextFeedingAt != 1641081600000 || b.UpdatedAt != 1640995250000 ||
		b.Profile == nil || b.Profile.Source != shelter.ProfileSourceAI || b.Profile.GeneratedAt != 1640995250000 || b.Notes == "" {
		t.Errorf("Buddy %+v %+v", b, b.Profile)
	}
	if g.Status != shelter.StatusDeleted || g.DeletedAt != 1640995300000 || g.PurgeAt != 1643587300000 {
		t.Errorf("Ghost %+v", g)
	}
}

func TestReadExport(t *testing.T) {
	set, err := Read(strings.NewReader(`[{"id":"7","name":"Rex","species":"dog","ageMonths":5,"status":"available","createdAt":1,"updatedAt":2,"microchip":"985 141-000 123 456"}]`), 99)
	if err != nil {
		t.Fatal(err)
	}
	if set.Format != "export" || len(set.Pets) != 1 || set.Pets[0].Microchip != "985141000123456" {
		t.Fatalf("%+v %+v", set, set.Pets[0])
	}
}

func TestReadRefusesNamingThePets(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown status", `{"seq":1,"pets":{"1":{"id":"1","name":"A","species":"dog","ageMonths":1,"status":"sleeping"}}}`, `pet 1: unknown status "sleeping"`},
		{"bad species", `[{"id":"4","name":"A","species":"fish","ageMonths":1,"status":"new"}]`, "pet 4: species must be one of"},
		{"fraction", `[{"id":"4","name":"A","species":"dog","ageMonths":1.5,"status":"new"}]`, "pet 4: ageMonths 1.5"},
		{"no name", `[{"id":"4","species":"dog","ageMonths":1,"status":"new"}]`, "pet 4: name is required"},
		{"id text", `{"pets":{"pet-123":{"id":"pet-123","name":"Luna","species":"cat","ageMonths":18,"status":"new"}}}`, `pet pet-123: id "pet-123"`},
		{"key differs", `{"pets":{"1":{"id":"2","name":"Luna","species":"cat","ageMonths":18,"status":"new"}}}`, `id "2" differs from its key "1"`},
		{"twice", `[{"id":"4","name":"A","species":"dog","ageMonths":1,"status":"new"},{"id":4,"name":"B","species":"dog","ageMonths":1,"status":"new"}]`, "pet 4: the id appears twice"},
		{"deleted dates", `[{"id":"4","name":"A","species":"dog","ageMonths":1,"status":"new","deletedAt":5}]`, "pet 4: deletedAt or purgeAt"},
		{"not json", `seq: 1`, "not JSON"},
		{"cut", `{"seq": 1, "pets": {"1": {"id": "1"`, "not the original's pets.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.file), 99)
			if shelter.ErrorCode(err) != shelter.EINVALID || !strings.Contains(shelter.ErrorMessage(err), tc.want) {
				t.Errorf("err %v, want one containing %q", err, tc.want)
			}
		})
	}
}
