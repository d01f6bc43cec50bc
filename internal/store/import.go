package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

// ImportSummary says what ImportPets wrote.
type ImportSummary struct {
	Pets     int
	ByStatus map[shelter.Status]int
	// Jobs counts the background jobs queued for imported pets that were
	// waiting for them (a pet still new gets its feeding reminder, one
	// without a profile its enrichment), as a restore queues them.
	Jobs int
	// MaxID is the highest imported id; NextID the id the next new pet gets.
	MaxID, NextID int64
}

// ImportPets stores pets read from a file with their ids and timestamps,
// records one "<o.Namespace>.pet.imported" event each, and keeps ids up to
// seq from ever being handed out, all in one transaction: either every pet
// is imported or none is. An id that names a pet, or a pet that once was
// (its events remain), is refused (ECONFLICT, naming the ids), as is a
// microchip that another pet has.
func (s *Store) ImportPets(ctx context.Context, o shelter.Origin, pets []*shelter.Pet, seq int64) (*ImportSummary, error) {
	sum := &ImportSummary{ByStatus: map[shelter.Status]int{}}
	err := s.inTx(ctx, func(tx *txn) error {
		// Which ids are taken, in chunks (SQLite bounds a statement's
		// parameters).
		var taken []string
		for start := 0; start < len(pets); start += 500 {
			chunk := pets[start:min(start+500, len(pets))]
			marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
			args := make([]any, 0, 2*len(chunk))
			for _, p := range chunk {
				n, err := parseID(p.ID)
				if err != nil {
					return shelter.Errorf(shelter.EINVALID, "Pet id %q: must be a positive whole number", p.ID)
				}
				args = append(args, n)
			}
			args = append(args, args...)
			rows, err := tx.QueryContext(ctx, `SELECT id FROM pets WHERE id IN (`+marks+`)
				UNION SELECT pet_id FROM events WHERE pet_id IN (`+marks+`) ORDER BY 1`, args...)
			if err != nil {
				return dbErr("check ids", err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return dbErr("check ids", err)
				}
				taken = append(taken, strconv.FormatInt(id, 10))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return dbErr("check ids", err)
			}
		}
		if len(taken) > 0 {
			list := strings.Join(taken[:min(len(taken), 50)], ", ")
			if len(taken) > 50 {
				list += fmt.Sprintf(" and %d more", len(taken)-50)
			}
			return shelter.Errorf(shelter.ECONFLICT, "%d pet id(s) already taken here, nothing imported: %s", len(taken), list)
		}
		for _, p := range pets {
			if err := checkMicrochipTx(ctx, tx, p.Microchip, ""); err != nil {
				return fmt.Errorf("pet %s: %w", p.ID, err)
			}
			var profile any
			if p.Profile != nil {
				text, err := profileText(p, p.Profile)
				if err != nil {
					return fmt.Errorf("pet %s: encode profile: %w", p.ID, err)
				}
				profile = text
			}
			deletedNS := ""
			if p.Deleted() {
				deletedNS = o.Namespace
				if p.PurgeAt == 0 {
					p.PurgeAt = p.DeletedAt + s.purgeAfter.Milliseconds()
				}
			}
			id, _ := parseID(p.ID)
			if _, err := tx.ExecContext(ctx, `INSERT INTO pets (id, name, species, age_months, status, notes, next_feeding_at,
				deleted_at, purge_at, status_before_delete, deleted_namespace, profile, created_at, updated_at,
				sex, breed, color, microchip, location, intake_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, p.Name, p.Species, p.AgeMonths, p.Status, p.Notes, p.NextFeedingAt, p.DeletedAt, p.PurgeAt, deletedNS, profile,
				p.CreatedAt, p.UpdatedAt, p.Sex, p.Breed, p.Color, p.Microchip, p.Location, p.IntakeType); err != nil {
				return dbErr("import pet "+p.ID, err)
			}
			if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetImported),
				PetID: p.ID, Actor: o.Actor, To: p.Status,
				Data: mustJSON(map[string]any{"name": p.Name, "species": p.Species, "ageMonths": p.AgeMonths, "createdAt": p.CreatedAt})}); err != nil {
				return err
			}
			if !p.Deleted() {
				for _, kind := range s.createJobs {
					if k, ok := shelter.FindJobKind(kind); ok && k.Rerun != nil && k.Rerun(p) {
						if _, err := s.enqueueTx(ctx, tx, o, kind, p.ID, nil); err != nil {
							return err
						}
						sum.Jobs++
					}
				}
			}
			sum.Pets++
			sum.ByStatus[p.Status]++
			sum.MaxID = max(sum.MaxID, id)
		}
		// AUTOINCREMENT's memory: never hand out an id up to seq (the
		// original's sequence) or the highest imported.
		if s.Postgres() {
			if err := tx.QueryRowContext(ctx, pgAdvancePetIDs, seq).Scan(&sum.NextID); err != nil {
				return dbErr("advance the id sequence", err)
			}
		} else if seq > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq)
				SELECT 'pets', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'pets')`); err != nil {
				return dbErr("advance the id sequence", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'pets'`, seq); err != nil {
				return dbErr("advance the id sequence", err)
			}
		}
		if s.Postgres() {
			// read above
		} else if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'pets'), 0) + 1`).Scan(&sum.NextID); err != nil {
			return dbErr("read the id sequence", err)
		}
		n := sum.Pets
		tx.After(func() { s.log.Info("📥 Pets imported", "count", n, "namespace", o.Namespace, "actor", o.Actor) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// pgAdvancePetIDs moves PostgreSQL's id sequence of pets past $1 and past
// every id in the table (rows inserted with their own id do not move it),
// and returns the next id it will hand out.
const pgAdvancePetIDs = `SELECT setval('pets_id_seq', greatest(m, 1), m > 0) + CASE WHEN m > 0 THEN 1 ELSE 0 END FROM (
	SELECT greatest($1::bigint, (SELECT coalesce(max(id), 0) FROM pets),
		(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM pets_id_seq)) AS m) AS x`
