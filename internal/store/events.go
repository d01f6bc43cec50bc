package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/petstore/petstore/internal/shelter"
)

const (
	insertEventSQL = `INSERT INTO events (namespace, type, pet_id, actor, from_status, to_status, data, created_at)
	VALUES ` + eventValues
	eventValues = `(?, ?, ?, ?, ?, ?, ?, ?)`
	// eventFields is the number of values each event binds.
	eventFields = 8
	// maxEventsPerInsert bounds the events one INSERT appends.
	maxEventsPerInsert = 4
)

// The data of the events every create brings, as structs: marshalled as
// the maps they replace were (keys in alphabetical order), at a fraction
// of the cost on the writer's path.
type (
	createdData struct {
		AgeMonths int             `json:"ageMonths"`
		Name      string          `json:"name"`
		Species   shelter.Species `json:"species"`
	}
	startedData struct {
		Attempt int   `json:"attempt"`
		JobID   int64 `json:"jobId"`
	}
	reminderData struct {
		JobID            int64 `json:"jobId"`
		NextFeedingAt    int64 `json:"nextFeedingAt"`
		ProcessingTimeMs int64 `json:"processingTimeMs"`
	}
)

// jobData is an event's {"jobId": id}.
func jobData(id int64) json.RawMessage {
	return append(strconv.AppendInt([]byte(`{"jobId":`), id, 10), '}')
}

// insertEventsSQL[n] appends n events.
var insertEventsSQL = rowsSQL(insertEventSQL, eventValues, maxEventsPerInsert)

// insertEvent appends e to the log and sets its id and time.
func (s *Store) insertEvent(ctx context.Context, tx *txn, e *shelter.Event) error {
	return s.insertEvents(ctx, tx, e)
}

// insertEvents appends events to the log in their order and sets their ids
// and times, a few events an INSERT (see insertRowsPrepared).
func (s *Store) insertEvents(ctx context.Context, tx *txn, events ...*shelter.Event) error {
	if len(events) == 0 {
		return nil
	}
	n := min(len(events), maxEventsPerInsert)
	args := make([]any, 0, n*eventFields)
	for _, e := range events[:n] {
		if e.CreatedAt == 0 {
			e.CreatedAt = s.nowMillis()
		}
		var petID any
		if e.PetID != "" {
			id, err := strconv.ParseInt(e.PetID, 10, 64)
			if err != nil {
				return dbErr("insert event", err)
			}
			petID = id
		}
		var data any
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		args = append(args, e.Namespace, e.Type, petID, e.Actor, e.From, e.To, data, e.CreatedAt)
	}
	ids, err := tx.insertRowsPrepared(ctx, n, insertEventsSQL[n], args...)
	if err != nil {
		return dbErr("insert event", err)
	}
	for i, e := range events[:n] {
		e.ID = ids[i]
	}
	tx.evented = true
	return s.insertEvents(ctx, tx, events[n:]...)
}

// InsertEvent appends one event in a transaction of its own.
func (s *Store) InsertEvent(ctx context.Context, e *shelter.Event) error {
	return s.inTx(ctx, func(tx *txn) error { return s.insertEvent(ctx, tx, e) })
}

// FindEvents returns events oldest first: one pet's timeline when PetID is
// set, else the global feed; only those after the id After.
func (s *Store) FindEvents(ctx context.Context, f shelter.EventFilter) ([]*shelter.Event, error) {
	limit := pageLimit(f.Limit)
	q := `SELECT id, namespace, type, pet_id, actor, from_status, to_status, data, created_at FROM events WHERE id > ?`
	args := []any{f.After}
	if f.PetID != "" {
		n, err := parseID(f.PetID)
		if err != nil {
			return nil, err
		}
		q += ` AND pet_id = ?`
		args = append(args, n)
	}
	q += ` ORDER BY id LIMIT ?`
	rows, err := s.db.Read.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, dbErr("find events", err)
	}
	defer rows.Close()
	out := []*shelter.Event{}
	for rows.Next() {
		var (
			e     shelter.Event
			petID sql.NullInt64
			data  sql.NullString
		)
		if err := rows.Scan(&e.ID, &e.Namespace, &e.Type, &petID, &e.Actor, &e.From, &e.To, &data, &e.CreatedAt); err != nil {
			return nil, dbErr("find events", err)
		}
		if petID.Valid {
			e.PetID = strconv.FormatInt(petID.Int64, 10)
		}
		if data.Valid {
			e.Data = []byte(data.String)
		}
		out = append(out, &e)
	}
	return out, dbErrOrNil("find events", rows.Err())
}

// LastEventID returns the id of the newest event, 0 when there is none.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := s.db.Read.QueryRowContext(ctx, `SELECT max(id) FROM events`).Scan(&id); err != nil {
		return 0, dbErr("last event", err)
	}
	return id.Int64, nil
}
