package store

import (
	"sync"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// tokenCacheTTL bounds how long a token found active is trusted without
// reading it again; the changes below make it be read again at once.
const tokenCacheTTL = time.Second

// tokenCacheMax caps the entries; a full cache is emptied.
const tokenCacheMax = 1024

// tokenCache remembers active tokens by secret hash: the token lookup was
// about a fifth of the server's CPU per authenticated GET. Only tokens
// found active are kept, so an unknown secret always reaches the database.
//
// What could make a remembered token refused is revoking it or changing
// its owner (UpdateUser). Through this Store that empties the cache. Any
// Store on the same database file, in whatever process (the command
// line's `petstore token revoke` beside the server), also adds one to a
// counter in a small shared file beside the database (sharedCounters), which
// a cached entry must match: a revocation counts at once, across processes
// too. Without that file (it could not be made) nothing is cached.
type tokenCache struct {
	shared *sharedCounters // nil: no caching

	mu      sync.Mutex
	gen     uint64 // bumped by every invalidation in this process
	entries map[string]tokenEntry
}

type tokenEntry struct {
	changes uint64 // the shared counter when the token was read
	t       shelter.Token
	owner   *shelter.User // nil for a command-line token
	until   time.Time
}

// stamp is read before a lookup in the database and given to put, so that
// a lookup that raced an invalidation (here or in another process) is not
// stored.
type stamp struct{ gen, changes uint64 }

func (c *tokenCache) stamp() stamp {
	if c.shared == nil {
		return stamp{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return stamp{c.gen, c.shared.authChanges()}
}

// get returns copies of the cached token and owner if the entry is fresh
// and the token has not expired by nowMillis.
func (c *tokenCache) get(hash string, now time.Time, nowMillis int64) (*shelter.Token, *shelter.User, bool) {
	if c.shared == nil {
		return nil, nil, false
	}
	changes := c.shared.authChanges()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || e.changes != changes || !now.Before(e.until) || (e.t.ExpiresAt != 0 && e.t.ExpiresAt <= nowMillis) {
		return nil, nil, false
	}
	t := e.t
	if e.owner == nil {
		return &t, nil, true
	}
	u := *e.owner
	return &t, &u, true
}

func (c *tokenCache) put(st stamp, hash string, t *shelter.Token, owner *shelter.User, now time.Time) {
	if c.shared == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st.gen != c.gen || st.changes != c.shared.authChanges() {
		return
	}
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = make(map[string]tokenEntry)
	}
	e := tokenEntry{changes: st.changes, t: *t, until: now.Add(tokenCacheTTL)}
	if owner != nil {
		u := *owner
		e.owner = &u
	}
	c.entries[hash] = e
}

// touched records a new last-used time in the cached copies of token id.
func (c *tokenCache) touched(id string, at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.t.ID == id && e.t.LastUsedAt < at {
			e.t.LastUsedAt = at
			c.entries[h] = e
		}
	}
}

// invalidate forgets every entry, and makes lookups under way (here and
// in the other processes on the database) not store what they read. It is
// called after the change's commit.
func (c *tokenCache) invalidate() {
	if c.shared != nil {
		c.shared.addAuthChange()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}
