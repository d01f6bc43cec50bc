package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/petstore/petstore/internal/shelter"
)

// Describer writes a pet's profile (package ai implements it).
type Describer interface {
	// DescribePet returns a profile, or an error that may say, through
	// Retryable and RetryAfter methods, that trying again later may help.
	DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error)
	// FallbackProfile returns the deterministic profile used when
	// DescribePet cannot give one.
	FallbackProfile(p shelter.Pet) shelter.Profile
}

// ProfileStore is what the enrichment worker needs of the store.
type ProfileStore interface {
	FindPetByID(ctx context.Context, id string) (*shelter.Pet, error)
	InsertEvent(ctx context.Context, e *shelter.Event) error
	// SetProfile writes the profile, records events and the completed
	// event, and completes the job, in one transaction; written is false
	// when the pet is gone or deleted.
	SetProfile(ctx context.Context, jobID int64, o shelter.Origin, petID string, p shelter.Profile, events ...*shelter.Event) (written bool, err error)
	// RunLocalProfiles does up to limit due jobs with the profiles
	// describe gives at once, each as Work and SetProfile would, in one
	// transaction with their claim and completion; written runs after the
	// commit for each profile written.
	RunLocalProfiles(ctx context.Context, limit int, describe func(shelter.Pet) shelter.Profile,
		written func(j *shelter.Job, p *shelter.Pet)) ([]*shelter.Job, error)
}

// Local is implemented by a Describer that answers without a call outside
// the process (AI off: the fallback at once), which lets the profiles be
// written in batches.
type Local interface {
	Local() bool
}

// PhotoDescriber is a Describer that can look at a photo of the pet
// (package ai's Client).
type PhotoDescriber interface {
	DescribePetPhoto(ctx context.Context, p shelter.Pet, jpeg []byte) (shelter.Profile, error)
}

// PhotoSource gives the large copy of a pet's primary photo; ENOTFOUND
// when the pet has none.
type PhotoSource interface {
	FindPrimaryPhotoLarge(ctx context.Context, petID string) ([]byte, error)
}

// retryable is an error that says whether trying again may help.
type retryable interface {
	Retryable() bool
	RetryAfter() time.Duration
}

// EnrichProfile is the worker of the enrich_profile job that every create
// (and every "regenerate") enqueues. It asks the Describer for the pet's
// profile outside any transaction, then writes it, records
// {ns}.profile_enrichment_completed and completes the job in one
// transaction. A retryable failure (rate limit, server error) is retried
// by the queue, no sooner than the server's Retry-After, until the last
// attempt; any other failure, and the last attempt, writes the fallback
// profile, so every pet ends with one. It never changes a pet's status.
type EnrichProfile struct {
	Store ProfileStore
	AI    Describer
	// Photos, when set and when AI can look at photos, gives the primary
	// photo the profile describes.
	Photos PhotoSource
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Kind is shelter.JobEnrichProfile.
func (w *EnrichProfile) Kind() string { return shelter.JobEnrichProfile }

// Work enriches the job's pet. A pet deleted or purged since the job was
// enqueued is skipped and the job completes.
func (w *EnrichProfile) Work(ctx context.Context, job *shelter.Job) error {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	pet, err := w.Store.FindPetByID(ctx, job.PetID)
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		log.Warn("⚠️ AI Profile Enrichment skipped: the pet no longer exists", "petId", job.PetID, "jobId", job.ID)
		return nil
	} else if err != nil {
		return err
	}
	if pet.Deleted() {
		log.Info("⚠️ AI Profile Enrichment skipped: the pet is deleted", "petId", pet.ID, "jobId", job.ID)
		return nil
	}
	o := shelter.Origin{Namespace: job.Namespace, Actor: shelter.ActorSystem}
	var photo []byte
	pd, canSee := w.AI.(PhotoDescriber)
	if canSee && w.Photos != nil {
		photo, err = w.Photos.FindPrimaryPhotoLarge(ctx, pet.ID)
		if shelter.ErrorCode(err) == shelter.ENOTFOUND {
			photo = nil
		} else if err != nil {
			return err
		}
	}
	if err := w.Store.InsertEvent(ctx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentStarted),
		PetID: pet.ID, Actor: o.Actor, Data: jsonObject(map[string]any{"jobId": job.ID, "attempt": job.Attempts, "name": pet.Name, "species": pet.Species, "photo": photo != nil})}); err != nil {
		return err
	}
	log.Info("🤖 AI Profile Enrichment started", "petId", pet.ID, "name", pet.Name, "species", pet.Species, "jobId", job.ID, "attempt", job.Attempts, "photo", photo != nil)

	start := time.Now()
	var profile shelter.Profile
	if photo != nil {
		profile, err = pd.DescribePetPhoto(ctx, *pet, photo)
	} else {
		profile, err = w.AI.DescribePet(ctx, *pet)
	}
	var failed []*shelter.Event
	if err != nil {
		if ctx.Err() != nil {
			return err // stopping: the runner releases the job for the next start
		}
		var r retryable
		retry := errors.As(err, &r) && r.Retryable()
		willRetry := retry && !LastAttempt(job)
		data := map[string]any{"jobId": job.ID, "attempt": job.Attempts, "maxAttempts": job.MaxAttempts,
			"error": err.Error(), "retryable": retry, "willRetry": willRetry, "fallback": !willRetry}
		if retry && r.RetryAfter() > 0 {
			data["retryAfterMs"] = r.RetryAfter().Milliseconds()
		}
		var down interface{ ModelDown() bool }
		if errors.As(err, &down) && down.ModelDown() && !willRetry {
			// The fallback is written only because the model is down: the
			// pet is enriched again once it answers (RequeueOutageFallbacks).
			data["reason"] = shelter.ReasonAIOutage
		}
		var skipped interface{ Outage() bool }
		if errors.As(err, &skipped) && skipped.Outage() {
			// The breaker said the outage once; one line per pet at info.
			log.Info("🤖 AI Profile Enrichment: fallback during the model's outage", "petId", pet.ID, "jobId", job.ID)
			failed = append(failed, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentFailed),
				PetID: pet.ID, Actor: o.Actor, Data: jsonObject(data)})
			return w.writeProfile(ctx, log, job, o, pet, w.AI.FallbackProfile(*pet), start, failed)
		}
		ev := &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentFailed),
			PetID: pet.ID, Actor: o.Actor, Data: jsonObject(data)}
		log.Error("❌ AI Profile Enrichment failed", "petId", pet.ID, "error", err.Error(), "attempt", job.Attempts,
			"maxAttempts", job.MaxAttempts, "willRetry", willRetry)
		if willRetry {
			if err := w.Store.InsertEvent(ctx, ev); err != nil {
				return err
			}
			if d := r.RetryAfter(); d > 0 {
				return &RetryAfterError{Delay: d, Err: err}
			}
			return err
		}
		failed = append(failed, ev)
		profile = w.AI.FallbackProfile(*pet)
	}
	return w.writeProfile(ctx, log, job, o, pet, profile, start, failed)
}

