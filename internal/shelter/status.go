package shelter

// Status is where a pet stands in the shelter's lifecycle.
type Status string

// The lifecycle statuses, in the order a pet usually meets them.
const (
	StatusNew            Status = "new"
	StatusInQuarantine   Status = "in_quarantine"
	StatusHealthy        Status = "healthy"
	StatusAvailable      Status = "available"
	StatusPending        Status = "pending"
	StatusAdopted        Status = "adopted"
	StatusIll            Status = "ill"
	StatusUnderTreatment Status = "under_treatment"
	StatusRecovered      Status = "recovered"
	StatusDeleted        Status = "deleted"
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{
	StatusNew, StatusInQuarantine, StatusHealthy, StatusAvailable, StatusPending,
	StatusAdopted, StatusIll, StatusUnderTreatment, StatusRecovered, StatusDeleted,
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// InCare reports whether a pet in status s is in the shelter's care (not
// adopted, not deleted).
func (s Status) InCare() bool { return s != StatusAdopted && s != StatusDeleted }

// Label is the status as staff read it ("In quarantine").
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "New"
	case StatusInQuarantine:
		return "In quarantine"
	case StatusHealthy:
		return "Healthy"
	case StatusAvailable:
		return "Available"
	case StatusPending:
		return "Adoption pending"
	case StatusAdopted:
		return "Adopted"
	case StatusIll:
		return "Ill"
	case StatusUnderTreatment:
		return "Under treatment"
	case StatusRecovered:
		return "Recovered"
	case StatusDeleted:
		return "Deleted"
	}
	return string(s)
}

// Species is the kind of animal.
type Species string

// The species the shelter records.
const (
	SpeciesDog   Species = "dog"
	SpeciesCat   Species = "cat"
	SpeciesBird  Species = "bird"
	SpeciesOther Species = "other"
)

// SpeciesList lists every species.
var SpeciesList = []Species{SpeciesDog, SpeciesCat, SpeciesBird, SpeciesOther}

// Valid reports whether s is one of the known species.
func (s Species) Valid() bool {
	for _, v := range SpeciesList {
		if s == v {
			return true
		}
	}
	return false
}
