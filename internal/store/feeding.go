package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// CompleteFeedingReminder does the whole work of a feeding reminder job in
// one transaction: it writes the welcome note and the next feeding time
// (the pet's creation + interval), records {ns}.feeding.reminder.completed,
// applies the orchestrator's new → in_quarantine and completes the job, so
// however often the job is delivered the pet moves once. A pet deleted,
// purged or moved on since the create is left as it is, and the job
// completes.
func (s *Store) CompleteFeedingReminder(ctx context.Context, job *shelter.Job, interval time.Duration) error {
	start := time.Now()
	return s.inTx(ctx, func(tx *txn) error {
		if err := s.feedingReminderTx(ctx, tx, job, interval, start); err != nil {
			return err
		}
		return s.completeJobTx(ctx, tx, job.ID)
	})
}

// feedingReminderTx does a feeding reminder's work, all but completing its
// job, in the caller's transaction; start is when the work began.
func (s *Store) feedingReminderTx(ctx context.Context, tx *txn, job *shelter.Job, interval time.Duration, start time.Time) error {
	p, err := s.findFeedingPetTx(ctx, tx, job.PetID)
	if shelter.ErrorCode(err) == shelter.ENOTFOUND {
		tx.After(func() {
			s.log.Warn("⚠️ Feeding reminder skipped: the pet no longer exists", "petId", job.PetID, "jobId", job.ID)
		})
		return nil
	} else if err != nil {
		return err
	}
	if p.Deleted() {
		tx.After(func() {
			s.log.Info("⚠️ Feeding reminder skipped: the pet is deleted", "petId", p.ID, "jobId", job.ID)
		})
		return nil
	}
	if p.Status != shelter.StatusNew {
		tx.After(func() {
			s.log.Info("⚠️ Feeding reminder skipped: the pet has moved on", "petId", p.ID, "jobId", job.ID, "status", p.Status)
		})
		return nil
	}
	if interval <= 0 {
		interval = s.feedingInterval
	}
	s.setFeeding(p, shelter.WithWelcome(p.Notes), p.CreatedAt+interval.Milliseconds())
	next := p.NextFeedingAt
	o := shelter.Origin{Namespace: job.Namespace, Actor: shelter.ActorSystem}
	ms := time.Since(start).Milliseconds()
	done := &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventFeedingReminderCompleted),
		PetID: p.ID, Actor: o.Actor, Data: mustJSON(reminderData{JobID: job.ID, NextFeedingAt: next, ProcessingTimeMs: ms})}
	tx.After(func() {
		s.log.Info("✅ Next feeding reminder set", "petId", p.ID, "notes", p.Notes, "nextFeedingAt", shelter.FromMillis(next), "processingTimeMs", ms)
		s.log.Info("🔄 Lifecycle orchestrator processing", "petId", p.ID, "eventType", shelter.TriggerFeedingReminderCompleted)
	})
	// The note, the feeding time and the orchestrator's step are one
	// change of the pet: one UPDATE, one new version.
	d := shelter.DecideTrigger(p.Status, shelter.TriggerFeedingReminderCompleted)
	if err := s.insertEvents(ctx, tx, s.stepsTx(tx, o, p, d, "", nil, done)...); err != nil {
		return err
	}
	p.Version++
	if len(d.Steps) == 0 {
		_, err = tx.execPrepared(ctx, setFeedingSQL, p.Notes, p.NextFeedingAt, p.UpdatedAt, p.Version, p.ID)
	} else {
		_, err = tx.execPrepared(ctx, setFeedingStatusSQL, p.Notes, p.NextFeedingAt, p.Status, p.UpdatedAt, p.StatusChangedAt,
			p.StatusNote, adopterJSON(p), p.Version, p.ID)
	}
	if err != nil {
		return dbErr("set feeding reminder", err)
	}
	s.finishPet(p)
	return nil
}

const setFeedingStatusSQL = `UPDATE pets SET notes = ?, next_feeding_at = ?, status = ?, updated_at = ?, status_changed_at = ?,
	status_note = ?, adopter = ?, version = ? WHERE id = ?`

