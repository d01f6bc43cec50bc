package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/petstore/petstore/internal/shelter"
)

const petColumns = `id, name, species, age_months, status, notes, next_feeding_at,
	deleted_at, purge_at, status_before_delete, deleted_namespace, profile, created_at, updated_at,
	sex, breed, color, microchip, location, intake_type,
	feeding_interval_minutes, last_fed_at, overdue_for, version, status_changed_at, status_note, adopter`

type scanner interface{ Scan(dest ...any) error }

// scanPet reads a row of petColumns, and works out what depends on the
// clock and the defaults: the effective feeding interval and the feeding
// state. A pet not in the shelter's care shows no next feeding.
func (s *Store) scanPet(row scanner) (*shelter.Pet, error) {
	var (
		p       shelter.Pet
		id      int64
		profile sql.NullString
		adopter sql.NullString
	)
	if err := row.Scan(&id, &p.Name, &p.Species, &p.AgeMonths, &p.Status, &p.Notes, &p.NextFeedingAt,
		&p.DeletedAt, &p.PurgeAt, &p.StatusBeforeDelete, &p.DeletedNamespace, &profile, &p.CreatedAt, &p.UpdatedAt,
		&p.Sex, &p.Breed, &p.Color, &p.Microchip, &p.Location, &p.IntakeType,
		&p.FeedingIntervalMinutes, &p.LastFedAt, &p.OverdueFor, &p.Version, &p.StatusChangedAt, &p.StatusNote, &adopter); err != nil {
		return nil, err
	}
	p.ID = strconv.FormatInt(id, 10)
	if profile.Valid && profile.String != "" {
		pr, err := s.profiles.read(profile.String, &p)
		if err != nil {
			return nil, fmt.Errorf("pet %s: decode profile: %w", p.ID, err)
		}
		p.Profile = pr
	}
	if adopter.Valid && adopter.String != "" {
		p.Adopter = new(shelter.Adopter)
		if err := json.Unmarshal([]byte(adopter.String), p.Adopter); err != nil {
			return nil, fmt.Errorf("pet %s: decode adopter: %w", p.ID, err)
		}
	}
	s.finishPet(&p)
	return &p, nil
}

// finishPet fills in what a pet's columns do not hold as such: the
// effective feeding interval and the feeding state at the store's clock.
// A pet not in the shelter's care shows no next feeding.
func (s *Store) finishPet(p *shelter.Pet) {
	p.OwnFeedingInterval = p.FeedingIntervalMinutes > 0
	if !p.OwnFeedingInterval {
		p.FeedingIntervalMinutes = int(s.feedingInterval / time.Minute)
	}
	if !p.InCare() {
		p.NextFeedingAt = 0
	}
	s.feedingNow(p)
}

// feedingNow works out the pet's feeding state at the store's clock (a
// pet kept by petCache was read at another time).
func (s *Store) feedingNow(p *shelter.Pet) {
	p.Feeding = shelter.FeedingStateAt(p.Status, p.NextFeedingAt, s.nowMillis())
}

// intervalMillis is the pet's feeding interval in milliseconds.
func intervalMillis(p *shelter.Pet) int64 {
	return int64(p.FeedingIntervalMinutes) * time.Minute.Milliseconds()
}

// parseID turns a pet id from a URL into the row id; anything that is not
// a positive whole number names no pet.
func parseID(id string) (int64, error) {
	// Digits only, the first not 0: what strconv.FormatInt writes for a
	// positive number (no sign, no leading zero), without writing it.
	if id == "" || id[0] < '1' || id[0] > '9' {
		return 0, shelter.ErrNotFound()
	}
	for i := 1; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, shelter.ErrNotFound()
		}
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil { // too large
		return 0, shelter.ErrNotFound()
	}
	return n, nil
}

