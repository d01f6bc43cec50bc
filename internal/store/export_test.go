package store

import (
	"context"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/shelter"
)

// The transaction helpers, for the store's own tests only: no exported
// method of the store takes a transaction.

type Tx = txn

func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error { return s.inTx(ctx, fn) }

func (s *Store) EnqueueTx(ctx context.Context, tx *Tx, o shelter.Origin, kind, petID string, args any) (int64, error) {
	return s.enqueueTx(ctx, tx, o, kind, petID, args)
}

func (s *Store) FindPetTx(ctx context.Context, tx *Tx, id string) (*shelter.Pet, error) {
	return findPetTx(ctx, tx, id)
}

func (s *Store) ApplyDecisionTx(ctx context.Context, tx *Tx, o shelter.Origin, p *shelter.Pet, d shelter.Decision) error {
	return s.applyDecisionTx(ctx, tx, o, p, d)
}

// ClaimSQL is the claim statement of the given kinds.
var ClaimSQL = claimSQL

// SQLClaimDone is the batch claim of one kind.
const SQLClaimDone = sqlClaimDone

// InTxPure is inTxPure: fn may be run twice.
func (s *Store) InTxPure(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTxPure(ctx, fn)
}

func (s *Store) InTxJoin(ctx context.Context, wait time.Duration, fn func(tx *Tx) error) error {
	return s.inTxJoin(ctx, wait, fn)
}

// SetFreeBytes makes the store see free bytes of space on the database's
// filesystem, until the test ends.
func SetFreeBytes(t interface{ Cleanup(func()) }, free int64) {
	prev := freeBytes
	freeBytes = func(*db.DB) int64 { return free }
	t.Cleanup(func() { freeBytes = prev })
}

// InsertEventsTx is insertEvents: a few events an INSERT.
func (s *Store) InsertEventsTx(ctx context.Context, tx *Tx, events ...*shelter.Event) error {
	return s.insertEvents(ctx, tx, events...)
}