// findFeedingPetSQL reads what the feeding reminder and the
// orchestrator's step after it need of a pet (a third of its columns).
const findFeedingPetSQL = `SELECT id, status, notes, created_at, updated_at, last_fed_at, feeding_interval_minutes,
	next_feeding_at, version FROM pets WHERE id = ?`

// findFeedingPetTx reads a pet for the feeding reminder, inside its
// transaction: the columns of findFeedingPetSQL, the rest left zero.
func (s *Store) findFeedingPetTx(ctx context.Context, tx *txn, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var p shelter.Pet
	err = tx.queryRowPrepared(ctx, findFeedingPetSQL, n).Scan(&n, &p.Status, &p.Notes, &p.CreatedAt, &p.UpdatedAt,
		&p.LastFedAt, &p.FeedingIntervalMinutes, &p.NextFeedingAt, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find pet", err)
	}
	p.ID = strconv.FormatInt(n, 10)
	s.finishPet(&p)
	return &p, nil
}

// setFeedingSQL writes the feeding reminder's changes of a pet the
// orchestrator leaves where it is; setFeedingStatusSQL those of one it
// moves on.
const setFeedingSQL = `UPDATE pets SET notes = ?, next_feeding_at = ?, updated_at = ?, version = ? WHERE id = ?`

// setFeeding sets a pet's notes and next feeding time, for the feeding
// reminder job to write. A pet with a feeding interval of its own gets its
// first feeding after that interval instead, and one fed before the
// reminder ran counts from that feeding.
func (s *Store) setFeeding(p *shelter.Pet, notes string, nextFeedingAt int64) {
	if p.LastFedAt != 0 {
		nextFeedingAt = p.LastFedAt + intervalMillis(p)
	} else if p.OwnFeedingInterval {
		nextFeedingAt = p.CreatedAt + intervalMillis(p)
	}
	p.Notes, p.NextFeedingAt = notes, nextFeedingAt
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
}

// feedingBeforeArrival is how long before a pet's record was made a
// feeding may be: it may have been fed before staff entered it (by a
// finder, or on the night shift), but not in 1970.
const feedingBeforeArrival = 7 * 24 * time.Hour

