package shelter

import "context"

// PetSort orders a list of pets.
type PetSort string

// Sort orders. The API lists by id; the dashboard offers the others.
const (
	SortID     PetSort = "id"     // oldest first, as the original listed them
	SortNewest PetSort = "newest" // newest first
	SortName   PetSort = "name"   // by name, case-insensitive
	SortAge    PetSort = "age"    // youngest first
)

// Valid reports whether s is a known sort order.
func (s PetSort) Valid() bool {
	switch s {
	case SortID, SortNewest, SortName, SortAge:
		return true
	}
	return false
}

// Paging limits of a list.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// PetFilter selects and orders pets. Zero values select everything.
type PetFilter struct {
	Status  Status
	Species Species
	// Query matches names that contain it, case-insensitively, and the
	// exact microchip number.
	Query string
	// Location selects the pets at one kennel or foster home.
	Location string
	// ExcludeDeleted leaves soft-deleted pets out (the API includes them).
	ExcludeDeleted bool
	// Feeding keeps only the pets whose feeding is due (FeedingDue) or
	// overdue (FeedingOverdue).
	Feeding FeedingState
	Sort    PetSort
	// Cursor is the opaque NextCursor of the previous page.
	Cursor string
	// Limit is the page size: DefaultLimit when zero, at most MaxLimit.
	Limit int
}

// PetPage is one page of a list of pets.
type PetPage struct {
	Pets []*Pet
	// Total counts every pet the filter selects, on all pages.
	Total int
	// NextCursor fetches the next page; empty on the last one.
	NextCursor string
}

// PetService keeps pets. Every change records its events, in the same
// transaction, under the origin's namespace.
type PetService interface {
	FindPetByID(ctx context.Context, id string) (*Pet, error)
	FindPets(ctx context.Context, f PetFilter) (*PetPage, error)
	CountPetsByStatus(ctx context.Context) (map[Status]int, error)
	// FindPetLocations lists the locations of the pets not deleted.
	FindPetLocations(ctx context.Context) ([]string, error)
	// CreatePet stores a new pet with status new and enqueues its
	// background jobs in the same transaction.
	CreatePet(ctx context.Context, o Origin, f PetFields) (*Pet, error)
	// UpdatePet changes fields and, when status is not nil, asks the
	// orchestrator for it; all in one transaction, so a rejected transition
	// changes nothing. The decision is nil when no status was asked for.
	UpdatePet(ctx context.Context, o Origin, id string, f PetFields, status *Status) (*Pet, *Decision, error)
	// UpdatePetWith is UpdatePet with a note and an applicant for the
	// status, and an If-Match version (EPRECONDITION when stale).
	UpdatePetWith(ctx context.Context, o Origin, id string, u PetUpdate) (*Pet, *Decision, error)
	// DeletePet soft-deletes a pet; deleting it again keeps its purge date.
	DeletePet(ctx context.Context, o Origin, id string) (*Pet, error)
	// DeletePetWith is DeletePet with a reason and an If-Match version.
	DeletePetWith(ctx context.Context, o Origin, id string, d PetDelete) (*Pet, error)
	// RestorePet brings a soft-deleted pet back to its status before the
	// delete; ECONFLICT when it is not deleted.
	RestorePet(ctx context.Context, o Origin, id string) (*Pet, error)
}

// EventFilter selects events: one pet's timeline (oldest first), or the
// global feed after an event id.
type EventFilter struct {
	PetID string
	After int64
	// Limit is DefaultLimit when zero, at most MaxLimit.
	Limit int
}

// EventService reads the event log.
type EventService interface {
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, error)
}

// FeedingService records and lists feedings, and reads the day's work.
type FeedingService interface {
	// RecordFeedings records one feeding of each pet in one transaction,
	// one {ns}.pet.fed event each. Pets not in the shelter's care (or
	// unknown) are refused, not fed; the others are.
	RecordFeedings(ctx context.Context, o Origin, petIDs []string, r FeedingRequest) (*FeedingResult, error)
	// FindFeedings lists a pet's feedings, newest first.
	// FindFeedings lists a pet's feedings, newest first; before, when not
	// zero, continues after (older than) the feeding with that id.
	FindFeedings(ctx context.Context, petID string, before int64, limit int) ([]*Feeding, error)
	// FindToday reads the Today page's lists.
	FindToday(ctx context.Context) (*Today, error)
}