// writeProfile writes the profile with the events, and completes the job.
func (w *EnrichProfile) writeProfile(ctx context.Context, log *slog.Logger, job *shelter.Job, o shelter.Origin, pet *shelter.Pet,
	profile shelter.Profile, start time.Time, failed []*shelter.Event) error {
	written, err := w.Store.SetProfile(ctx, job.ID, o, pet.ID, profile, failed...)
	if err != nil {
		return err
	}
	if !written {
		log.Info("⚠️ AI Profile Enrichment skipped: the pet was deleted meanwhile", "petId", pet.ID, "jobId", job.ID)
		return nil
	}
	logCompleted(log, pet, profile, time.Since(start))
	return nil
}

// logCompleted writes the line of a profile written.
func logCompleted(log *slog.Logger, pet *shelter.Pet, profile shelter.Profile, took time.Duration) {
	log.Info("✅ AI Profile Enrichment completed", "petId", pet.ID, slog.Group("profile",
		"bio", truncate(profile.Bio, 50), "breedGuess", profile.BreedGuess, "temperamentTags", profile.TemperamentTags,
		"adopterHints", truncate(profile.AdopterHints, 50), "source", profile.Source, "model", profile.Model),
		"durationMs", took.Milliseconds())
}

// truncate shortens s to n characters and an ellipsis, for log lines.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "..."
}

// Batching is true when the Describer answers at once, without a call
// (AI off): then a batch of profiles is only writes to the database.
func (w *EnrichProfile) Batching() bool {
	l, ok := w.AI.(Local)
	return ok && l.Local()
}

// WorkBatch writes the profiles of up to limit due jobs in one
// transaction, with the same events and log lines as Work.
func (w *EnrichProfile) WorkBatch(ctx context.Context, limit int) (int, error) {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	jobs, err := w.Store.RunLocalProfiles(ctx, limit, w.AI.FallbackProfile, func(job *shelter.Job, pet *shelter.Pet) {
		log.Info("🤖 AI Profile Enrichment started", "petId", pet.ID, "name", pet.Name, "species", pet.Species, "jobId", job.ID, "attempt", job.Attempts)
		logCompleted(log, pet, *pet.Profile, 0)
	})
	return len(jobs), err
}
