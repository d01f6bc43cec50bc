package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

func TestProfileCacheDecodesLikeJSONAndHandsOutCopies(t *testing.T) {
	var c profileCache
	for _, text := range []string{
		`{"bio":"Calm.","breedGuess":"mix","temperamentTags":["calm","shy"],"adopterHints":"quiet home","source":"fallback","generatedAt":5}`,
		`{"bio":"x","temperamentTags":[],"source":"ai","model":"m"}`,
		`{"bio":"y","source":"ai"}`,
	} {
		var want shelter.Profile
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		for range 2 { // decoded, then cached
			got, err := c.decode(text)
			if err != nil || !reflect.DeepEqual(*got, want) {
				t.Fatalf("decode %s = %+v, %v; want %+v", text, got, err, want)
			}
			if len(got.TemperamentTags) > 0 {
				got.TemperamentTags[0] = "changed"
			}
			got.Bio = "changed"
		}
	}
	if _, err := c.decode(`{"bio":`); err == nil {
		t.Error("broken JSON decoded")
	}
}
