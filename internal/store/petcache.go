package store

import (
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/petstore/petstore/internal/shelter"
)

// petCacheMax caps the pets kept (about 0.35 KB each packed, a fallback
// profile kept as its time: see packedPet; a model's profile adds its
// text: at most about 6 MB); a new one then takes the place of one picked
// at random. A shelter's pets in care fit many times over, and so do the
// load tool's 10,000 or so (at 8,192, a fifth of its GETs missed).
const petCacheMax = 16384

// petCache keeps pets read by id (FindPetByID): reading and scanning the
// 27 columns of a pet through database/sql was about two fifths of the
// server's CPU per GET of a pet.
//
// An entry is never stale: every commit of every Store on the database
// file, in whatever process (the command line's `petstore import` beside
// the server), adds one to a counter in the shared file beside the
// database (sharedCounters) right after it commits and before its callers
// hear of it, and an entry is used only while that counter is what it was
// before the pet was read. Only commits whose every caller said it writes
// no pet (txn.noPets: the job runners' claims, a token's last use) leave
// the counter alone. Any other commit forgets every pet: per-pet
// forgetting would need every write of a pet to say which it wrote, and
// the reads this is for come in bursts between writes (a page, a poll).
// Without the shared file (it could not be made; PostgreSQL, where other
// servers write) nothing is cached.
//
// What is kept is the pet as read, its feeding state worked out at read
// time; the feeding state depends on the clock, so the caller works it
// out again (feedingNow). Each caller gets its own copy.
type petCache struct {
	shared *sharedCounters // nil: no caching

	mu      sync.Mutex
	commits uint64 // the commit count the entries were read at
	m       map[int64]*packedPet
}

// stamp is read before a pet is read from the database and given to put,
// so that a read that raced a commit is not kept.
func (c *petCache) stamp() uint64 {
	if c.shared == nil {
		return 0
	}
	return c.shared.commitCount()
}

// get returns a copy of pet id if it is kept and no commit has happened
// since it was read.
func (c *petCache) get(id int64) (*shelter.Pet, bool) {
	e, ok := c.entry(id)
	if !ok {
		return nil, false
	}
	// A kept pet is never changed (put packs a copy of its own), so the
	// copy and its fallback profile are made outside the lock, which the
	// server's other readers wait for.
	p := new(shelter.Pet)
	e.unpack(p)
	p.Profile, p.Adopter = cloneProfile(p.Profile), cloneAdopter(p.Adopter)
	if e.fallbackAt != 0 {
		pr := shelter.FallbackProfile(*p, time.UnixMilli(e.fallbackAt))
		p.Profile = &pr
	}
	return p, true
}

// entry returns pet id's entry if it is kept and no commit has happened
// since it was read.
func (c *petCache) entry(id int64) (*packedPet, bool) {
	if c.shared == nil {
		return nil, false
	}
	n := c.shared.commitCount()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.commits != n {
		c.m = nil // all stale: give the memory back
		return nil, false
	}
	e, ok := c.m[id]
	return e, ok
}

// petView is a pet lent by ViewPetByID, with room for its fallback
// profile and its texts; reused through petViews.
type petView struct {
	pet     shelter.Pet
	profile shelter.Profile
	text    []byte // the fallback profile's texts, which its strings point into
}

var petViews = sync.Pool{New: func() any { return new(petView) }}

// view puts pet id into v, as get would return it, if it is kept and no
// commit has happened since it was read. v.pet shares what it points to
// with the kept pet (never changed), so v may only be read.
func (c *petCache) view(id int64, v *petView) bool {
	e, ok := c.entry(id)
	if !ok {
		return false
	}
	e.unpack(&v.pet)
	if e.fallbackAt != 0 {
		// The texts are written into the view's own buffer and lent as
		// strings over it (no copy): the view is only read until
		// ViewPetByID's fn returns, and only then is the buffer reused.
		var n int
		v.text, n, v.profile = shelter.FallbackParts(v.text[:0], v.pet, time.UnixMilli(e.fallbackAt))
		texts := unsafe.String(unsafe.SliceData(v.text), len(v.text))
		v.profile.Bio, v.profile.AdopterHints = texts[:n], texts[n:]
		v.pet.Profile = &v.profile
	}
	return true
}

// put keeps a copy of p, read after stamp was taken, unless a commit has
// happened since.
func (c *petCache) put(stamp uint64, id int64, p *shelter.Pet) {
	if c.shared == nil {
		return
	}
	// The caller keeps p: what the entry points to is a copy of its own.
	e := packPet(p)
	e.profile, e.adopter = cloneProfile(p.Profile), cloneAdopter(p.Adopter)
	if pr := p.Profile; pr != nil && pr.GeneratedAt != 0 && ownFallback(p, pr) {
		e.profile, e.fallbackAt = nil, pr.GeneratedAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if stamp != c.shared.commitCount() {
		return
	}
	if c.commits != stamp || c.m == nil {
		c.commits, c.m = stamp, make(map[int64]*packedPet)
	}
	if len(c.m) >= petCacheMax {
		for k := range c.m { // a random one
			delete(c.m, k)
			break
		}
	}
	c.m[id] = e
}

// forget gives back the memory of the pets kept, which a commit of this
// Store has just made stale.
func (c *petCache) forget() {
	if c.shared == nil {
		return
	}
	c.mu.Lock()
	n := len(c.m)
	c.m = nil
	c.mu.Unlock()
	if n >= petCacheReturnAt {
		returnMemory()
	}
}

// petCacheReturnAt is the number of pets whose forgetting gives their
// memory back to the system (returnMemory): a few MB.
const petCacheReturnAt = 4096

// returnMemoryEvery bounds how often returnMemory runs.
const returnMemoryEvery = 5 * time.Second

var lastReturn atomic.Int64 // unix nanoseconds of the last returnMemory

// returnMemory gives the memory of what was just dropped back to the
// system, in a goroutine of its own and at most every returnMemoryEvery.
// After a burst of reads the kept pets (up to about 10 MB) have raised the
// heap; once they are dropped the runtime would return that memory only
// slowly, and the writes that follow would grow the process on top of it.
// A collection of the live heap left costs a few milliseconds of one core.
func returnMemory() {
	now := time.Now().UnixNano()
	last := lastReturn.Load()
	if now-last < int64(returnMemoryEvery) || !lastReturn.CompareAndSwap(last, now) {
		return
	}
	go debug.FreeOSMemory()
}

// cloneProfile and cloneAdopter copy what a pet points to, so that a
// kept pet and the pets handed out share nothing a caller may change.
func cloneProfile(p *shelter.Profile) *shelter.Profile {
	if p == nil {
		return nil
	}
	c := *p
	c.TemperamentTags = slices.Clone(p.TemperamentTags)
	return &c
}

func cloneAdopter(a *shelter.Adopter) *shelter.Adopter {
	if a == nil {
		return nil
	}
	c := *a
	return &c
}

// Forget makes the Store read again what it keeps in memory (pets,
// tokens), for a caller that wrote the database around it (a test's
// direct SQL on DB().Write); the Store's own writes, and those of any
// other Store on the file, need no call.
func (s *Store) Forget() {
	if s.counters != nil {
		s.counters.addCommit()
	}
	s.tokens.invalidate()
}
