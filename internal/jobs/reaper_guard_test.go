package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// heldClock is a reaper clock whose first reading waits until Release:
// a run that has started and holds the reaper's guard, for as long as the
// test wants.
type heldClock struct {
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func newHeldClock() *heldClock {
	return &heldClock{entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldClock) Now() time.Time {
	h.once.Do(func() {
		close(h.entered)
		<-h.release
	})
	return time.Now()
}

// startHeldRun starts a run of r in the background, waits until it is
// inside (holding the guard), and returns its result channel.
func startHeldRun(t *testing.T, r *jobs.Reaper, h *heldClock, actor string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := r.RunAs(context.Background(), actor)
		done <- err
	}()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not start")
	}
	return done
}

func TestReaperRunsOneAtATime(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	h := newHeldClock()
	r := &jobs.Reaper{Store: st, Now: h.Now, Logger: slog.New(slog.DiscardHandler)}
	done := startHeldRun(t, r, h, "ana@example.org")

	// While it runs, another run is refused at once, and does nothing.
	_, err := r.Run(context.Background())
	if !errors.Is(err, jobs.ErrReaperBusy) || shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("second run: %v, want ErrReaperBusy (ECONFLICT)", err)
	}
	close(h.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The guard is free again.
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatalf("run after the first finished: %v", err)
	}
	evs := reaperEvents(t, st)
	if len(evs) != 2 {
		t.Fatalf("%d reaper.completed events, want 2 (the refused run records none)", len(evs))
	}
	// The run an admin started records them; a plain run (the schedule's)
	// records the system.
	if evs[0].Actor != "ana@example.org" || evs[1].Actor != shelter.ActorSystem {
		t.Errorf("actors %q and %q", evs[0].Actor, evs[1].Actor)
	}
}

func TestScheduledRunSkippedWhileAManualRunIsInProgress(t *testing.T) {
	t0 := time.Date(2026, 3, 10, 1, 59, 30, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(t0)
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st := storetest.Open(t, store.Options{})
	h := newHeldClock()
	r := &jobs.Reaper{Store: st, Now: h.Now, Logger: log}
	sched, err := jobs.NewSchedule(jobs.ScheduleOptions{Location: time.UTC, Clock: clock, Logger: log}, r.Task(""))
	if err != nil {
		t.Fatal(err)
	}
	sched.Start()
	t.Cleanup(func() { sched.Shutdown() })

	done := startHeldRun(t, r, h, "ana@example.org") // an admin's run now, still going at 02:00
	bctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	logs.WaitFor(t, "Deletion Reaper skipped") // the 02:00 run
	if strings.Contains(logs.String(), "run failed") {
		t.Errorf("a skipped run is logged as a failure:\n%s", logs)
	}
	close(h.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if evs := reaperEvents(t, st); len(evs) != 1 || evs[0].Actor != "ana@example.org" {
		t.Fatalf("reaper.completed events %+v, want the admin's run only", evs)
	}
}

func TestReaperPrunesSessionsAndSignInAttempts(t *testing.T) {
	clk := &clockStore{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st := storetest.Open(t, store.Options{Now: clk.Now})
	ctx := context.Background()
	u := &shelter.User{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff}
	if err := st.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	for i, exp := range []time.Duration{-time.Minute, -time.Hour, time.Hour} {
		if err := st.CreateSession(ctx, "s"+string(rune('a'+i)), &shelter.Session{UserID: u.ID, ExpiresAt: clk.Now().Add(exp).UnixMilli()}); err != nil {
			t.Fatal(err)
		}
	}
	// Failed sign-ins 40, 20 and 5 minutes ago; the window is 15 minutes.
	for _, ago := range []time.Duration{40, 20, 5} {
		clk.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Add(-ago * time.Minute))
		if err := st.RecordLoginFailure(ctx, "ana@example.org", "10.0.0.1", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))

	r := &jobs.Reaper{Store: st, Now: clk.Now, LoginWindow: 15 * time.Minute, Logger: log}
	if _, err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountSessions(ctx, u.ID); n != 1 {
		t.Errorf("%d sessions left, want the live one", n)
	}
	if _, _, err := st.FindSession(ctx, "sc"); err != nil {
		t.Errorf("the live session was pruned: %v", err)
	}
	f, _ := st.CountLoginFailures(ctx, "ana@example.org", "10.0.0.1", 0)
	if f.Account != 1 {
		t.Errorf("%d sign-in failures left, want the one inside the window", f.Account)
	}
	if !strings.Contains(logs.String(), "🧹 Pruned expired sessions and old sign-in attempts") ||
		!strings.Contains(logs.String(), "sessions=2 signInAttempts=2") {
		t.Errorf("the counts are not logged:\n%s", logs)
	}
}

func TestReaperPruneFailuresAreErrors(t *testing.T) {
	for _, c := range []struct{ table, want string }{
		{"sessions", "prune sessions"},
		{"login_attempts", "prune sign-in attempts"},
	} {
		t.Run(c.table, func(t *testing.T) {
			clk := &clockStore{now: time.Now().Add(-48 * time.Hour)}
			st := storetest.Open(t, store.Options{Now: clk.Now})
			ctx := context.Background()
			u := &shelter.User{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleStaff}
			if err := st.CreateUser(ctx, u, "hash"); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateSession(ctx, "old", &shelter.Session{UserID: u.ID, ExpiresAt: clk.Now().Add(time.Hour).UnixMilli()}); err != nil {
				t.Fatal(err)
			}
			if err := st.RecordLoginFailure(ctx, u.Email, "10.0.0.1", time.Hour); err != nil {
				t.Fatal(err)
			}
			clk.Set(time.Now())
			storetest.FailDeletes(t, st, c.table, "")
			_, err := (&jobs.Reaper{Store: st, Logger: slog.New(slog.DiscardHandler)}).Run(ctx)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one naming %q", err, c.want)
			}
		})
	}
}
