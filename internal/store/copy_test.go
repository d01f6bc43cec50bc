package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// copy-db: a populated SQLite database copied into PostgreSQL shows the
// same pets (every status, deleted ones included) and timelines, keeps its
// accounts and jobs, and hands out ids after the highest SQLite used.
func TestCopySQLiteIntoPostgres(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL run only: copies into PostgreSQL (make test runs this on PostgreSQL)")
	}
	ctx := context.Background()
	src, err := store.Open(ctx, filepath.Join(t.TempDir(), "old.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		CreateJobs: []string{shelter.JobFeedingReminder}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	u := &shelter.User{Name: "Ana", Email: "ana@example.org", Role: shelter.RoleAdmin}
	if err := src.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 12 {
		p, err := src.CreatePet(ctx, origin, fields(fmt.Sprintf("Pet %d", i), shelter.SpeciesCat, i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	// Statuses along the lifecycle, by hand (no runner here), and deletes.
	for i, st := range []shelter.Status{shelter.StatusInQuarantine, shelter.StatusHealthy, shelter.StatusAvailable, shelter.StatusPending, shelter.StatusAdopted, shelter.StatusIll} {
		if _, err := src.DB().Write.Exec(`UPDATE pets SET status = ? WHERE id = ?`, string(st), ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.DeletePet(ctx, origin, ids[10]); err != nil {
		t.Fatal(err)
	}
	// A purged pet's id is never handed out again: delete the newest row.
	if _, err := src.DB().Write.Exec(`DELETE FROM pets WHERE id = ?`, ids[11]); err != nil {
		t.Fatal(err)
	}

	dst := storetest.Open(t, store.Options{})
	tables, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, c := range tables {
		rows[c.Name] = c.Rows
	}
	if rows["pets"] != 11 || rows["users"] != 1 || rows["jobs"] < 11 || rows["events"] < 23 {
		t.Fatalf("copied %v", rows)
	}
	for _, id := range ids[:11] {
		a, err1 := src.FindPetByID(ctx, id)
		b, err2 := dst.FindPetByID(ctx, id)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("pet %s: %+v (%v) vs %+v (%v)", id, a, err1, b, err2)
		}
		ea, _ := src.FindEvents(ctx, shelter.EventFilter{PetID: id})
		eb, _ := dst.FindEvents(ctx, shelter.EventFilter{PetID: id})
		if len(ea) == 0 || !reflect.DeepEqual(ea, eb) {
			t.Fatalf("pet %s's timeline: %d events vs %d", id, len(ea), len(eb))
		}
	}
	pa, _ := src.FindPets(ctx, shelter.PetFilter{})
	pb, _ := dst.FindPets(ctx, shelter.PetFilter{})
	if pa.Total != pb.Total || len(pa.Pets) != len(pb.Pets) {
		t.Fatalf("lists: %d vs %d pets", pa.Total, pb.Total)
	}
	if got, err := dst.FindUserByID(ctx, u.ID); err != nil || got.ID != u.ID {
		t.Fatalf("account: %+v %v", got, err)
	}
	p, err := dst.CreatePet(ctx, origin, fields("After", shelter.SpeciesDog, 1))
	if err != nil || p.ID != "13" {
		t.Fatalf("the next pet on PostgreSQL is %v (%v), want id 13 (12 was used and purged)", p, err)
	}
	if _, err := src.CopyTo(ctx, dst); err == nil {
		t.Fatal("a copy into a database that is not empty went ahead")
	}
}
