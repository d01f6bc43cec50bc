package store

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/petstore/petstore/internal/shelter"
)

// profileCacheMax caps the decoded profiles kept (about 1 KB each); a full
// cache is emptied.
const profileCacheMax = 2048

// profileCache keeps decoded profiles by their stored JSON text. Decoding
// the profile was about a tenth of the server's CPU per GET of a pet; the
// key is the text itself, so an entry can never be stale.
type profileCache struct {
	mu sync.Mutex
	m  map[string]shelter.Profile
}

// decode returns the profile stored as text; what it returns is the
// caller's own (the tags are copied).
func (c *profileCache) decode(text string) (*shelter.Profile, error) {
	c.mu.Lock()
	p, ok := c.m[text]
	c.mu.Unlock()
	if !ok {
		if err := json.Unmarshal([]byte(text), &p); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= profileCacheMax {
			c.m = make(map[string]shelter.Profile)
		}
		c.m[text] = p
		c.mu.Unlock()
	}
	p.TemperamentTags = slices.Clone(p.TemperamentTags)
	return &p, nil
}
