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

	"github.com/petstore/petstore/internal/shelter"
)

const petColumns = `id, name, species, age_months, status, notes, next_feeding_at,
	deleted_at, purge_at, status_before_delete, deleted_namespace, profile, created_at, updated_at,
	sex, breed, color, microchip, location, intake_type`

type scanner interface{ Scan(dest ...any) error }

func scanPet(row scanner) (*shelter.Pet, error) {
	var (
		p       shelter.Pet
		id      int64
		profile sql.NullString
	)
	if err := row.Scan(&id, &p.Name, &p.Species, &p.AgeMonths, &p.Status, &p.Notes, &p.NextFeedingAt,
		&p.DeletedAt, &p.PurgeAt, &p.StatusBeforeDelete, &p.DeletedNamespace, &profile, &p.CreatedAt, &p.UpdatedAt,
		&p.Sex, &p.Breed, &p.Color, &p.Microchip, &p.Location, &p.IntakeType); err != nil {
		return nil, err
	}
	p.ID = strconv.FormatInt(id, 10)
	if profile.Valid && profile.String != "" {
		p.Profile = new(shelter.Profile)
		if err := json.Unmarshal([]byte(profile.String), p.Profile); err != nil {
			return nil, fmt.Errorf("pet %s: decode profile: %w", p.ID, err)
		}
	}
	return &p, nil
}

// parseID turns a pet id from a URL into the row id; anything that is not
// a positive whole number names no pet.
func parseID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, shelter.ErrNotFound()
	}
	return n, nil
}

