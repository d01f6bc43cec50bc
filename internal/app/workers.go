package app

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// workers is the worker of every job kind, one line each. The kind itself
// (its events, label, attempts, restore rerun and pool) is its entry in
// shelter.JobKinds.
func workers(cfg config.Config, st *store.Store, describer jobs.Describer, backup *jobs.Backup, log *slog.Logger) []jobs.Worker {
	return []jobs.Worker{
		&jobs.FeedingReminder{Store: st, Interval: cfg.FeedingInterval, Logger: log},
		&jobs.EnrichProfile{Store: st, AI: describer, Photos: st, Logger: log},
		backup, // BACKUP_DIR, BACKUP_KEEP
	}
}

// pool is one job runner: a name of shelter's pools and how many jobs it
// runs at once.
type pool struct {
	name string
	size int
}

// pools are the job runners. The AI pool has AI_CONCURRENCY workers of its
// own, so that slow model calls never hold up the feeding reminders.
func pools(cfg config.Config) []pool {
	return []pool{{shelter.PoolJobs, cfg.JobWorkers}, {shelter.PoolAI, cfg.AI.Concurrency}}
}

// checkWorkers makes sure that every job kind has one worker and every
// worker a kind whose pool runs, so that no job waits for ever.
func checkWorkers(ws []jobs.Worker, ps []pool) error {
	have := map[string]bool{}
	for _, w := range ws {
		k, ok := shelter.FindJobKind(w.Kind())
		if !ok {
			return fmt.Errorf("app: worker of kind %q, which shelter.JobKinds does not list", w.Kind())
		}
		if !slices.ContainsFunc(ps, func(p pool) bool { return p.name == k.Pool }) {
			return fmt.Errorf("app: job kind %q runs in pool %q, which has no runner", k.Name, k.Pool)
		}
		have[k.Name] = true
	}
	for _, k := range shelter.JobKinds {
		if !have[k.Name] {
			return fmt.Errorf("app: job kind %q has no worker", k.Name)
		}
	}
	return nil
}

// workers picks the workers whose kind runs in the pool.
func (p pool) workers(all []jobs.Worker) []jobs.Worker {
	var out []jobs.Worker
	for _, w := range all {
		if k, ok := shelter.FindJobKind(w.Kind()); ok && k.Pool == p.name {
			out = append(out, w)
		}
	}
	return out
}