// FindPetByID returns one pet, soft-deleted or not; from memory when no
// commit has happened since it was last read (petCache).
func (s *Store) FindPetByID(ctx context.Context, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	if p, ok := s.pets.get(n); ok {
		s.feedingNow(p)
		return p, nil
	}
	stamp := s.pets.stamp()
	p, err := s.scanPet(s.queryRowPrepared(ctx, `SELECT `+petColumns+` FROM pets WHERE id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find pet", err)
	}
	s.pets.put(stamp, n, p)
	return p, nil
}

// ViewPetByID calls fn with the pet FindPetByID would return, lent rather
// than given: fn may read p, and everything p points to, until it returns,
// and must neither change nor keep any of it. A pet kept in memory
// (petCache) is lent without being copied, which spares the GET of a pet,
// the API's most frequent answer, its largest allocations.
func (s *Store) ViewPetByID(ctx context.Context, id string, fn func(p *shelter.Pet) error) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	v := petViews.Get().(*petView)
	defer func() {
		*v = petView{text: v.text[:0]} // keep no pet alive through the pool
		petViews.Put(v)
	}()
	if s.pets.view(n, v) {
		s.feedingNow(&v.pet)
		return fn(&v.pet)
	}
	p, err := s.FindPetByID(ctx, id)
	if err != nil {
		return err
	}
	return fn(p)
}

const findPetSQL = `SELECT ` + petColumns + ` FROM pets WHERE id = ?`

// findPetTx reads a pet inside a write transaction.
func findPetTx(ctx context.Context, tx *txn, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := tx.s.scanPet(tx.queryRowPrepared(ctx, findPetSQL, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find pet", err)
	}
	return p, nil
}

// sortSpec says how a sort order reads and compares its keyset cursor.
type sortSpec struct {
	orderBy string
	// key is the column compared with the cursor's value (empty: id only).
	key string
	// cmp is the comparison that continues after the cursor.
	cmp string
}

var sorts = map[shelter.PetSort]sortSpec{
	shelter.SortID:     {orderBy: "id ASC", cmp: ">"},
	shelter.SortNewest: {orderBy: "id DESC", cmp: "<"},
	shelter.SortName:   {orderBy: "name COLLATE NOCASE ASC, id ASC", key: "name COLLATE NOCASE", cmp: ">"},
	shelter.SortAge:    {orderBy: "age_months ASC, id ASC", key: "age_months", cmp: ">"},
}

// A cursor is base64url("<id>") or base64url("<id>:<key value>").
func encodeCursor(p *shelter.Pet, sort shelter.PetSort) string {
	raw := p.ID
	switch sort {
	case shelter.SortName:
		raw += ":" + p.Name
	case shelter.SortAge:
		raw += ":" + strconv.Itoa(p.AgeMonths)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(c string, sort shelter.PetSort) (id int64, key any, err error) {
	bad := shelter.Errorf(shelter.EINVALID, "Invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, nil, bad
	}
	idPart, keyPart, hasKey := strings.Cut(string(b), ":")
	id, err = strconv.ParseInt(idPart, 10, 64)
	if err != nil || id < 0 {
		return 0, nil, bad
	}
	switch sort {
	case shelter.SortName:
		if !hasKey {
			return 0, nil, bad
		}
		return id, keyPart, nil
	case shelter.SortAge:
		n, err := strconv.Atoi(keyPart)
		if !hasKey || err != nil {
			return 0, nil, bad
		}
		return id, n, nil
	}
	if hasKey {
		return 0, nil, bad
	}
	return id, nil, nil
}

// pageLimit is the page size a filter asks for: DefaultLimit when it asks
// for none, at most MaxLimit.
func pageLimit(n int) int {
	if n <= 0 {
		return shelter.DefaultLimit
	}
	return min(n, shelter.MaxLimit)
}

// likeEscape escapes LIKE's wildcards so a query matches literally.
func likeEscape(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(q)
}

// asciiLike makes q a LIKE pattern that lets through at least what
// foldGlob(q) matches: ASCII as it is (LIKE folds its case), any other
// character as _ (one character).
func asciiLike(q string) string {
	var b strings.Builder
	for _, r := range q {
		if r < utf8.RuneSelf {
			b.WriteString(likeEscape(string(r)))
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// foldGlob makes q a GLOB pattern that matches q literally whatever the
// case of its letters, in every script: each letter becomes the class of
// its case forms ("Émile" → "[éÉ][mM][iI][lL][eE]"). SQLite's LIKE and
// NOCASE fold ASCII letters only, so "émile" would not find "Émile".
// GLOB's own wildcards (* ? [) are matched literally.
func foldGlob(q string) string {
	var b strings.Builder
	for _, r := range q {
		forms := []rune{r}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			forms = append(forms, f)
		}
		switch {
		case len(forms) > 1:
			b.WriteByte('[')
			b.WriteString(string(forms))
			b.WriteByte(']')
		case r == '*' || r == '?' || r == '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FindPets returns one page of the pets the filter selects and how many it
// selects in all. Paging is by keyset, so a deep page costs what the first
// does.
func (s *Store) FindPets(ctx context.Context, f shelter.PetFilter) (*shelter.PetPage, error) {
	if f.Sort == "" {
		f.Sort = shelter.SortID
	}
	spec, ok := sorts[f.Sort]
	if !ok {
		return nil, shelter.Errorf(shelter.EINVALID, "Invalid sort: must be one of id, newest, name, age")
	}
	limit := pageLimit(f.Limit)

	where, args, err := s.petFilterWhere(f)
	if err != nil {
		return nil, err
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}

	page := &shelter.PetPage{Pets: []*shelter.Pet{}}
	countQ, countArgs := `SELECT count(*) FROM pets`+filter, args
	if f.Species == "" && f.Query == "" && f.Location == "" && f.Feeding == "" {
		// Filtered by status at most: the trigger-kept counts answer.
		countQ, countArgs = `SELECT coalesce(sum(n), 0) FROM pet_status_counts`, nil
		switch {
		case f.Status != "" && f.ExcludeDeleted:
			countQ, countArgs = countQ+` WHERE status = ? AND status <> 'deleted'`, []any{f.Status}
		case f.Status != "":
			countQ, countArgs = countQ+` WHERE status = ?`, []any{f.Status}
		case f.ExcludeDeleted:
			countQ += ` WHERE status <> 'deleted'`
		}
	}
	if err := s.queryRowPrepared(ctx, countQ, countArgs...).Scan(&page.Total); err != nil {
		return nil, dbErr("count pets", err)
	}

	pageWhere, pageArgs := where, args
	if f.Cursor != "" {
		id, key, err := decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return nil, err
		}
		if spec.key == "" {
			pageWhere = append(pageWhere[:len(pageWhere):len(pageWhere)], "id "+spec.cmp+" ?")
			pageArgs = append(pageArgs[:len(pageArgs):len(pageArgs)], id)
		} else {
			pageWhere = append(pageWhere[:len(pageWhere):len(pageWhere)], fmt.Sprintf("(%s, id) %s (?, ?)", spec.key, spec.cmp))
			pageArgs = append(pageArgs[:len(pageArgs):len(pageArgs)], key, id)
		}
	}
	q := `SELECT ` + petColumns + ` FROM pets`
	if len(pageWhere) > 0 {
		q += " WHERE " + strings.Join(pageWhere, " AND ")
	}
	q += " ORDER BY " + spec.orderBy + " LIMIT ?"
	rows, err := s.db.Read.QueryContext(ctx, q, append(pageArgs, limit+1)...)
	if err != nil {
		return nil, dbErr("list pets", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := s.scanPet(rows)
		if err != nil {
			return nil, dbErr("list pets", err)
		}
		page.Pets = append(page.Pets, p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("list pets", err)
	}
	if len(page.Pets) > limit {
		page.Pets = page.Pets[:limit]
		page.NextCursor = encodeCursor(page.Pets[limit-1], f.Sort)
	}
	return page, nil
}

// CountPetsByStatus counts the pets in each status; a status with no pet
// is absent from the map.
func (s *Store) CountPetsByStatus(ctx context.Context) (map[shelter.Status]int, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT status, n FROM pet_status_counts WHERE n > 0`)
	if err != nil {
		return nil, dbErr("count pets", err)
	}
	defer rows.Close()
	out := map[shelter.Status]int{}
	for rows.Next() {
		var st shelter.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, dbErr("count pets", err)
		}
		out[st] = n
	}
	return out, dbErrOrNil("count pets", rows.Err())
}