// FindPetByID returns one pet, soft-deleted or not.
func (s *Store) FindPetByID(ctx context.Context, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := scanPet(s.queryRowPrepared(ctx, `SELECT `+petColumns+` FROM pets WHERE id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find pet", err)
	}
	return p, nil
}

// findPetTx reads a pet inside a write transaction.
func findPetTx(ctx context.Context, tx *txn, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := scanPet(tx.QueryRowContext(ctx, `SELECT `+petColumns+` FROM pets WHERE id = ?`, n))
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

	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Species != "" {
		where, args = append(where, "species = ?"), append(args, f.Species)
	}
	if f.Query != "" {
		// By name, or by the exact microchip number.
		where = append(where, `(name LIKE ? ESCAPE '\' OR microchip = ?)`)
		args = append(args, "%"+likeEscape(f.Query)+"%", shelter.NormalizeMicrochip(f.Query))
	}
	if f.Location != "" {
		where, args = append(where, "location = ? COLLATE NOCASE"), append(args, f.Location)
	}
	if f.ExcludeDeleted {
		where = append(where, "status <> 'deleted'")
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}

	page := &shelter.PetPage{Pets: []*shelter.Pet{}}
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pets`+filter, args...).Scan(&page.Total); err != nil {
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
		p, err := scanPet(rows)
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
	rows, err := s.db.Read.QueryContext(ctx, `SELECT status, count(*) FROM pets GROUP BY status`)
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

const insertPetSQL = `INSERT INTO pets (name, species, age_months, status, notes, created_at, updated_at,
	sex, breed, color, microchip, location, intake_type)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreatePet stores a new pet with status new, records pet.created and
// enqueues the create jobs, all in one transaction.
func (s *Store) CreatePet(ctx context.Context, o shelter.Origin, f shelter.PetFields) (*shelter.Pet, error) {
	f.Normalize()
	if err := f.ValidateCreate(); err != nil {
		return nil, err
	}
	var p *shelter.Pet
	err := s.inTx(ctx, func(tx *txn) error {
		now := s.nowMillis()
		p = &shelter.Pet{Name: *f.Name, Species: *f.Species, AgeMonths: *f.AgeMonths, Status: shelter.StatusNew, CreatedAt: now, UpdatedAt: now}
		if f.Notes != nil {
			p.Notes = *f.Notes
		}
		f.Intake.Apply(&p.Intake)
		if err := checkMicrochipTx(ctx, tx, p.Microchip, ""); err != nil {
			return err
		}
		res, err := tx.execPrepared(ctx, insertPetSQL, p.Name, p.Species, p.AgeMonths, p.Status, p.Notes, now, now,
			p.Sex, p.Breed, p.Color, p.Microchip, p.Location, p.IntakeType)
		if err != nil {
			return dbErr("insert pet", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return dbErr("insert pet", err)
		}
		p.ID = strconv.FormatInt(id, 10)
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetCreated),
			PetID: p.ID, Actor: o.Actor, To: p.Status, Data: mustJSON(map[string]any{"name": p.Name, "species": p.Species, "ageMonths": p.AgeMonths})}); err != nil {
			return err
		}
		for _, kind := range s.createJobs {
			if _, err := s.enqueueTx(ctx, tx, o, kind, p.ID, nil); err != nil {
				return err
			}
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
	f.Normalize()
	if err := f.ValidateUpdate(); err != nil {
		return nil, nil, err
	}
	if status != nil && !status.Valid() {
		return nil, nil, shelter.InvalidPayload(shelter.FieldError{Field: "status", Message: "must be one of " + statusList()})
	}
	var (
		p   *shelter.Pet
		dec *shelter.Decision
	)
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, id); err != nil {
			return err
		}
		if status != nil {
			d, err := s.requestStatusTx(ctx, tx, o, p, *status)
			if err != nil {
				return err
			}
			dec = &d
			if d.Rejected {
				return nil // the fields are not applied either
			}
		}
		if !f.Empty() {
			if p.Deleted() {
				return shelter.Errorf(shelter.ECONFLICT, "Pet %s is deleted: restore it before editing", p.ID)
			}
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
	if len(changed) == 0 {
		return nil
	}
	if _, ok := intake["microchip"]; ok {
		if err := checkMicrochipTx(ctx, tx, p.Microchip, p.ID); err != nil {
			return err
		}
	}
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET name = ?, species = ?, age_months = ?, notes = ?, updated_at = ?,
		sex = ?, breed = ?, color = ?, microchip = ?, location = ?, intake_type = ? WHERE id = ?`,
		p.Name, p.Species, p.AgeMonths, p.Notes, p.UpdatedAt,
		p.Sex, p.Breed, p.Color, p.Microchip, p.Location, p.IntakeType, p.ID); err != nil {
		return dbErr("update pet", err)
	}
	if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetUpdated),
		PetID: p.ID, Actor: o.Actor, Data: mustJSON(changed)}); err != nil {
		return err
	}
	// The profile is written from the name, species and age: a change of
	// any of them asks for a new one (when profiles are written at all).
	_, named := changed["name"]
	_, kind := changed["species"]
	_, aged := changed["ageMonths"]
	if (named || kind || aged) && slices.Contains(s.createJobs, shelter.JobEnrichProfile) {
		if _, _, err := s.enqueueEnrichmentTx(ctx, tx, o, p); err != nil {
			return err
		}
	}
	return nil
}

// requestStatusTx records a staff request for a status and applies the
// orchestrator's decision.
func (s *Store) requestStatusTx(ctx context.Context, tx *txn, o shelter.Origin, p *shelter.Pet, to shelter.Status) (shelter.Decision, error) {
	d := shelter.Decide(p.Status, to)
	tx.After(func() {
		s.log.Info("👤 Staff requesting status change", "petId", p.ID, "currentStatus", d.Previous, "requestedStatus", to, "namespace", o.Namespace, "actor", o.Actor)
	})
	if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventStatusUpdateRequested),
		PetID: p.ID, Actor: o.Actor, From: p.Status, To: to}); err != nil {
		return d, err
	}
	if d.Rejected {
		tx.After(func() {
			s.log.Warn("⚠️ Transition rejected", "petId", p.ID, "currentStatus", d.Previous, "requestedStatus", to, "reason", d.Reason)
		})
		return d, s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventTransitionRejected),
			PetID: p.ID, Actor: o.Actor, From: p.Status, To: to, Data: mustJSON(map[string]any{"reason": d.Reason})})
	}
	return d, s.applyDecisionTx(ctx, tx, o, p, d)
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
	if len(d.Steps) == 0 {
		return nil
	}
	for _, st := range d.Steps {
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
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventTransitionCompleted),
			PetID: p.ID, Actor: actor, From: st.From, To: st.To,
			Data: mustJSON(map[string]any{"automatic": st.Automatic, "description": st.Description})}); err != nil {
			return err
		}
	}
	p.Status = d.Final()
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET status = ?, updated_at = ? WHERE id = ?`, p.Status, p.UpdatedAt, p.ID); err != nil {
		return dbErr("update status", err)
	}
	return nil
}

// DeletePet soft-deletes a pet: status deleted, deletedAt now, purgeAt
// after the retention period. A pet already deleted keeps its dates.
func (s *Store) DeletePet(ctx context.Context, o shelter.Origin, id string) (*shelter.Pet, error) {
	var p *shelter.Pet
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findPetTx(ctx, tx, id); err != nil {
			return err
		}
		if p.Deleted() {
			return nil
		}
		now := s.nowMillis()
		from := p.Status
		p.StatusBeforeDelete, p.Status, p.DeletedNamespace = from, shelter.StatusDeleted, o.Namespace
		p.DeletedAt, p.PurgeAt, p.UpdatedAt = now, now+s.purgeAfter.Milliseconds(), max(now, p.UpdatedAt)
		if _, err := tx.ExecContext(ctx, `UPDATE pets SET status = ?, status_before_delete = ?, deleted_namespace = ?,
			deleted_at = ?, purge_at = ?, updated_at = ? WHERE id = ?`,
			p.Status, p.StatusBeforeDelete, p.DeletedNamespace, p.DeletedAt, p.PurgeAt, p.UpdatedAt, p.ID); err != nil {
			return dbErr("delete pet", err)
		}
		tx.After(func() {
			s.log.Info("🗑️ Pet soft deleted", "petId", p.ID, "name", p.Name, "purgeAt", shelter.FromMillis(p.PurgeAt), "namespace", o.Namespace)
		})
		return s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventPetSoftDeleted),
			PetID: p.ID, Actor: o.Actor, From: from, To: shelter.StatusDeleted,
			Data: mustJSON(map[string]any{"deletedAt": p.DeletedAt, "purgeAt": p.PurgeAt})})
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
		if _, err := tx.ExecContext(ctx, `UPDATE pets SET status = ?, status_before_delete = '', deleted_namespace = '',
			deleted_at = 0, purge_at = 0, updated_at = ? WHERE id = ?`, p.Status, p.UpdatedAt, p.ID); err != nil {
			return dbErr("restore pet", err)
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
