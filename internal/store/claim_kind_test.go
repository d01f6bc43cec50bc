package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// queueBacklog queues n due jobs of kind in one statement.
func queueBacklog(t testing.TB, s *store.Store, kind string, n int) {
	t.Helper()
	_, err := s.DB().Write.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO jobs (kind, namespace, run_at, created_at, updated_at) SELECT ?, 'api', i, i, i FROM seq`, n, kind)
	if err != nil {
		t.Fatal(err)
	}
}

// The claim reads each kind's own slice of the per-kind indexes, in order,
// and stops at the limit: no statement of the queue scans the jobs table
// or sorts the whole queue, however many jobs of any kind wait.
func TestClaimPlanIsPerKind(t *testing.T) {
	storetest.SQLiteOnly(t, "reads SQLite's EXPLAIN QUERY PLAN (PostgreSQL claims with FOR UPDATE SKIP LOCKED, plan left to its statistics)")
	s := storetest.Open(t, store.Options{})
	queueBacklog(t, s, shelter.JobEnrichProfile, 30_000)
	queueBacklog(t, s, shelter.JobFeedingReminder, 100)
	for _, kinds := range [][]string{{shelter.JobFeedingReminder}, {shelter.JobEnrichProfile}, {shelter.JobFeedingReminder, shelter.JobEnrichProfile}} {
		args := []any{time.Now().UnixMilli(), 30000, `{}`, 4}
		for _, k := range kinds {
			args = append(args, k)
		}
		rows, err := s.DB().Read.Query(`EXPLAIN QUERY PLAN `+store.ClaimSQL(kinds), args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "SCAN jobs") || !strings.Contains(text, "jobs_queued_kind (kind=? AND run_at<?)") ||
			!strings.Contains(text, "jobs_leased_kind (kind=? AND lease_until<?)") {
			t.Errorf("claim of %v: plan\n%s", kinds, text)
		}
	}
	// The batch claim (work that is only writes) reads per kind too.
	rows, err := s.DB().Read.Query(`EXPLAIN QUERY PLAN `+store.SQLClaimDone, time.Now().UnixMilli(), shelter.JobFeedingReminder, 100)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		plan = append(plan, detail)
	}
	rows.Close()
	if text := strings.Join(plan, "\n"); strings.Contains(text, "SCAN jobs") || !strings.Contains(text, "jobs_queued_kind (kind=? AND run_at<?)") {
		t.Errorf("batch claim plan\n%s", text)
	}
	// And it claims the right jobs: the feeding reminders, oldest first,
	// none of the 30,000 others.
	js, err := s.ClaimJobs(context.Background(), nil, map[string]int{shelter.JobFeedingReminder: 0}, 3, time.Minute)
	if err != nil || len(js) != 3 {
		t.Fatalf("claimed %d: %v", len(js), err)
	}
	for i, j := range js {
		if j.Kind != shelter.JobFeedingReminder || (i > 0 && j.RunAt < js[i-1].RunAt) {
			t.Errorf("claimed %+v", j)
		}
	}
}

// BenchmarkClaimBesideBacklog times claiming (and completing) one feeding
// reminder while 0 or 30,000 enrichment jobs wait (a model that hangs):
// the two figures should be about the same.
func BenchmarkClaimBesideBacklog(b *testing.B) {
	for _, backlog := range []int{0, 30_000} {
		b.Run(fmt.Sprintf("otherKind=%d", backlog), func(b *testing.B) {
			s := storetest.Open(b, store.Options{})
			queueBacklog(b, s, shelter.JobEnrichProfile, backlog)
			queueBacklog(b, s, shelter.JobFeedingReminder, b.N+1)
			kinds := map[string]int{shelter.JobFeedingReminder: 0}
			var done []shelter.JobOutcome
			b.ResetTimer()
			for range b.N {
				js, err := s.ClaimJobs(context.Background(), done, kinds, 1, time.Minute)
				if err != nil || len(js) != 1 {
					b.Fatalf("claimed %d: %v", len(js), err)
				}
				done = []shelter.JobOutcome{{ID: js[0].ID, Attempt: js[0].Attempts}}
			}
		})
	}
}

// A server that opens the database holds its lock, so the jobs still
// marked running belong to a dead process: they are claimable at once,
// not when their lease lapses. A one-shot command's open leaves them.
func TestServerHandsBackOrphanedJobs(t *testing.T) {
	storetest.SQLiteOnly(t, "one server per SQLite file hands back at open; on PostgreSQL other servers may be running the jobs, so they wait for their lease (internal/e2e TestTwoServersOnePostgres)")
	path := t.TempDir() + "/p.db"
	s := storetest.OpenAt(t, path, store.Options{})
	queueBacklog(t, s, shelter.JobFeedingReminder, 2)
	kinds := map[string]int{shelter.JobFeedingReminder: 0}
	if js, err := s.ClaimJobs(context.Background(), nil, kinds, 2, time.Hour); err != nil || len(js) != 2 {
		t.Fatalf("claim: %d %v", len(js), err)
	}
	s.Close() // the process "dies" with both jobs running, leased for an hour

	oneShot := storetest.OpenAt(t, path, store.Options{})
	if js, err := oneShot.ClaimJobs(context.Background(), nil, kinds, 2, time.Minute); err != nil || len(js) != 0 {
		t.Fatalf("a one-shot open handed back %d jobs: %v", len(js), err)
	}
	oneShot.Close()

	srv := storetest.OpenAt(t, path, store.Options{Server: true})
	js, err := srv.ClaimJobs(context.Background(), nil, kinds, 2, time.Minute)
	if err != nil || len(js) != 2 {
		t.Fatalf("after the server's open: claimed %d, want the 2 orphans: %v", len(js), err)
	}
	// And a second server is refused while this one holds the file.
	if _, err := store.Open(context.Background(), path, store.Options{Server: true}); err == nil || !strings.Contains(err.Error(), "in use by") {
		t.Fatalf("second server open: %v", err)
	}
}