func dbErrOrNil(op string, err error) error {
	if err != nil {
		return dbErr(op, err)
	}
	return nil
}

// feedingInCare is the condition of the pets_feeding index: pets in the
// shelter's care with a feeding time.
const feedingInCare = `next_feeding_at > 0 AND status NOT IN ('adopted', 'deleted')`

const insertPetSQL = `INSERT INTO pets (name, species, age_months, status, notes, created_at, updated_at,
	sex, breed, color, microchip, location, intake_type, feeding_interval_minutes, status_changed_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreatePet stores a new pet with status new, records pet.created and
// enqueues the create jobs, all in one transaction.
func (s *Store) CreatePet(ctx context.Context, o shelter.Origin, f shelter.PetFields) (*shelter.Pet, error) {
	f.Normalize()
	if err := f.ValidateCreate(); err != nil {
		return nil, err
	}
	var p *shelter.Pet
	err := s.inTxPure(ctx, func(tx *txn) error {
		now := s.nowMillis()
		p = &shelter.Pet{Name: *f.Name, Species: *f.Species, AgeMonths: *f.AgeMonths, Status: shelter.StatusNew, CreatedAt: now, UpdatedAt: now}
		if f.Notes != nil {
			p.Notes = *f.Notes
		}
		f.Intake.Apply(&p.Intake)
		if err := checkMicrochipTx(ctx, tx, p.Microchip, ""); err != nil {
			return err
		}
		if f.FeedingIntervalMinutes != nil {
			p.FeedingIntervalMinutes = *f.FeedingIntervalMinutes
		}
		p.Version, p.StatusChangedAt = 1, now
		id, err := tx.insertPrepared(ctx, insertPetSQL, p.Name, p.Species, p.AgeMonths, p.Status, p.Notes, now, now,
			p.Sex, p.Breed, p.Color, p.Microchip, p.Location, p.IntakeType, p.FeedingIntervalMinutes, now)
		if err != nil {
			return dbErr("insert pet", err)
		}
		p.ID = strconv.FormatInt(id, 10)
		s.finishPet(p)
		created := &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetCreated),
			PetID: p.ID, Actor: o.Actor, To: p.Status, Data: mustJSON(createdData{AgeMonths: p.AgeMonths, Name: p.Name, Species: p.Species})}
		if _, err := s.enqueueKindsTx(ctx, tx, o, s.createJobs, p.ID, created); err != nil {
			return err
		}
		tx.After(func() {
			s.log.Info("🐾 Pet created", "petId", p.ID, "name", p.Name, "species", p.Species, "status", p.Status, "namespace", o.Namespace)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePet changes fields and asks the orchestrator for a status, in one
// transaction. A rejected transition records the request and the rejection
// but changes nothing else.
func (s *Store) UpdatePet(ctx context.Context, o shelter.Origin, id string, f shelter.PetFields, status *shelter.Status) (*shelter.Pet, *shelter.Decision, error) {
	return s.UpdatePetWith(ctx, o, id, shelter.PetUpdate{Fields: f, Status: status})
}

// UpdatePetWith is UpdatePet with the status request's note and applicant,
// and an If-Match version: a change made against another version than the
// pet's changes nothing and is EPRECONDITION.
func (s *Store) UpdatePetWith(ctx context.Context, o shelter.Origin, id string, u shelter.PetUpdate) (*shelter.Pet, *shelter.Decision, error) {
	u.Fields.Normalize()
	if u.Status != nil && !u.Status.Valid() {
		return nil, nil, shelter.InvalidPayload(shelter.FieldError{Field: "status", Message: "must be one of " + statusList()})
	}
	if err := u.Validate(); err != nil {
		return nil, nil, err
	}
	f, status := u.Fields, u.Status
	var (
		p   *shelter.Pet
		dec *shelter.Decision
	)
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, id); err != nil {
			return err
		}
		if u.IfVersion != 0 && u.IfVersion != p.Version {
			return shelter.ErrStale(p.ID, u.IfVersion, p.Version)
		}
		if p.Deleted() && (status != nil || !f.Empty()) {
			// A deleted pet keeps its state until restored: no status
			// request (not even "deleted"), no edit.
			what := "editing"
			if status != nil {
				what = "changing its status"
			}
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s is deleted: restore it before %s", p.ID, what)
		}
		if status != nil {
			d, err := s.requestStatusTx(ctx, tx, o, p, *status, u.Note, u.Adopter)
			if err != nil {
				return err
			}
			dec = &d
			if d.Rejected {
				return nil // the fields are not applied either
			}
		}
		if !f.Empty() {
			return s.updateFieldsTx(ctx, tx, o, p, f)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return p, dec, nil
}

func statusList() string {
	var names []string
	for _, st := range shelter.Statuses {
		names = append(names, string(st))
	}
	return strings.Join(names, ", ")
}

func (s *Store) updateFieldsTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, f shelter.PetFields) error {
	changed := map[string]any{}
	if f.Name != nil && *f.Name != p.Name {
		p.Name, changed["name"] = *f.Name, *f.Name
	}
	if f.Species != nil && *f.Species != p.Species {
		p.Species, changed["species"] = *f.Species, *f.Species
	}
	if f.AgeMonths != nil && *f.AgeMonths != p.AgeMonths {
		p.AgeMonths, changed["ageMonths"] = *f.AgeMonths, *f.AgeMonths
	}
	if f.Notes != nil && *f.Notes != p.Notes {
		p.Notes, changed["notes"] = *f.Notes, *f.Notes
	}
	intake := f.Intake.Apply(&p.Intake)
	maps.Copy(changed, intake)
	own := 0
	if p.OwnFeedingInterval {
		own = p.FeedingIntervalMinutes
	}
	if f.FeedingIntervalMinutes != nil && *f.FeedingIntervalMinutes != own {
		changed["feedingIntervalMinutes"] = *f.FeedingIntervalMinutes
		own = *f.FeedingIntervalMinutes
		p.FeedingIntervalMinutes = own
		s.finishPet(p)
		// The next feeding follows the new interval from the last one (or
		// from the arrival), once the reminder has set one at all.
		if p.NextFeedingAt != 0 {
			base := p.LastFedAt
			if base == 0 {
				base = p.CreatedAt
			}
			p.NextFeedingAt = base + intervalMillis(p)
			changed["nextFeedingAt"] = p.NextFeedingAt
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if _, ok := intake["microchip"]; ok {
		if err := checkMicrochipTx(ctx, tx, p.Microchip, p.ID); err != nil {
			return err
		}
	}
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
	p.Version++
	// next_feeding_at moves only when the change gave it a time.
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET name = ?1, species = ?2, age_months = ?3, notes = ?4, updated_at = ?5,
		sex = ?6, breed = ?7, color = ?8, microchip = ?9, location = ?10, intake_type = ?11, feeding_interval_minutes = ?12,
		next_feeding_at = CASE WHEN ?13 > next_feeding_at * 0 THEN ?13 ELSE next_feeding_at END, version = ?14 WHERE id = ?15`,
		p.Name, p.Species, p.AgeMonths, p.Notes, p.UpdatedAt,
		p.Sex, p.Breed, p.Color, p.Microchip, p.Location, p.IntakeType, own,
		p.NextFeedingAt, p.Version, p.ID); err != nil {
		return dbErr("update pet", err)
	}
	s.finishPet(p)
	if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetUpdated),
		PetID: p.ID, Actor: o.Actor, Data: mustJSON(changed)}); err != nil {
		return err
	}
	// The profile is written from the name, species and age: a change of
	// any of them asks for a new one (when profiles are written at all).
	_, named := changed["name"]
	_, kind := changed["species"]
	_, aged := changed["ageMonths"]
	if (named || kind || aged) && p.Profile != nil && p.Profile.Source == shelter.ProfileSourceFallback {
		// A fallback kept as its time reads from the pet as it is now:
		// answer with what the next read will show.
		var text sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT profile FROM pets WHERE id = ?`, p.ID).Scan(&text); err != nil {
			return dbErr("update pet", err)
		}
		if at, ok := fallbackMarker(text.String); ok {
			pr := shelter.FallbackProfile(*p, time.UnixMilli(at))
			p.Profile = &pr
		}
	}
	if (named || kind || aged) && slices.Contains(s.createJobs, shelter.JobEnrichProfile) {
		if _, _, err := s.enqueueEnrichmentTx(ctx, tx, o, p); err != nil {
			return err
		}
	}
	return nil
}

// requestStatusTx records a staff request for a status and applies the
// orchestrator's decision.
func (s *Store) requestStatusTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, to shelter.Status, note string, adopter *shelter.Adopter) (shelter.Decision, error) {
	d := shelter.Decide(p.Status, to)
	tx.After(func() {
		s.log.Info("👤 Staff requesting status change", "petId", p.ID, "currentStatus", d.Previous, "requestedStatus", to, "namespace", o.Namespace, "actor", o.Actor)
	})
	var data json.RawMessage
	if note != "" || adopter != nil {
		data = mustJSON(recordData(note, adopter))
	}
	if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventStatusUpdateRequested),
		PetID: p.ID, Actor: o.Actor, From: p.Status, To: to, Data: data}); err != nil {
		return d, err
	}
	if d.Rejected {
		tx.After(func() {
			s.log.Warn("⚠️ Transition rejected", "petId", p.ID, "currentStatus", d.Previous, "requestedStatus", to, "reason", d.Reason)
		})
		return d, s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventTransitionRejected),
			PetID: p.ID, Actor: o.Actor, From: p.Status, To: to, Data: mustJSON(map[string]any{"reason": d.Reason})})
	}
	return d, s.applyRequestTx(ctx, tx, o, p, d, note, adopter)
}

// recordData is the part of an event's data that carries a transition's
// note and applicant.
func recordData(note string, adopter *shelter.Adopter) map[string]any {
	m := map[string]any{}
	if note != "" {
		m["note"] = note
	}
	if adopter != nil {
		m["adopter"] = adopter
	}
	return m
}

// ApplyTrigger answers a system event (a shelter.Trigger, such as
// TriggerFeedingReminderCompleted) for one pet in one transaction: the
// orchestrator's decision is applied and recorded under the origin, its
// automatic steps as the system actor.
func (s *Store) ApplyTrigger(ctx context.Context, o shelter.Origin, petID, trigger string) (*shelter.Pet, shelter.Decision, error) {
	var (
		p *shelter.Pet
		d shelter.Decision
	)
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, petID); err != nil {
			return err
		}
		d = shelter.DecideTrigger(p.Status, trigger)
		return s.applyDecisionTx(ctx, tx, o, p, d)
	})
	if err != nil {
		return nil, shelter.Decision{}, err
	}
	return p, d, nil
}

// applyDecisionTx writes the orchestrator's steps to the pet, one
// lifecycle.transition.completed event each. Automatic steps are recorded
// with the system actor, in the origin's namespace.
func (s *Store) applyDecisionTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, d shelter.Decision) error {
	return s.applyRequestTx(ctx, tx, o, p, d, "", nil)
}

// applyRequestTx applies a decision with the staff request's note and
// applicant. The note goes on the staff step's event and stays on the pet
// (statusNote) through the automatic steps that follow. The applicant is
// kept while pending and once adopted, and cleared by any other status.
func (s *Store) applyRequestTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, d shelter.Decision, note string, adopter *shelter.Adopter) error {
	return s.applyStepsTx(ctx, tx, o, p, d, note, adopter)
}

// applyStepsTx is applyRequestTx that appends the events first ahead of
// the steps' own, in the same statement.
func (s *Store) applyStepsTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, d shelter.Decision, note string, adopter *shelter.Adopter, first ...*shelter.Event) error {
	events := s.stepsTx(tx, o, p, d, note, adopter, first...)
	if err := s.insertEvents(ctx, tx, events...); err != nil {
		return err
	}
	if len(d.Steps) == 0 {
		return nil
	}
	p.Version++
	if _, err := tx.execPrepared(ctx, updateStatusSQL, p.Status, p.UpdatedAt, p.StatusChangedAt, p.StatusNote, adopterJSON(p), p.Version, p.ID); err != nil {
		return dbErr("update status", err)
	}
	s.finishPet(p)
	return nil
}

// stepsTx applies the decision's steps to p in memory and returns first
// followed by one lifecycle.transition.completed event a step; the caller
// writes both (and the pet's new version). No steps: p is left as it is.
func (s *Store) stepsTx(tx *txn, o shelter.Origin, p *shelter.Pet, d shelter.Decision, note string, adopter *shelter.Adopter, first ...*shelter.Event) []*shelter.Event {
	if len(d.Steps) == 0 {
		return first
	}
	events := first
	for i, st := range d.Steps {
		actor := o.Actor
		if st.Automatic {
			actor = shelter.ActorSystem
			tx.After(func() {
				s.log.Info("🤖 Automatic progression", "petId", p.ID, "currentStatus", st.From, "nextStatus", st.To, "automatic", true)
			})
		}
		tx.After(func() {
			s.log.Info("✅ Lifecycle transition completed", "petId", p.ID, "oldStatus", st.From, "newStatus", st.To, "description", st.Description)
		})
		data := map[string]any{"automatic": st.Automatic, "description": st.Description}
		if i == 0 {
			maps.Copy(data, recordData(note, adopter))
			if adopter == nil && st.To == shelter.StatusAdopted && p.Adopter != nil {
				data["adopter"] = p.Adopter // the adoption names its adopter
			}
		}
		events = append(events, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventTransitionCompleted),
			PetID: p.ID, Actor: actor, From: st.From, To: st.To, Data: mustJSON(data)})
	}
	now := s.nowMillis()
	p.Status = d.Final()
	p.UpdatedAt = max(now, p.UpdatedAt)
	p.StatusChangedAt, p.StatusNote = now, note
	switch p.Status {
	case shelter.StatusPending:
		p.Adopter = adopter
	case shelter.StatusAdopted: // the applicant stays, as the adopter
	default:
		p.Adopter = nil
	}
	return events
}

// adopterJSON is the pet's adopter column: its applicant as JSON, or NULL.
func adopterJSON(p *shelter.Pet) any {
	if p.Adopter == nil {
		return nil
	}
	return string(mustJSON(p.Adopter))
}

const updateStatusSQL = `UPDATE pets SET status = ?, updated_at = ?, status_changed_at = ?, status_note = ?, adopter = ?,
	version = ? WHERE id = ?`

// DeletePet soft-deletes a pet: status deleted, deletedAt now, purgeAt
// after the retention period. A pet already deleted keeps its dates.
func (s *Store) DeletePet(ctx context.Context, o shelter.Origin, id string) (*shelter.Pet, error) {
	return s.DeletePetWith(ctx, o, id, shelter.PetDelete{})
}

// DeletePetWith is DeletePet with a reason (kept on the event) and an
// If-Match version (EPRECONDITION when the pet has another).
func (s *Store) DeletePetWith(ctx context.Context, o shelter.Origin, id string, del shelter.PetDelete) (*shelter.Pet, error) {
	del.Reason = strings.TrimSpace(del.Reason)
	if utf8.RuneCountInString(del.Reason) > shelter.MaxNoteLen || !utf8.ValidString(del.Reason) {
		return nil, shelter.InvalidPayload(shelter.FieldError{Field: "reason", Message: "must be text of at most 2000 characters"})
	} else if msg := shelter.TextProblem(del.Reason, true); msg != "" {
		return nil, shelter.InvalidPayload(shelter.FieldError{Field: "reason", Message: msg})
	}
	var p *shelter.Pet
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, id); err != nil {
			return err
		}
		if del.IfVersion != 0 && del.IfVersion != p.Version {
			return shelter.ErrStale(p.ID, del.IfVersion, p.Version)
		}
		if p.Deleted() {
			return nil
		}
		now := s.nowMillis()
		from := p.Status
		p.StatusBeforeDelete, p.Status, p.DeletedNamespace = from, shelter.StatusDeleted, o.Namespace
		p.DeletedAt, p.PurgeAt, p.UpdatedAt = now, now+s.purgeAfter.Milliseconds(), max(now, p.UpdatedAt)
		p.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE pets SET status = ?, status_before_delete = ?, deleted_namespace = ?,
			deleted_at = ?, purge_at = ?, updated_at = ?, version = ? WHERE id = ?`,
			p.Status, p.StatusBeforeDelete, p.DeletedNamespace, p.DeletedAt, p.PurgeAt, p.UpdatedAt, p.Version, p.ID); err != nil {
			return dbErr("delete pet", err)
		}
		s.finishPet(p)
		data := map[string]any{"deletedAt": p.DeletedAt, "purgeAt": p.PurgeAt}
		if del.Reason != "" {
			data["reason"] = del.Reason
		}
		tx.After(func() {
			s.log.Info("🗑️ Pet soft deleted", "petId", p.ID, "name", p.Name, "purgeAt", shelter.FromMillis(p.PurgeAt), "namespace", o.Namespace)
		})
		return s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetSoftDeleted),
			PetID: p.ID, Actor: o.Actor, From: from, To: shelter.StatusDeleted, Data: mustJSON(data)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// RestorePet brings a soft-deleted pet back to the status it had. A pet
