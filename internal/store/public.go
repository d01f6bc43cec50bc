package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

var _ shelter.PublicService = (*Store)(nil)

// The public adoption page reads pets through these queries only. They
// name the few columns it may show and select available pets alone, so no
// other status and no internal field (notes, microchip, location,
// events, staff) can reach it.
const publicPetSQL = `SELECT p.id, p.name, p.species, p.sex, p.age_months, p.profile,
	ph.id, ph.thumb_width, ph.thumb_height, ph.width, ph.height, ph.thumb_hash, ph.large_hash
	FROM pets p LEFT JOIN photos ph ON ph.pet_id = p.id AND ph.is_primary = 1
	WHERE p.status = 'available'`

func (s *Store) scanPublicPet(row scanner) (*shelter.PublicPet, error) {
	var (
		p       shelter.PublicPet
		id      int64
		profile sql.NullString
		phID    sql.NullInt64
		tw, th  sql.NullInt64
		w, h    sql.NullInt64
		thash   sql.NullString
		lhash   sql.NullString
	)
	if err := row.Scan(&id, &p.Name, &p.Species, &p.Sex, &p.AgeMonths, &profile, &phID, &tw, &th, &w, &h, &thash, &lhash); err != nil {
		return nil, err
	}
	p.ID, p.Available = strconv.FormatInt(id, 10), true
	if profile.Valid && profile.String != "" {
		pr, err := s.profiles.read(profile.String, &shelter.Pet{Name: p.Name, Species: p.Species, AgeMonths: p.AgeMonths})
		if err != nil {
			return nil, fmt.Errorf("pet %s: decode profile: %w", p.ID, err)
		}
		p.Profile = pr
		p.Profile.Model = "" // how it was written is not the public's business
	}
	if phID.Valid {
		p.Photo = &shelter.Photo{ID: strconv.FormatInt(phID.Int64, 10), PetID: p.ID, Primary: true,
			ThumbWidth: int(tw.Int64), ThumbHeight: int(th.Int64), Width: int(w.Int64), Height: int(h.Int64),
			ThumbHash: thash.String, LargeHash: lhash.String}
	}
	return &p, nil
}

