package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

var _ shelter.PhotoService = (*Store)(nil)

const photoColumns = `id, pet_id, is_primary, format, bytes, width, height, thumb_width, thumb_height,
	thumb_hash, large_hash, actor, created_at`

func scanPhoto(row scanner) (*shelter.Photo, error) {
	var (
		ph        shelter.Photo
		id, petID int64
		primary   int
	)
	if err := row.Scan(&id, &petID, &primary, &ph.Format, &ph.Bytes, &ph.Width, &ph.Height, &ph.ThumbWidth, &ph.ThumbHeight,
		&ph.ThumbHash, &ph.LargeHash, &ph.Actor, &ph.CreatedAt); err != nil {
		return nil, err
	}
	ph.ID, ph.PetID, ph.Primary = strconv.FormatInt(id, 10), strconv.FormatInt(petID, 10), primary == 1
	return &ph, nil
}

// AddPhoto stores a photo of a pet and records photo.added; the pet's first
// photo becomes its primary one (and, as the AI describes the primary
// photo, asks for a new profile).
func (s *Store) AddPhoto(ctx context.Context, o shelter.Origin, petID string, np shelter.NewPhoto) (*shelter.Photo, error) {
	var ph *shelter.Photo
	err := s.inTx(ctx, func(tx *txn) error {
		p, err := findPetTx(ctx, tx, petID)
		if err != nil {
			return err
		}
		if p.Deleted() {
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s is deleted: restore it before adding photos", p.ID)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM photos WHERE pet_id = ?`, p.ID).Scan(&n); err != nil {
			return dbErr("count photos", err)
		}
		if n >= shelter.MaxPhotosPerPet {
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s has %d photos, the most a pet may have: delete one first", p.ID, n)
		}
		now := s.nowMillis()
		ph = &shelter.Photo{PetID: p.ID, Primary: n == 0, Format: np.Format, Bytes: np.Bytes,
			Width: np.Large.Width, Height: np.Large.Height, ThumbWidth: np.Thumb.Width, ThumbHeight: np.Thumb.Height,
			ThumbHash: np.Thumb.Hash, LargeHash: np.Large.Hash, Actor: o.Actor, CreatedAt: now}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO photos (pet_id, is_primary, format, bytes, width, height,
			thumb_width, thumb_height, thumb_hash, large_hash, actor, created_at, thumb, large)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ID, boolInt(ph.Primary), ph.Format, ph.Bytes, ph.Width, ph.Height, ph.ThumbWidth, ph.ThumbHeight,
			ph.ThumbHash, ph.LargeHash, ph.Actor, now, np.Thumb.Data, np.Large.Data).Scan(&id); err != nil {
			return dbErr("insert photo", err)
		}
		ph.ID = strconv.FormatInt(id, 10)
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPhotoAdded),
			PetID: p.ID, Actor: o.Actor, Data: mustJSON(map[string]any{"photoId": ph.ID, "primary": ph.Primary,
				"format": ph.Format, "width": ph.Width, "height": ph.Height})}); err != nil {
			return err
		}
		if ph.Primary {
			return s.primaryChangedTx(ctx, tx, o, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ph, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// primaryChangedTx asks for a new profile when a pet's primary photo
// changed: the AI describes the animal in the picture. An enrichment
// already queued and not started is joined.
func (s *Store) primaryChangedTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet) error {
	if !slices.Contains(s.createJobs, shelter.JobEnrichProfile) {
		return nil // profiles are not written at all
	}
	_, _, err := s.enqueueEnrichmentTx(ctx, tx, o, p)
	return err
}

// FindPhotos lists a pet's photos, the primary first, then oldest first.
// ENOTFOUND when the pet does not exist.
func (s *Store) FindPhotos(ctx context.Context, petID string) ([]*shelter.Photo, error) {
	if _, err := s.FindPetByID(ctx, petID); err != nil {
		return nil, err
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+photoColumns+` FROM photos WHERE pet_id = ?
		ORDER BY is_primary DESC, id`, petID)
	if err != nil {
		return nil, dbErr("list photos", err)
	}
	defer rows.Close()
	out := []*shelter.Photo{}
	for rows.Next() {
		ph, err := scanPhoto(rows)
		if err != nil {
			return nil, dbErr("list photos", err)
		}
		out = append(out, ph)
	}
	return out, dbErrOrNil("list photos", rows.Err())
}

// FindPrimaryPhotos returns the primary photo of each pet of petIDs that
// has one.
func (s *Store) FindPrimaryPhotos(ctx context.Context, petIDs []string) (map[string]*shelter.Photo, error) {
	out := map[string]*shelter.Photo{}
	var ids []any
	for _, id := range petIDs {
		if n, err := parseID(id); err == nil {
			ids = append(ids, n)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	// Batches keep the statement under SQLite's variable limit.
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		rows, err := s.db.Read.QueryContext(ctx, `SELECT `+photoColumns+` FROM photos WHERE is_primary = 1 AND pet_id IN (?`+
			strings.Repeat(", ?", len(batch)-1)+`)`, batch...)
		if err != nil {
			return nil, dbErr("list primary photos", err)
		}
		for rows.Next() {
			ph, err := scanPhoto(rows)
			if err != nil {
				rows.Close()
				return nil, dbErr("list primary photos", err)
			}
			out[ph.PetID] = ph
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, dbErr("list primary photos", err)
		}
	}
	return out, nil
}

// findPhotoTx reads one photo of one pet; ENOTFOUND when the photo is
// not that pet's.
func findPhotoTx(ctx context.Context, tx *txn, petID, photoID string) (*shelter.Photo, error) {
	n, err := parseID(photoID)
	if err != nil {
		return nil, err
	}
	ph, err := scanPhoto(tx.QueryRowContext(ctx, `SELECT `+photoColumns+` FROM photos WHERE id = ? AND pet_id = ?`, n, petID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find photo", err)
	}
	return ph, nil
}

// DeletePhoto removes a photo and records photo.deleted. When it was the
// primary, the oldest remaining photo becomes the primary (and a new
// profile is asked for).
func (s *Store) DeletePhoto(ctx context.Context, o shelter.Origin, petID, photoID string) error {
	return s.inTx(ctx, func(tx *txn) error {
		p, err := findPetTx(ctx, tx, petID)
		if err != nil {
			return err
		}
		ph, err := findPhotoTx(ctx, tx, p.ID, photoID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM photos WHERE id = ?`, ph.ID); err != nil {
			return dbErr("delete photo", err)
		}
		data := map[string]any{"photoId": ph.ID, "wasPrimary": ph.Primary}
		var next int64
		if ph.Primary {
			err := tx.QueryRowContext(ctx, `SELECT id FROM photos WHERE pet_id = ? ORDER BY id LIMIT 1`, p.ID).Scan(&next)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return dbErr("find next primary", err)
			}
			if next != 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE photos SET is_primary = 1 WHERE id = ?`, next); err != nil {
					return dbErr("set primary photo", err)
				}
				data["primaryPhotoId"] = strconv.FormatInt(next, 10)
			}
		}
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPhotoDeleted),
			PetID: p.ID, Actor: o.Actor, Data: mustJSON(data)}); err != nil {
			return err
		}
		if next != 0 && !p.Deleted() {
			return s.primaryChangedTx(ctx, tx, o, p)
		}
		return nil
	})
}