// restored to new gets its feeding reminder again, and one without a
// profile its enrichment, since the jobs it had skipped it while it was
// deleted.
func (s *Store) RestorePet(ctx context.Context, o shelter.Origin, id string) (*shelter.Pet, error) {
	var p *shelter.Pet
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, id); err != nil {
			return err
		}
		if !p.Deleted() {
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s is not deleted", p.ID)
		}
		to := p.StatusBeforeDelete
		if !to.Valid() || to == shelter.StatusDeleted {
			to = shelter.StatusNew
		}
		p.Status, p.StatusBeforeDelete, p.DeletedNamespace = to, "", ""
		p.DeletedAt, p.PurgeAt, p.UpdatedAt = 0, 0, max(s.nowMillis(), p.UpdatedAt)
		p.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE pets SET status = ?, status_before_delete = '', deleted_namespace = '',
			deleted_at = 0, purge_at = 0, updated_at = ?, version = ? WHERE id = ?`, p.Status, p.UpdatedAt, p.Version, p.ID); err != nil {
			return dbErr("restore pet", err)
		}
		// The row still holds the feeding time the deleted pet hid.
		if fresh, err := findPetTx(ctx, tx, p.ID); err == nil {
			p = fresh
		}
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetRestored),
			PetID: p.ID, Actor: o.Actor, From: shelter.StatusDeleted, To: to}); err != nil {
			return err
		}
		// The create's jobs skip a pet that is deleted when they run: give
		// back what it missed.
		for _, kind := range s.createJobs {
			if k, ok := shelter.FindJobKind(kind); !ok || k.Rerun == nil || !k.Rerun(p) {
				continue
			}
			if _, err := s.enqueueTx(ctx, tx, o, kind, p.ID, nil); err != nil {
				return err
			}
		}
		tx.After(func() { s.log.Info("♻️ Pet restored", "petId", p.ID, "status", to, "namespace", o.Namespace) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: marshal %T: %v", v, err)) // only maps of plain values reach here
	}
	return b
}

// checkMicrochipTx refuses a microchip that another pet not purged already
// has: ECONFLICT naming that pet. except is the pet being edited.
func checkMicrochipTx(ctx context.Context, tx *txn, chip, except string) error {
	if chip == "" {
		return nil
	}
	var (
		id   int64
		name string
	)
	exceptID, _ := strconv.ParseInt(except, 10, 64) // "" (a new pet) is 0
	err := tx.QueryRowContext(ctx, `SELECT id, name FROM pets WHERE microchip = ? AND id <> ?`, chip, exceptID).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return dbErr("check microchip", err)
	}
	return &shelter.Error{Code: shelter.ECONFLICT,
		Message: fmt.Sprintf("Microchip %s already belongs to %s (pet %d)", chip, name, id),
		Fields:  []shelter.FieldError{{Field: "microchip", Message: fmt.Sprintf("already belongs to %s (pet %d)", name, id)}}}
}

// FindPetLocations returns the locations recorded for pets not deleted,
// each once, in alphabetical order (the board's location filter).
func (s *Store) FindPetLocations(ctx context.Context) ([]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT DISTINCT location COLLATE NOCASE FROM pets
		WHERE location <> '' AND status <> 'deleted' ORDER BY location COLLATE NOCASE`)
	if err != nil {
		return nil, dbErr("list locations", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, dbErr("list locations", err)
		}
		out = append(out, l)
	}
	return out, dbErrOrNil("list locations", rows.Err())
}

