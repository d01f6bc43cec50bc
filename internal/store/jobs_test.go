package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

const testJobKind = "test_job"

var jctx = context.Background()

func enqueueOne(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var id int64
	if err := st.InTx(jctx, func(tx *store.Tx) error {
		var err error
		id, err = st.EnqueueTx(jctx, tx, shelter.SystemOrigin, testJobKind, "", nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func countJobs(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().Read.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEnqueueIsRolledBackWithItsTransaction(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	woken := 0
	st.OnEnqueue(func() { woken++ })
	boom := errors.New("the caller's change failed")
	err := st.InTx(jctx, func(tx *store.Tx) error {
		if _, err := st.EnqueueTx(jctx, tx, shelter.SystemOrigin, testJobKind, "", nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if n := countJobs(t, st); n != 0 || woken != 0 {
		t.Fatalf("%d jobs and %d wake-ups after a rolled-back enqueue, want 0 and 0", n, woken)
	}
	enqueueOne(t, st)
	if n := countJobs(t, st); n != 1 || woken != 1 {
		t.Fatalf("%d jobs and %d wake-ups after a committed enqueue, want 1 and 1", n, woken)
	}
}

func TestCreatePetEnqueuesItsReminderInItsTransaction(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	name, sp, age := "", shelter.SpeciesDog, 1 // invalid: no pet, no job
	if _, err := st.CreatePet(jctx, shelter.Origin{Namespace: "api", Actor: "api"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age}); err == nil {
		t.Fatal("invalid create accepted")
	}
	if n := countJobs(t, st); n != 0 {
		t.Fatalf("%d jobs after a failed create", n)
	}
	name = "Rex"
	p, err := st.CreatePet(jctx, shelter.Origin{Namespace: "api", Actor: "api"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
	if err != nil {
		t.Fatal(err)
	}
	js, err := st.FindJobs(jctx, shelter.JobFilter{PetID: p.ID})
	if err != nil || len(js) != 1 || js[0].Kind != shelter.JobFeedingReminder || js[0].State != shelter.JobQueued {
		t.Fatalf("jobs %+v, %v", js, err)
	}
}

func claimT(t *testing.T, st *store.Store, limits map[string]int, n int, lease time.Duration) []*shelter.Job {
	t.Helper()
	js, err := st.ClaimJobs(jctx, nil, limits, n, lease)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestClaimSetsLeaseAndKindLimit(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	id := enqueueOne(t, st)
	if js := claimT(t, st, map[string]int{"other": 0}, 5, time.Minute); len(js) != 0 {
		t.Fatalf("claimed a job of another testJobKind: %+v", js)
	}
	js := claimT(t, st, map[string]int{testJobKind: 2}, 5, time.Minute)
	if len(js) != 1 || js[0].ID != id || js[0].State != shelter.JobRunning || js[0].Attempts != 1 || js[0].MaxAttempts != 2 {
		t.Fatalf("claimed %+v", js)
	}
	if js[0].LeaseUntil < time.Now().Add(59*time.Second).UnixMilli() {
		t.Fatalf("lease until %d", js[0].LeaseUntil)
	}
	if again := claimT(t, st, map[string]int{testJobKind: 2}, 5, time.Minute); len(again) != 0 {
		t.Fatal("a leased job was claimed twice")
	}
}

func TestStaleOutcomeIsFencedOff(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	id := enqueueOne(t, st)
	first := claimT(t, st, map[string]int{testJobKind: 0}, 1, time.Millisecond)[0]
	time.Sleep(5 * time.Millisecond) // the lease lapses; another runner takes the job
	second := claimT(t, st, map[string]int{testJobKind: 0}, 1, time.Minute)
	if len(second) != 1 || second[0].Attempts != 2 {
		t.Fatalf("reclaim %+v", second)
	}
	// The first attempt's late failure changes nothing.
	if err := st.RecordJobOutcomes(jctx, []store.JobOutcome{{ID: id, Attempt: first.Attempts, Err: "late", RetryAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	j, _ := st.FindJobByID(jctx, id)
	if j.State != shelter.JobRunning || j.LastError != "" {
		t.Fatalf("stale outcome was recorded: %+v", j)
	}
	if err := st.RecordJobOutcomes(jctx, []store.JobOutcome{{ID: id, Attempt: 2}}); err != nil {
		t.Fatal(err)
	}
	if j, _ := st.FindJobByID(jctx, id); j.State != shelter.JobDone {
		t.Fatalf("job %s, want done", j.State)
	}
}

func TestLapsedLeaseOnLastAttemptFails(t *testing.T) {
	st := storetest.Open(t, store.Options{MaxAttempts: 1})
	id := enqueueOne(t, st)
	claimT(t, st, map[string]int{testJobKind: 0}, 1, time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if js := claimT(t, st, map[string]int{testJobKind: 0}, 1, time.Minute); len(js) != 0 {
		t.Fatalf("a job past its attempts was claimed again: %+v", js)
	}
	j, _ := st.FindJobByID(jctx, id)
	if j.State != shelter.JobFailed || j.LastError == "" {
		t.Fatalf("job %+v, want failed with a reason", j)
	}
}

func TestFailureRetriesThenFails(t *testing.T) {
	st := storetest.Open(t, store.Options{MaxAttempts: 2})
	id := enqueueOne(t, st)
	limits := map[string]int{testJobKind: 0}
	j := claimT(t, st, limits, 1, time.Minute)[0]
	retryAt := time.Now().Add(time.Hour)
	if err := st.RecordJobOutcomes(jctx, []store.JobOutcome{{ID: id, Attempt: j.Attempts, Err: "first", RetryAt: retryAt}}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.FindJobByID(jctx, id)
	if got.State != shelter.JobQueued || got.RunAt != retryAt.UnixMilli() || got.LastError != "first" || got.LeaseUntil != 0 {
		t.Fatalf("after a failed attempt: %+v", got)
	}
	if js := claimT(t, st, limits, 1, time.Minute); len(js) != 0 {
		t.Fatal("a job was claimed before its retry time")
	}
	next, ok, err := st.NextJobRunAt(jctx, []string{testJobKind})
	if err != nil || !ok || next.UnixMilli() != retryAt.UnixMilli() {
		t.Fatalf("next run %s %v %v", next, ok, err)
	}
	st.DB().Write.Exec(`UPDATE jobs SET run_at = 0`)
	j = claimT(t, st, limits, 1, time.Minute)[0]
	if err := st.RecordJobOutcomes(jctx, []store.JobOutcome{{ID: id, Attempt: j.Attempts, Err: "second", RetryAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	got, _ = st.FindJobByID(jctx, id)
	if got.State != shelter.JobFailed || got.Attempts != 2 || got.LastError != "second" || got.FinishedAt == 0 {
		t.Fatalf("after the last attempt: %+v", got)
	}
	if _, ok, _ := st.NextJobRunAt(jctx, []string{testJobKind}); ok {
		t.Fatal("a failed job is reported as next")
	}
}

func TestReleaseJobs(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	id := enqueueOne(t, st)
	j := claimT(t, st, map[string]int{testJobKind: 0}, 1, time.Minute)[0]
	if err := st.ReleaseJobs(jctx, []store.JobOutcome{{ID: id, Attempt: j.Attempts}}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.FindJobByID(jctx, id)
	if got.State != shelter.JobQueued || got.Attempts != 0 || got.LeaseUntil != 0 {
		t.Fatalf("released job %+v", got)
	}
}

func TestFindJobsAndRetryErrors(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	if _, err := st.FindJobs(jctx, shelter.JobFilter{State: "stuck"}); shelter.ErrorCode(err) != shelter.EINVALID {
		t.Errorf("bad state: %v, want EINVALID", err)
	}
	if _, err := st.RetryJob(jctx, 42); shelter.ErrorCode(err) != shelter.ENOTFOUND {
		t.Errorf("unknown job: %v, want ENOTFOUND", err)
	}
	if _, err := st.FindJobByID(jctx, 42); shelter.ErrorCode(err) != shelter.ENOTFOUND {
		t.Errorf("unknown job: %v, want ENOTFOUND", err)
	}
	id := enqueueOne(t, st)
	if _, err := st.RetryJob(jctx, id); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Errorf("retry of a queued job: %v, want ECONFLICT", err)
	}
	woken := 0
	st.OnEnqueue(func() { woken++ })
	st.DB().Write.Exec(`UPDATE jobs SET state = 'failed', attempts = 5`)
	j, err := st.RetryJob(jctx, id)
	if err != nil || j.State != shelter.JobQueued || j.Attempts != 0 || woken != 1 {
		t.Fatalf("retry: %+v %v, woken %d", j, err, woken)
	}
}

// A create's jobs and events are written a few rows per statement; each
// event and job must still get its own id, in order, and each enqueued
// event must name its own job. The batched feeding reminder's events
// (completed, then the transition) likewise.
func TestCreatesRowsKeepTheirIDsAndOrder(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: shelter.CreateJobKinds()})
	o := shelter.Origin{Namespace: "py", Actor: "api"}
	var pets []*shelter.Pet
	for _, name := range []string{"Rex", "Tom", "Ada"} {
		sp, age := shelter.SpeciesDog, 3
		p, err := st.CreatePet(jctx, o, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		pets = append(pets, p)
	}
	if _, err := st.RunFeedingReminders(jctx, 10, 0, nil); err != nil {
		t.Fatal(err)
	}
	all, err := st.FindEvents(jctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Fatalf("event ids out of order: %d after %d", all[i].ID, all[i-1].ID)
		}
	}
	for _, p := range pets {
		evs, err := st.FindEvents(jctx, shelter.EventFilter{PetID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range evs {
			types = append(types, e.Type)
		}
		want := []string{"py.pet.created", "py.feeding.reminder.enqueued", "py.profile_enrichment_enqueued",
			"py.feeding.reminder.completed", "py.lifecycle.transition.completed"}
		if fmt.Sprint(types) != fmt.Sprint(want) {
			t.Fatalf("pet %s: events %v, want %v", p.ID, types, want)
		}
		jobs, err := st.FindJobs(jctx, shelter.JobFilter{PetID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		kindOf := map[int64]string{}
		for _, j := range jobs {
			kindOf[j.ID] = j.Kind
		}
		for i, kind := range []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile} {
			var data struct{ JobID int64 }
			if err := json.Unmarshal(evs[1+i].Data, &data); err != nil || kindOf[data.JobID] != kind {
				t.Errorf("pet %s: %s names job %d (%q), want its %s job; jobs %v", p.ID, evs[1+i].Type, data.JobID, kindOf[data.JobID], kind, kindOf)
			}
		}
		if evs[4].From != shelter.StatusNew || evs[4].To != shelter.StatusInQuarantine {
			t.Errorf("pet %s: transition %s → %s", p.ID, evs[4].From, evs[4].To)
		}
	}
}

// The Jobs page's state filter reads each state's own index: its answer
// is right for every filter, among many done jobs.
func TestFindJobsByStateAmongManyDone(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{}})
	var ids []int64
	for range 50 {
		ids = append(ids, enqueueOne(t, st))
	}
	// 40 done, 5 failed (one of another kind), 3 running, 2 queued.
	if _, err := st.DB().Write.Exec(`UPDATE jobs SET state = 'done', finished_at = 1 WHERE id <= ?`, ids[39]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Write.Exec(`UPDATE jobs SET state = 'failed', finished_at = 1 WHERE id > ? AND id <= ?`, ids[39], ids[44]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Write.Exec(`UPDATE jobs SET kind = 'other_job' WHERE id = ?`, ids[44]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Write.Exec(`UPDATE jobs SET state = 'running', lease_until = 9e15 WHERE id > ? AND id <= ?`, ids[44], ids[47]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    shelter.JobFilter
		want []int64 // newest first
	}{
		{shelter.JobFilter{State: shelter.JobQueued}, []int64{ids[49], ids[48]}},
		{shelter.JobFilter{State: shelter.JobRunning}, []int64{ids[47], ids[46], ids[45]}},
		{shelter.JobFilter{State: shelter.JobFailed}, []int64{ids[44], ids[43], ids[42], ids[41], ids[40]}},
		{shelter.JobFilter{State: shelter.JobFailed, Kind: testJobKind}, []int64{ids[43], ids[42], ids[41], ids[40]}},
		{shelter.JobFilter{State: shelter.JobFailed, Kind: testJobKind, Before: ids[42], Limit: 1}, []int64{ids[41]}},
		{shelter.JobFilter{State: shelter.JobQueued, Kind: testJobKind, Limit: 1}, []int64{ids[49]}},
		{shelter.JobFilter{State: shelter.JobRunning, Before: ids[46]}, []int64{ids[45]}},
		{shelter.JobFilter{State: shelter.JobDone, Before: ids[2]}, []int64{ids[1], ids[0]}},
		{shelter.JobFilter{State: shelter.JobQueued, PetID: "7"}, nil},
	} {
		js, err := st.FindJobs(jctx, c.f)
		if err != nil {
			t.Fatalf("%+v: %v", c.f, err)
		}
		var got []int64
		for _, j := range js {
			got = append(got, j.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
}
