package store

import (
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

// packedPet is a pet as petCache keeps it: its fifteen strings end to end
// in one string and its numbers in an array. A shelter.Pet with its
// strings is about 470 bytes in a dozen allocations, with seventeen
// pointers for the garbage collector to follow; packed it is about 320
// bytes in two, with three, which is what the cache's share of the heap
// (and of the server's memory while a burst of reads fills it) comes to.
//
// Every field of shelter.Pet must be packed: TestPackedPetKeepsEveryField
// fills each one and fails on any that does not come back.
type packedPet struct {
	text    string             // the strings, end to end
	ends    [petStrings]uint32 // where each string of text ends
	nums    [petNums]int64
	profile *shelter.Profile // nil: none, or the pet's own fallback (fallbackAt)
	adopter *shelter.Adopter
	// fallbackAt is not 0 when the profile is the pet's own fallback,
	// kept as its time only: see petCache.
	fallbackAt  int64
	ownInterval bool
}

const (
	petStrings = 15
	petNums    = 11
)

// petStringsOf lists p's strings in their packed order.
func petStringsOf(p *shelter.Pet) [petStrings]string {
	return [petStrings]string{p.ID, p.Name, string(p.Species), string(p.Status), p.Notes,
		string(p.Sex), p.Breed, p.Color, p.Microchip, p.Location, string(p.IntakeType),
		string(p.Feeding), p.StatusNote, string(p.StatusBeforeDelete), p.DeletedNamespace}
}

// packPet packs p. What p points to (its profile, its adopter) is shared,
// not copied: petCache.put gives the entry copies of its own.
func packPet(p *shelter.Pet) *packedPet {
	e := &packedPet{profile: p.Profile, adopter: p.Adopter, ownInterval: p.OwnFeedingInterval,
		nums: [petNums]int64{int64(p.AgeMonths), p.CreatedAt, p.UpdatedAt, p.NextFeedingAt, p.DeletedAt, p.PurgeAt,
			int64(p.FeedingIntervalMinutes), p.LastFedAt, p.Version, p.StatusChangedAt, p.OverdueFor}}
	strs := petStringsOf(p)
	n := 0
	for _, s := range strs {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range strs {
		b.WriteString(s)
		e.ends[i] = uint32(b.Len())
	}
	e.text = b.String()
	return e
}

// unpack writes the kept pet into p. p's strings share the packed text,
// which is never changed; its profile and adopter are the kept ones, which
// a caller that may change them copies (petCache.get).
func (e *packedPet) unpack(p *shelter.Pet) {
	var s [petStrings]string
	start := uint32(0)
	for i, end := range e.ends {
		s[i] = e.text[start:end]
		start = end
	}
	n := &e.nums
	*p = shelter.Pet{ID: s[0], Name: s[1], Species: shelter.Species(s[2]), Status: shelter.Status(s[3]), Notes: s[4],
		Intake: shelter.Intake{Sex: shelter.Sex(s[5]), Breed: s[6], Color: s[7], Microchip: s[8], Location: s[9],
			IntakeType: shelter.IntakeType(s[10])},
		Feeding: shelter.FeedingState(s[11]), StatusNote: s[12], StatusBeforeDelete: shelter.Status(s[13]), DeletedNamespace: s[14],
		AgeMonths: int(n[0]), CreatedAt: n[1], UpdatedAt: n[2], NextFeedingAt: n[3], DeletedAt: n[4], PurgeAt: n[5],
		FeedingIntervalMinutes: int(n[6]), LastFedAt: n[7], Version: n[8], StatusChangedAt: n[9], OverdueFor: n[10],
		OwnFeedingInterval: e.ownInterval, Profile: e.profile, Adopter: e.adopter}
}
