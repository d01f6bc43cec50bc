package shelter

import "encoding/json"

// Origin says who caused a change and through which namespace: the route
// prefix of the request ("api", "js", "ts", "py"), or "system".
type Origin struct {
	Namespace string
	Actor     string
}

// Namespaces of the API. Each route prefix names the events its requests
// cause.
var Namespaces = []string{"api", "js", "ts", "py"}

// Well-known actors and namespaces.
const (
	ActorAPI        = "api"
	ActorSystem     = "system"
	NamespaceSystem = "system"
	// NamespaceImport is the namespace of `petstore import`'s events.
	NamespaceImport = "import"
)

// SystemOrigin is the origin of automatic work that belongs to no request.
var SystemOrigin = Origin{Namespace: NamespaceSystem, Actor: ActorSystem}

// Event names, without their namespace. An event's Type is
// "<namespace>.<name>", for example "js.pet.created".
const (
	EventPetCreated                 = "pet.created"
	EventPetUpdated                 = "pet.updated"
	EventPetSoftDeleted             = "pet.soft.deleted"
	EventPetRestored                = "pet.restored"
	EventPetPurged                  = "pet.purged"
	EventStatusUpdateRequested      = "status.update.requested"
	EventTransitionCompleted        = "lifecycle.transition.completed"
	EventTransitionRejected         = "lifecycle.transition.rejected"
	EventFeedingReminderEnqueued    = "feeding.reminder.enqueued"
	EventFeedingReminderCompleted   = "feeding.reminder.completed"
	EventProfileEnrichmentEnqueued  = "profile_enrichment_enqueued"
	EventProfileEnrichmentStarted   = "profile_enrichment_started"
	EventProfileEnrichmentCompleted = "profile_enrichment_completed"
	EventProfileEnrichmentFailed    = "profile_enrichment_failed"

	// ReasonAIOutage is the reason of a profile_enrichment_failed event
	// whose fallback profile was written only because the model was down:
	// the pet is enriched again when the model answers.
	ReasonAIOutage       = "ai_outage"
	EventReaperCompleted = "reaper.completed"
	EventPetImported     = "pet.imported"
)

// EventType joins a namespace and an event name.
func EventType(namespace, name string) string { return namespace + "." + name }

// Event is one entry of the append-only event log.
type Event struct {
	ID        int64           `json:"id"`
	Namespace string          `json:"namespace"`
	Type      string          `json:"type"`
	PetID     string          `json:"petId,omitempty"`
	Actor     string          `json:"actor"`
	From      Status          `json:"from,omitempty"`
	To        Status          `json:"to,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	CreatedAt int64           `json:"createdAt"`
}

// Events of the feeding rounds.
const (
	// EventPetFed is a feeding staff recorded ({ns}.pet.fed).
	EventPetFed = "pet.fed"
	// EventFeedingOverdue is a missed feeding the sweep found
	// (system.feeding.overdue), once per pet per missed feeding.
	EventFeedingOverdue = "feeding.overdue"
)
