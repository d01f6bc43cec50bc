package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/pgtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/testapp"
)

// Two servers on one PostgreSQL database, as behind a load balancer: a pet
// created on one is read on the other; a dashboard stream on the second
// sees a transition made on the first; the reaper, scheduled every minute
// on both, purges each expired pet exactly once; and a kill -9 of one
// under create load loses no acknowledged pet, the survivor finishing the
// dead server's jobs once their lease lapses.
func TestTwoServersOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := pgtest.Bin("initdb"); err != nil {
		t.Skip("needs PostgreSQL (make test installs it): ", err)
	}
	c, err := pgtest.StartCluster(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + c.URL, "JOB_WORKERS=2", "JOB_LEASE=3s",
		"REAPER_SCHEDULE=* * * * *", "PURGE_AFTER=1s"}
	a := testapp.Start(t, testapp.Options{DBPath: filepath.Join(dir, "a.db"), Env: env})
	// The token's name is unique in the shared database: a file at DBPath
	// makes testapp name the second one afresh.
	os.WriteFile(filepath.Join(dir, "b.db"), nil, 0o600)
	b := testapp.Start(t, testapp.Options{DBPath: filepath.Join(dir, "b.db"), Env: env})
	ca, cb := a.Client(), b.Client()
	ca.Timeout, cb.Timeout = 10*time.Second, 10*time.Second
	d, err := db.OpenPostgres(context.Background(), c.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })

	// Pets to be purged: deleted at once, due a second later.
	var doomed []string
	for i := range 4 {
		id, ok := createPet(cb, b.URL, "api", 900000+i)
		if !ok {
			t.Fatal("create on b")
		}
		waitStatus(t, cb, b.URL, id, shelter.StatusInQuarantine)
		req, _ := http.NewRequest(http.MethodDelete, b.URL+"/api/pets/"+id, nil)
		resp, err := cb.Do(req)
		if err != nil || resp.StatusCode >= 300 {
			t.Fatalf("delete %s: %v %v", id, resp.Status, err)
		}
		resp.Body.Close()
		doomed = append(doomed, id)
	}
	deletedAt := time.Now()

	// Created on a, read on b.
	id, ok := createPet(ca, a.URL, "api", 1)
	if !ok {
		t.Fatal("create on a")
	}
	if p := getPet(t, cb, b.URL, id); p.ID != id {
		t.Fatalf("b reads %+v", p)
	}
	waitStatus(t, cb, b.URL, id, shelter.StatusInQuarantine)

	// A stream on b sees a transition made on a.
	var last int64
	if err := d.Read.QueryRow(`SELECT coalesce(max(id), 0) FROM events`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/events/stream?after=%d", b.URL, last), nil)
	req.Header.Set("Accept", "text/event-stream")
	sc := b.Client() // no timeout: a stream
	stream, err := sc.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("stream on b: %v %v", stream, err)
	}
	defer stream.Body.Close()
	seen := make(chan struct{})
	go func() {
		r := bufio.NewScanner(stream.Body)
		for r.Scan() {
			if strings.Contains(r.Text(), "pet-"+id) {
				close(seen)
				return
			}
		}
	}()
	body := strings.NewReader(`{"status":"healthy"}`)
	put, _ := http.NewRequest(http.MethodPut, a.URL+"/api/pets/"+id, body)
	put.Header.Set("Content-Type", "application/json")
	resp, err := ca.Do(put)
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("transition on a: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	select {
	case <-seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream on b did not see the transition made on a")
	}

	// The reaper runs at the next minute on both servers: each doomed pet
	// is purged once.
	deadline := deletedAt.Truncate(time.Minute).Add(2*time.Minute + 30*time.Second)
	for {
		var purged, events int
		if err := d.Read.QueryRow(`SELECT (SELECT count(*) FROM pets WHERE id IN (`+strings.Join(doomed, ",")+`)),
			(SELECT count(*) FROM events WHERE type LIKE '%pet.purged' AND pet_id IN (`+strings.Join(doomed, ",")+`))`).Scan(&purged, &events); err != nil {
			t.Fatal(err)
		}
		if purged == 0 {
			if events != len(doomed) {
				t.Fatalf("%d purge events for %d purged pets, want one each", events, len(doomed))
			}
			var runs int
			d.Read.QueryRow(`SELECT count(*) FROM schedule_runs WHERE task = 'deletion-reaper'`).Scan(&runs)
			t.Logf("%d pets purged once each; %d reaper runs taken", len(doomed), runs)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d expired pets still there after the reaper's minute", len(doomed)-purged, len(doomed))
		}
		time.Sleep(500 * time.Millisecond)
	}

	// kill -9 of a under create load on both: nothing acknowledged is
	// lost, and b finishes a's jobs.
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for g := range 4 {
		app, cl := a, ca
		if g%2 == 1 {
			app, cl = b, cb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if id, ok := createPet(cl, app.URL, "api", g*100000+i); ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	a.Kill()
	time.Sleep(time.Second) // b carries on alone
	close(stop)
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d creates acknowledged", len(acked))
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		rows, err := d.Read.Query(`SELECT p.id, p.status, (SELECT count(*) FROM events e WHERE e.pet_id = p.id AND e.to_status = 'in_quarantine')
			FROM pets p WHERE p.id IN (` + strings.Join(acked, ",") + `)`)
		if err != nil {
			t.Fatal(err)
		}
		found, done := 0, 0
		for rows.Next() {
			var pid, status string
			var moves int
			if err := rows.Scan(&pid, &status, &moves); err != nil {
				t.Fatal(err)
			}
			found++
			if moves > 1 {
				t.Fatalf("pet %s moved to quarantine %d times", pid, moves)
			}
			if status == string(shelter.StatusInQuarantine) && moves == 1 {
				done++
			}
		}
		rows.Close()
		if found != len(acked) {
			t.Fatalf("%d of %d acknowledged pets are missing after the kill", len(acked)-found, len(acked))
		}
		if done == len(acked) {
			t.Logf("%d acknowledged pets (on both servers), all in_quarantine once, a's jobs finished by b", len(acked))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged pets reached in_quarantine within 60s of the kill", done, len(acked))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type apiPet struct {
	ID     string
	Status string
}

func getPet(t *testing.T, c *http.Client, url, id string) apiPet {
	t.Helper()
	resp, err := c.Get(url + "/api/pets/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p apiPet
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&p) != nil {
		t.Fatalf("get %s: %s", id, resp.Status)
	}
	return p
}

func waitStatus(t *testing.T, c *http.Client, url, id string, want shelter.Status) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for getPet(t, c, url, id).Status != string(want) {
		if time.Now().After(deadline) {
			t.Fatalf("pet %s not %s after 30s", id, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
