package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

// exportBatch is how many pets EachPet reads per query: memory stays
// bounded by one batch, whatever the number of pets.
const exportBatch = 500

// EachPet calls fn for every pet the filter selects, in its sort order
// (Cursor and Limit are ignored). It reads in batches by keyset, so it
// holds no read snapshot between batches and its memory does not grow with
// the number of pets; a pet changed during the walk is seen as it was when
// its batch was read. An error from fn stops the walk and is returned.
func (s *Store) EachPet(ctx context.Context, f shelter.PetFilter, fn func(*shelter.Pet) error) error {
	if f.Sort == "" {
		f.Sort = shelter.SortID
	}
	spec, ok := sorts[f.Sort]
	if !ok {
		return shelter.Errorf(shelter.EINVALID, "Invalid sort: must be one of id, newest, name, age")
	}
	where, args, err := s.petFilterWhere(f)
	if err != nil {
		return err
	}
	var last *shelter.Pet
	for {
		w, a := where, args
		if last != nil {
			lastID, _ := strconv.ParseInt(last.ID, 10, 64) // ours: always a number
			w = append(w[:len(w):len(w)], "")
			switch f.Sort {
			case shelter.SortName:
				w[len(w)-1] = fmt.Sprintf("(%s, id) %s (?, ?)", spec.key, spec.cmp)
				a = append(a[:len(a):len(a)], last.Name, lastID)
			case shelter.SortAge:
				w[len(w)-1] = fmt.Sprintf("(%s, id) %s (?, ?)", spec.key, spec.cmp)
				a = append(a[:len(a):len(a)], last.AgeMonths, lastID)
			default:
				w[len(w)-1] = "id " + spec.cmp + " ?"
				a = append(a[:len(a):len(a)], lastID)
			}
		}
		q := `SELECT ` + petColumns + ` FROM pets`
		if len(w) > 0 {
			q += " WHERE " + strings.Join(w, " AND ")
		}
		q += " ORDER BY " + spec.orderBy + " LIMIT ?"
		batch, err := s.readPets(ctx, q, append(a, exportBatch)...)
		if err != nil {
			return err
		}
		for _, p := range batch {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
		last = batch[len(batch)-1]
	}
}

// readPets runs a query of pets on the read pool and returns them all.
func (s *Store) readPets(ctx context.Context, q string, args ...any) ([]*shelter.Pet, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("list pets", err)
	}
	defer rows.Close()
	var out []*shelter.Pet
	for rows.Next() {
		p, err := s.scanPet(rows)
		if err != nil {
			return nil, dbErr("list pets", err)
		}
		out = append(out, p)
	}
	return out, dbErrOrNil("list pets", rows.Err())
}
