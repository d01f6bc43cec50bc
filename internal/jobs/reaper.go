package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// DefaultPurgeBatch is how many pets the reaper removes per transaction.
const DefaultPurgeBatch = 500

// Reaper is the deletion reaper: it permanently removes the soft-deleted
// pets whose purge date has passed.
type Reaper struct {
	Store *store.Store
	// Batch is the number of pets per transaction (default 500), so the
	// API keeps answering while the reaper runs.
	Batch int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// ReapStats is what one run of the reaper did.
type ReapStats struct {
	TotalScanned int   `json:"totalScanned"`
	PurgedCount  int   `json:"purgedCount"`
	FailedCount  int   `json:"failedCount"`
	DurationMs   int64 `json:"durationMs"`
}

// Run removes every expired deleted pet, batch by batch, and records
// reaper.completed (namespace system) with its counts. A pet that fails to
// purge is counted and left for the next run.
func (r *Reaper) Run(ctx context.Context) (ReapStats, error) {
	log := r.Logger
	if log == nil {
		log = slog.Default()
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	batch := r.Batch
	if batch <= 0 {
		batch = DefaultPurgeBatch
	}
	start := time.Now()
	cutoff := now()
	log.Info("🔄 Deletion Reaper started - scanning for pets to purge", "purgeAtBefore", cutoff.UTC())
	var st ReapStats
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("reaper stopped: %w", err)
		}
		b, err := r.Store.PurgeExpiredPets(ctx, cutoff, after, batch)
		if err != nil {
			log.Error("❌ Deletion Reaper failed", "err", err, "purgedCount", st.PurgedCount)
			return st, fmt.Errorf("reaper: %w", err)
		}
		st.TotalScanned += b.Scanned
		st.PurgedCount += len(b.Purged)
		st.FailedCount += len(b.Failed)
		for _, p := range b.Purged {
			log.Info("💀 Pet permanently purged", "petId", p.ID, "name", p.Name,
				"deletedAt", shelter.FromMillis(p.DeletedAt), "purgeAt", shelter.FromMillis(p.PurgeAt), "namespace", p.DeletedNamespace)
		}
		for id, err := range b.Failed {
			log.Error("❌ Pet purge failed", "petId", id, "err", err)
		}
		after = b.LastID
		if b.Scanned < batch {
			break
		}
	}
	st.DurationMs = time.Since(start).Milliseconds()
	if err := r.Store.InsertEvent(ctx, &shelter.Event{Namespace: shelter.NamespaceSystem,
		Type: shelter.EventType(shelter.NamespaceSystem, shelter.EventReaperCompleted), Actor: shelter.ActorSystem,
		Data: jsonObject(map[string]any{"totalScanned": st.TotalScanned, "purgedCount": st.PurgedCount,
			"failedCount": st.FailedCount, "durationMs": st.DurationMs})}); err != nil {
		return st, fmt.Errorf("reaper: record completion: %w", err)
	}
	log.Info("✅ Deletion Reaper completed", "totalScanned", st.TotalScanned, "purgedCount", st.PurgedCount,
		"failedCount", st.FailedCount, "durationMs", st.DurationMs)
	return st, nil
}
