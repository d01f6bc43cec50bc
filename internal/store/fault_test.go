package store_test

import (
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// A full database (SQLite's max_page_count stands in for a full disk):
// writes fail with EUNAVAILABLE naming the cause, Ping says so too, the
// fault is logged once (then once a minute), and everything recovers by
// itself once there is room, with every acknowledged pet present.
func TestStorageFaultFullAndRecovery(t *testing.T) {
	storetest.SQLiteOnly(t, "fills the database with max_page_count (db.FaultOf's PostgreSQL codes are tested in db)")
	var logs logtest.Buffer
	now := time.Unix(1_800_000_000, 0)
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	s := storetest.Open(t, store.Options{Now: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	w := s.DB().Write
	var pages int
	if err := w.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`PRAGMA max_page_count = ` + strconv.Itoa(pages+30)); err != nil {
		t.Fatal(err)
	}
	var acked []string
	var failErr error
	for i := 0; i < 5000 && failErr == nil; i++ {
		p, err := s.CreatePet(ctx, origin, fields("Pet "+strconv.Itoa(i)+strings.Repeat("x", 50), shelter.SpeciesCat, 3))
		if err != nil {
			failErr = err
			break
		}
		acked = append(acked, p.ID)
	}
	if failErr == nil {
		t.Fatal("the database never filled up")
	}
	if shelter.ErrorCode(failErr) != shelter.EUNAVAILABLE || !strings.HasPrefix(shelter.ErrorMessage(failErr), "The database disk is full") {
		t.Fatalf("error %v: code %s message %q", failErr, shelter.ErrorCode(failErr), shelter.ErrorMessage(failErr))
	}
	for range 5 { // more failures within the minute: no new log line
		s.CreatePet(ctx, origin, fields("Late", shelter.SpeciesCat, 3))
	}
	advance(2 * time.Second)
	if err := s.Ping(ctx); shelter.ErrorCode(err) != shelter.EUNAVAILABLE || !strings.HasPrefix(shelter.ErrorMessage(err), "The database disk is full") {
		t.Fatalf("Ping during the fault: %v", err)
	}
	if n := strings.Count(logs.String(), "Storage fault"); n != 1 {
		t.Errorf("%d fault lines within a minute, want 1:\n%s", n, logs.String())
	}
	advance(time.Minute)
	s.CreatePet(ctx, origin, fields("Late", shelter.SpeciesCat, 3))
	if n := strings.Count(logs.String(), "Storage fault persists"); n != 1 {
		t.Errorf("%d 'persists' lines after a minute, want 1:\n%s", n, logs.String())
	}

	// The database could take a probe write again, but the disk has
	// hardly any space: still full (the WAL's old space, reused after a
	// checkpoint, would let small writes through while larger ones fail).
	if _, err := w.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
		t.Fatal(err)
	}
	store.SetFreeBytes(t, 200<<10)
	advance(2 * time.Second)
	if err := s.Ping(ctx); shelter.ErrorCode(err) != shelter.EUNAVAILABLE || !strings.HasPrefix(shelter.ErrorMessage(err), "The database disk is full") {
		t.Fatalf("Ping with 200 KiB free: %v, want the disk still full", err)
	}

	// Space comes back: the next Ping's probe write succeeds.
	store.SetFreeBytes(t, 64<<20)
	advance(2 * time.Second)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after space returned: %v", err)
	}
	if !strings.Contains(logs.String(), "Storage fault over") {
		t.Errorf("no recovery line:\n%s", logs.String())
	}
	if _, err := s.CreatePet(ctx, origin, fields("After", shelter.SpeciesDog, 3)); err != nil {
		t.Fatalf("create after recovery: %v", err)
	}
	for _, id := range acked {
		if _, err := s.FindPetByID(ctx, id); err != nil {
			t.Fatalf("acknowledged pet %s: %v", id, err)
		}
	}
	var ok string
	if err := w.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
}