// petFilterWhere turns a filter's selection (not its paging) into WHERE
// terms and their arguments: the list's and the export's.
func (s *Store) petFilterWhere(f shelter.PetFilter) ([]string, []any, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Species != "" {
		where, args = append(where, "species = ?"), append(args, f.Species)
	}
	if f.Query != "" {
		// By name whatever its letters' case, or by the exact microchip
		// number. (PostgreSQL's ILIKE folds every script already.)
		if s.Postgres() {
			where = append(where, `(name LIKE ? ESCAPE '\' OR microchip = ?)`)
			args = append(args, "%"+likeEscape(f.Query)+"%", shelter.NormalizeMicrochip(f.Query))
		} else {
			// LIKE first (fast; its _ stands for each letter outside
			// ASCII, which it would compare exactly), then GLOB on what
			// it lets through (about four times slower alone).
			where = append(where, `((name LIKE ? ESCAPE '\' AND name GLOB ?) OR microchip = ?)`)
			args = append(args, "%"+asciiLike(f.Query)+"%", "*"+foldGlob(f.Query)+"*", shelter.NormalizeMicrochip(f.Query))
		}
	}
	if f.Location != "" {
		if s.Postgres() {
			where, args = append(where, "location = ? COLLATE NOCASE"), append(args, f.Location)
		} else {
			where, args = append(where, "location GLOB ?"), append(args, foldGlob(f.Location))
		}
	}
	if f.ExcludeDeleted {
		where = append(where, "status <> 'deleted'")
	}
	switch now := s.nowMillis(); f.Feeding {
	case "":
	case shelter.FeedingOverdue:
		where, args = append(where, feedingInCare, "next_feeding_at <= ?"), append(args, now)
	case shelter.FeedingDue:
		where, args = append(where, feedingInCare, "next_feeding_at > ?", "next_feeding_at <= ?"), append(args, now, now+shelter.DueWindow.Milliseconds())
	default:
		return nil, nil, shelter.Errorf(shelter.EINVALID, "Invalid feeding filter: must be due or overdue")
	}
	return where, args, nil
}