// SetPrimaryPhoto makes a photo its pet's primary one, records
// photo.primary.changed and asks for a new profile. Choosing the photo that
// is already primary changes nothing.
func (s *Store) SetPrimaryPhoto(ctx context.Context, o shelter.Origin, petID, photoID string) (*shelter.Photo, error) {
	var ph *shelter.Photo
	err := s.inTx(ctx, func(tx *txn) error {
		p, err := findPetTx(ctx, tx, petID)
		if err != nil {
			return err
		}
		if ph, err = findPhotoTx(ctx, tx, p.ID, photoID); err != nil {
			return err
		}
		if ph.Primary {
			return nil
		}
		if p.Deleted() {
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s is deleted: restore it before changing its photos", p.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE photos SET is_primary = 0 WHERE pet_id = ? AND is_primary = 1`, p.ID); err != nil {
			return dbErr("set primary photo", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE photos SET is_primary = 1 WHERE id = ?`, ph.ID); err != nil {
			return dbErr("set primary photo", err)
		}
		ph.Primary = true
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPhotoPrimaryChanged),
			PetID: p.ID, Actor: o.Actor, Data: mustJSON(map[string]any{"photoId": ph.ID})}); err != nil {
			return err
		}
		return s.primaryChangedTx(ctx, tx, o, p)
	})
	if err != nil {
		return nil, err
	}
	return ph, nil
}

// FindPhotoData returns one stored copy's bytes when hash is its content
// hash.
func (s *Store) FindPhotoData(ctx context.Context, photoID, size, hash string) ([]byte, error) {
	n, err := parseID(photoID)
	if err != nil {
		return nil, err
	}
	var q string
	switch size {
	case shelter.PhotoThumb:
		q = `SELECT thumb FROM photos WHERE id = ? AND thumb_hash = ?`
	case shelter.PhotoLarge:
		q = `SELECT large FROM photos WHERE id = ? AND large_hash = ?`
	default:
		return nil, shelter.ErrNotFound()
	}
	var data []byte
	err = s.db.Read.QueryRowContext(ctx, q, n, hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("read photo", err)
	}
	return data, nil
}

// FindPrimaryPhotoLarge returns the large copy of a pet's primary photo,
// for the AI; ENOTFOUND when the pet has none.
func (s *Store) FindPrimaryPhotoLarge(ctx context.Context, petID string) ([]byte, error) {
	n, err := parseID(petID)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = s.db.Read.QueryRowContext(ctx, `SELECT large FROM photos WHERE pet_id = ? AND is_primary = 1`, n).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("read primary photo", err)
	}
	return data, nil
}