// RecordFeedings records one feeding of each pet, in one transaction: each
// fed pet gets its feeding row, lastFedAt, nextFeedingAt = lastFedAt +
// interval, a new version and one {ns}.pet.fed event. Pets not in the
// shelter's care, and unknown ones, are refused and left alone, as is a
// feeding from more than feedingBeforeArrival before the pet arrived. A
// feeding older than the pet's last one is recorded but moves nothing.
func (s *Store) RecordFeedings(ctx context.Context, o shelter.Origin, petIDs []string, r shelter.FeedingRequest) (*shelter.FeedingResult, error) {
	now := s.nowMillis()
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	if r.FedAt == 0 {
		r.FedAt = now
	}
	var res *shelter.FeedingResult
	err := s.inTx(ctx, func(tx *txn) error {
		res = &shelter.FeedingResult{Fed: []shelter.FedPet{}, Refused: []shelter.Refusal{}}
		seen := map[string]bool{}
		for _, id := range petIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			p, err := findPetTx(ctx, tx, id)
			if shelter.ErrorCode(err) == shelter.ENOTFOUND {
				res.Refused = append(res.Refused, shelter.Refusal{PetID: id, Reason: "Not found"})
				continue
			} else if err != nil {
				return err
			}
			if !p.InCare() {
				res.Refused = append(res.Refused, shelter.Refusal{PetID: p.ID, Name: p.Name,
					Reason: p.Name + " is " + strings.ToLower(p.Status.Label()) + ": only pets in the shelter's care are fed"})
				continue
			}
			if r.FedAt < p.CreatedAt-feedingBeforeArrival.Milliseconds() {
				res.Refused = append(res.Refused, shelter.Refusal{PetID: p.ID, Name: p.Name,
					Reason: p.Name + " arrived on " + shelter.FromMillis(p.CreatedAt).Format("2 Jan 2006 15:04 MST") +
						": a feeding more than a week before that cannot be recorded"})
				continue
			}
			f, err := s.recordFeedingTx(ctx, tx, o, p, r, now)
			if err != nil {
				return err
			}
			res.Fed = append(res.Fed, shelter.FedPet{Feeding: f, Pet: p})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Store) recordFeedingTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, r shelter.FeedingRequest, now int64) (*shelter.Feeding, error) {
	n, _ := parseID(p.ID) // read from the database: always valid
	f := &shelter.Feeding{PetID: p.ID, FedAt: r.FedAt, Note: r.Note, Actor: o.Actor, Namespace: o.Namespace, CreatedAt: now}
	if err := tx.QueryRowContext(ctx, `INSERT INTO feedings (pet_id, fed_at, note, actor, namespace, created_at) VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`, n, f.FedAt, f.Note, f.Actor, f.Namespace, f.CreatedAt).Scan(&f.ID); err != nil {
		return nil, dbErr("insert feeding", err)
	}
	if r.FedAt >= p.LastFedAt {
		p.LastFedAt = r.FedAt
		p.NextFeedingAt = p.LastFedAt + intervalMillis(p)
	}
	p.UpdatedAt = max(now, p.UpdatedAt)
	p.Version++
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET last_fed_at = ?, next_feeding_at = ?, updated_at = ?, version = ? WHERE id = ?`,
		p.LastFedAt, p.NextFeedingAt, p.UpdatedAt, p.Version, n); err != nil {
		return nil, dbErr("record feeding", err)
	}
	s.finishPet(p)
	data := map[string]any{"feedingId": f.ID, "fedAt": f.FedAt, "nextFeedingAt": p.NextFeedingAt, "name": p.Name}
	if f.Note != "" {
		data["note"] = f.Note
	}
	if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetFed),
		PetID: p.ID, Actor: o.Actor, Data: mustJSON(data)}); err != nil {
		return nil, err
	}
	tx.After(func() {
		s.log.Info("🍽️ Pet fed", "petId", p.ID, "name", p.Name, "fedAt", shelter.FromMillis(f.FedAt), "nextFeedingAt", shelter.FromMillis(p.NextFeedingAt), "actor", o.Actor)
	})
	return f, nil
}

// FindFeedings lists a pet's feedings, newest first (at most limit, or
// DefaultLimit). ENOTFOUND for an unknown pet.
func (s *Store) FindFeedings(ctx context.Context, petID string, before int64, limit int) ([]*shelter.Feeding, error) {
	p, err := s.FindPetByID(ctx, petID)
	if err != nil {
		return nil, err
	}
	n, _ := parseID(p.ID)
	q, args := `SELECT id, fed_at, note, actor, namespace, created_at FROM feedings WHERE pet_id = ?`, []any{n}
	if before != 0 {
		// Keyset: after the feeding before in (fed_at, id) order, newest
		// first; an id that is not this pet's feeding gives nothing.
		q += ` AND (fed_at, id) < (SELECT fed_at, id FROM feedings WHERE id = ? AND pet_id = ?)`
		args = append(args, before, n)
	}
	rows, err := s.db.Read.QueryContext(ctx, q+` ORDER BY fed_at DESC, id DESC LIMIT ?`, append(args, pageLimit(limit))...)
	if err != nil {
		return nil, dbErr("find feedings", err)
	}
	defer rows.Close()
	out := []*shelter.Feeding{}
	for rows.Next() {
		f := &shelter.Feeding{PetID: p.ID}
		if err := rows.Scan(&f.ID, &f.FedAt, &f.Note, &f.Actor, &f.Namespace, &f.CreatedAt); err != nil {
			return nil, dbErr("find feedings", err)
		}
		out = append(out, f)
	}
	return out, dbErrOrNil("find feedings", rows.Err())
}

// RecordOverdueFeedings is the feeding sweep's unit of work: for each pet
// in the shelter's care whose feeding time has passed, it records one
// system.feeding.overdue event per missed feeding (the first at
// nextFeedingAt, then one per interval while nobody feeds it), in one
// transaction. It returns how many events it recorded. The pet's version
// does not change: what a client sees of the pet is the same.
func (s *Store) RecordOverdueFeedings(ctx context.Context) (int, error) {
	recorded := 0
	err := s.inTx(ctx, func(tx *txn) error {
		recorded = 0
		now := s.nowMillis()
		rows, err := tx.QueryContext(ctx, `SELECT `+petColumns+` FROM pets INDEXED BY pets_feeding
			WHERE `+feedingInCare+` AND next_feeding_at <= ? ORDER BY next_feeding_at, id`, now)
		if err != nil {
			return dbErr("find overdue feedings", err)
		}
		var due []*shelter.Pet
		for rows.Next() {
			p, err := s.scanPet(rows)
			if err != nil {
				rows.Close()
				return dbErr("find overdue feedings", err)
			}
			due = append(due, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr("find overdue feedings", err)
		}
		for _, p := range due {
			iv := intervalMillis(p)
			missed := (now-p.NextFeedingAt)/iv + 1  // feedings missed so far
			slot := p.NextFeedingAt + (missed-1)*iv // the newest one's due time
			if slot <= p.OverdueFor {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE pets SET overdue_for = ? WHERE id = ?`, slot, p.ID); err != nil {
				return dbErr("mark overdue feeding", err)
			}
			if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: shelter.NamespaceSystem,
				Type: shelter.EventType(shelter.NamespaceSystem, shelter.EventFeedingOverdue), PetID: p.ID, Actor: shelter.ActorSystem,
				Data: mustJSON(map[string]any{"dueAt": slot, "missed": missed, "lastFedAt": p.LastFedAt, "name": p.Name})}); err != nil {
				return err
			}
			recorded++
			tx.After(func() {
				s.log.Warn("⏰ Feeding overdue", "petId", p.ID, "name", p.Name, "dueAt", shelter.FromMillis(slot), "missed", missed)
			})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return recorded, nil
}