// FindAdoptablePets lists the available pets, newest arrivals first.
func (s *Store) FindAdoptablePets(ctx context.Context, f shelter.PublicFilter) ([]*shelter.PublicPet, error) {
	q, args := publicPetSQL, []any{}
	if f.Species != "" {
		q, args = q+` AND p.species = ?`, append(args, f.Species)
	}
	if f.AgeGroup != "" {
		lo, hi, ok := f.AgeGroup.Months()
		if !ok {
			return nil, shelter.Errorf(shelter.EINVALID, "Unknown age group")
		}
		q, args = q+` AND p.age_months >= ? AND p.age_months < ?`, append(args, lo, hi)
	}
	rows, err := s.db.Read.QueryContext(ctx, q+` ORDER BY p.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, dbErr("list adoptable pets", err)
	}
	defer rows.Close()
	out := []*shelter.PublicPet{}
	for rows.Next() {
		p, err := s.scanPublicPet(rows)
		if err != nil {
			return nil, dbErr("list adoptable pets", err)
		}
		out = append(out, p)
	}
	return out, dbErrOrNil("list adoptable pets", rows.Err())
}

// FindAdoptablePet returns one available pet. A pet that has moved on
// (pending or adopted) comes back with Available false and its name only;
// any other is ENOTFOUND.
func (s *Store) FindAdoptablePet(ctx context.Context, id string) (*shelter.PublicPet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := s.scanPublicPet(s.db.Read.QueryRowContext(ctx, publicPetSQL+` AND p.id = ?`, n))
	if err == nil {
		return p, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, dbErr("find adoptable pet", err)
	}
	var name string
	err = s.db.Read.QueryRowContext(ctx, `SELECT name FROM pets WHERE id = ? AND status IN ('pending', 'adopted')`, n).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find adoptable pet", err)
	}
	return &shelter.PublicPet{ID: strconv.FormatInt(n, 10), Name: name}, nil
}

// FindPublicPhotoData returns a stored copy of the primary photo of an
// available pet.
func (s *Store) FindPublicPhotoData(ctx context.Context, photoID, size, hash string) ([]byte, error) {
	n, err := parseID(photoID)
	if err != nil {
		return nil, err
	}
	col, hcol := "large", "large_hash"
	switch size {
	case shelter.PhotoThumb:
		col, hcol = "thumb", "thumb_hash"
	case shelter.PhotoLarge:
	default:
		return nil, shelter.ErrNotFound()
	}
	var data []byte
	err = s.db.Read.QueryRowContext(ctx, `SELECT ph.`+col+` FROM photos ph JOIN pets p ON p.id = ph.pet_id
		WHERE ph.id = ? AND ph.`+hcol+` = ? AND ph.is_primary = 1 AND p.status = 'available'`, n, hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("read photo", err)
	}
	return data, nil
}

// addrHash keeps a client address only as a salted hash.
func addrHash(addr string) string {
	sum := sha256.Sum256([]byte("petstore-inquiry:" + addr))
	return hex.EncodeToString(sum[:16])
}

// CreateInquiry files an inquiry for an available pet and records
// inquiry.received (with the inquiry's id only) on the pet.
func (s *Store) CreateInquiry(ctx context.Context, petID string, f shelter.InquiryFields, addr string) (*shelter.Inquiry, error) {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var in *shelter.Inquiry
	err := s.inTx(ctx, func(tx *txn) error {
		p, err := findPetTx(ctx, tx, petID)
		if err != nil {
			return err
		}
		if p.Status != shelter.StatusAvailable {
			return shelter.ErrNotFound()
		}
		now := s.nowMillis()
		since := now - shelter.InquiryWindow.Milliseconds()
		h := addrHash(addr)
		var byAddr, byPet int
		var oldest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM inquiries WHERE addr_hash = ? AND created_at > ?`, h, since).Scan(&byAddr, &oldest); err != nil {
			return dbErr("count inquiries", err)
		}
		if byAddr >= shelter.InquiriesPerAddress {
			retry := time.Duration(oldest.Int64+shelter.InquiryWindow.Milliseconds()-now) * time.Millisecond
			return throttled(retry)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inquiries WHERE pet_id = ? AND created_at > ?`, p.ID, since).Scan(&byPet); err != nil {
			return dbErr("count inquiries", err)
		}
		if byPet >= shelter.InquiriesPerPet {
			return throttled(shelter.InquiryWindow)
		}
		in = &shelter.Inquiry{PetID: p.ID, PetName: p.Name, Name: f.Name, Email: f.Email, Phone: f.Phone, Message: f.Message,
			State: shelter.InquiryOpen, CreatedAt: now}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO inquiries (pet_id, name, email, phone, message, addr_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, in.Name, in.Email, in.Phone, in.Message, h, now).Scan(&id); err != nil {
			return dbErr("insert inquiry", err)
		}
		in.ID = strconv.FormatInt(id, 10)
		tx.After(func() { s.log.Info("💌 Inquiry received", "petId", p.ID, "inquiryId", in.ID) })
		return s.insertEvent(ctx, tx, &shelter.Event{Namespace: shelter.NamespacePublic,
			Type: shelter.EventType(shelter.NamespacePublic, shelter.EventInquiryReceived), PetID: p.ID, Actor: shelter.ActorAdopter,
			Data: mustJSON(map[string]any{"inquiryId": in.ID})})
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

func throttled(retry time.Duration) error {
	retry = max(retry, time.Minute)
	return &shelter.Error{Code: shelter.ETHROTTLED, Message: fmt.Sprintf(
		"Too many inquiries for now: please try again in %d minutes, or contact the shelter directly.", int(retry.Minutes()+0.999))}
}

const inquiryColumns = `i.id, i.pet_id, p.name, i.name, i.email, i.phone, i.message, i.state, i.outcome, i.reason,
	i.closed_by, i.closed_at, i.created_at`

func scanInquiry(row scanner) (*shelter.Inquiry, error) {
	var (
		in        shelter.Inquiry
		id, petID int64
	)
	if err := row.Scan(&id, &petID, &in.PetName, &in.Name, &in.Email, &in.Phone, &in.Message, &in.State, &in.Outcome, &in.Reason,
		&in.ClosedBy, &in.ClosedAt, &in.CreatedAt); err != nil {
		return nil, err
	}
	in.ID, in.PetID = strconv.FormatInt(id, 10), strconv.FormatInt(petID, 10)
	return &in, nil
}

// FindInquiries lists inquiries, newest first.
func (s *Store) FindInquiries(ctx context.Context, f shelter.InquiryFilter) ([]*shelter.Inquiry, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "i.state = ?"), append(args, f.State)
	}
	if f.PetID != "" {
		n, err := parseID(f.PetID)
		if err != nil {
			return []*shelter.Inquiry{}, nil
		}
		where, args = append(where, "i.pet_id = ?"), append(args, n)
	}
	if f.Before != 0 {
		where, args = append(where, "i.id < ?"), append(args, f.Before)
	}
	q := `SELECT ` + inquiryColumns + ` FROM inquiries i JOIN pets p ON p.id = i.pet_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.Read.QueryContext(ctx, q+` ORDER BY i.id DESC LIMIT ?`, append(args, pageLimit(f.Limit))...)
	if err != nil {
		return nil, dbErr("list inquiries", err)
	}
	defer rows.Close()
	out := []*shelter.Inquiry{}
	for rows.Next() {
		in, err := scanInquiry(rows)
		if err != nil {
			return nil, dbErr("list inquiries", err)
		}
		out = append(out, in)
	}
	return out, dbErrOrNil("list inquiries", rows.Err())
}

// CountOpenInquiries counts the open inquiries.
func (s *Store) CountOpenInquiries(ctx context.Context) (int, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM inquiries WHERE state = 'open'`).Scan(&n); err != nil {
		return 0, dbErr("count inquiries", err)
	}
	return n, nil
}

func findInquiryTx(ctx context.Context, tx *txn, id string) (*shelter.Inquiry, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	in, err := scanInquiry(tx.QueryRowContext(ctx, `SELECT `+inquiryColumns+` FROM inquiries i JOIN pets p ON p.id = i.pet_id WHERE i.id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find inquiry", err)
	}
	return in, nil
}

// closeInquiryTx closes an open inquiry with an outcome and records
// inquiry.closed with the staff member as actor.
func (s *Store) closeInquiryTx(ctx context.Context, tx *txn, o shelter.Origin, in *shelter.Inquiry, outcome, reason string) error {
	if in.State != shelter.InquiryOpen {
		return shelter.Errorf(shelter.ECONFLICT, "Inquiry %s is already closed", in.ID)
	}
	now := s.nowMillis()
	in.State, in.Outcome, in.Reason, in.ClosedBy, in.ClosedAt = shelter.InquiryClosed, outcome, reason, o.Actor, now
	if _, err := tx.ExecContext(ctx, `UPDATE inquiries SET state = 'closed', outcome = ?, reason = ?, closed_by = ?, closed_at = ? WHERE id = ?`,
		outcome, reason, o.Actor, now, in.ID); err != nil {
		return dbErr("close inquiry", err)
	}
	return s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventInquiryClosed),
		PetID: in.PetID, Actor: o.Actor, Data: mustJSON(map[string]any{"inquiryId": in.ID, "outcome": outcome, "reason": reason})})
}

// CloseInquiry declines an open inquiry with a reason.
func (s *Store) CloseInquiry(ctx context.Context, o shelter.Origin, id, reason string) (*shelter.Inquiry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > shelter.MaxCloseReasonLen {
		return nil, &shelter.Error{Code: shelter.EINVALID, Message: "Invalid payload: {reason}",
			Fields: []shelter.FieldError{{Field: "reason", Message: "must be 1 to 500 characters"}}}
	} else if msg := shelter.TextProblem(reason, true); msg != "" {
		return nil, &shelter.Error{Code: shelter.EINVALID, Message: "Invalid payload: {reason}",
			Fields: []shelter.FieldError{{Field: "reason", Message: msg}}}
	}
	var in *shelter.Inquiry
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if in, err = findInquiryTx(ctx, tx, id); err != nil {
			return err
		}
		return s.closeInquiryTx(ctx, tx, o, in, shelter.OutcomeDeclined, reason)
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// StartAdoption asks the orchestrator for pending with the inquiry's
// person as the applicant and closes the inquiry, in one transaction. A
// transition the table rejects changes nothing: ECONFLICT with its reason.
func (s *Store) StartAdoption(ctx context.Context, o shelter.Origin, id string) (*shelter.Inquiry, *shelter.Pet, error) {
	var (
		in *shelter.Inquiry
		p  *shelter.Pet
	)
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if in, err = findInquiryTx(ctx, tx, id); err != nil {
			return err
		}
		if in.State != shelter.InquiryOpen {
			return shelter.Errorf(shelter.ECONFLICT, "Inquiry %s is already closed", in.ID)
		}
		if p, err = findPetTx(ctx, tx, in.PetID); err != nil {
			return err
		}
		if p.Status != shelter.StatusAvailable {
			return shelter.Errorf(shelter.ECONFLICT, "Cannot start an adoption of %s: the pet is %s, not available", p.Name, p.Status.Label())
		}
		adopter := &shelter.Adopter{Name: in.Name, Email: in.Email, Phone: in.Phone}
		d, err := s.requestStatusTx(ctx, tx, o, p, shelter.StatusPending, "From inquiry "+in.ID, adopter)
		if err != nil {
			return err
		}
		if d.Rejected {
			return shelter.Errorf(shelter.ECONFLICT, "Cannot start an adoption of %s: %s", p.Name, d.Reason)
		}
		return s.closeInquiryTx(ctx, tx, o, in, shelter.OutcomeAdoptionStarted, "")
	})
	if err != nil {
		return nil, nil, err
	}
	return in, p, nil
}