// todayLimit caps each list of the Today page.
const todayLimit = 200

// FindToday reads the Today page's lists at the store's clock.
func (s *Store) FindToday(ctx context.Context) (*shelter.Today, error) {
	now := s.nowMillis()
	t := &shelter.Today{Now: now}
	lists := []struct {
		sec   *shelter.Section
		where string
		order string
		args  []any
	}{
		{&t.Feeding, `INDEXED BY pets_feeding WHERE ` + feedingInCare + ` AND next_feeding_at <= ?`, `next_feeding_at, id`,
			[]any{now + shelter.DueWindow.Milliseconds()}},
		{&t.Quarantine, `WHERE status = 'in_quarantine'`, `status_changed_at, id`, nil},
		{&t.Treatment, `WHERE status = 'under_treatment'`, `status_changed_at, id`, nil},
		{&t.Pending, `WHERE status = 'pending'`, `status_changed_at, id`, nil},
		{&t.Arrived, `WHERE created_at > ? AND status <> 'deleted'`, `created_at DESC, id DESC`, []any{now - 24*3600*1000}},
	}
	for _, l := range lists {
		if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pets `+l.where, l.args...).Scan(&l.sec.Total); err != nil {
			return nil, dbErr("count today", err)
		}
		l.sec.Pets = []*shelter.Pet{}
		rows, err := s.db.Read.QueryContext(ctx, `SELECT `+petColumns+` FROM pets `+l.where+` ORDER BY `+l.order+` LIMIT ?`,
			append(l.args, todayLimit)...)
		if err != nil {
			return nil, dbErr("find today", err)
		}
		for rows.Next() {
			p, err := s.scanPet(rows)
			if err != nil {
				rows.Close()
				return nil, dbErr("find today", err)
			}
			l.sec.Pets = append(l.sec.Pets, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr("find today", err)
		}
	}
	return t, nil
}
