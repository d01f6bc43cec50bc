package store

import (
	"context"

	"github.com/petstore/petstore/internal/shelter"
)

// errSetupDone is the conflict of a first-run step once accounts exist.
func errSetupDone() error {
	return shelter.Errorf(shelter.ECONFLICT, "Setup is done: accounts exist")
}

func countUsersTx(ctx context.Context, tx *txn) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, dbErr("count users", err)
	}
	return n, nil
}

// CreateFirstAdmin stores u as an admin when there are no accounts yet and
// reports whether it did; with accounts it changes nothing.
func (s *Store) CreateFirstAdmin(ctx context.Context, u *shelter.User, passwordHash string) (bool, error) {
	created := false
	err := s.inTx(ctx, func(tx *txn) error {
		n, err := countUsersTx(ctx, tx)
		if err != nil || n > 0 {
			return err
		}
		u.Role, u.Disabled = shelter.RoleAdmin, false
		if err := s.insertUserTx(ctx, tx, u, passwordHash); err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, err
}

// CreateSetupToken replaces any setup secret with the one stored under
// secretHash, good until expiresAt (milliseconds). ECONFLICT when accounts
// exist.
func (s *Store) CreateSetupToken(ctx context.Context, secretHash string, expiresAt int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		n, err := countUsersTx(ctx, tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return errSetupDone()
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens`); err != nil {
			return dbErr("create setup token", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (secret_hash, created_at, expires_at) VALUES (?, ?, ?)`,
			secretHash, s.nowMillis(), expiresAt); err != nil {
			return dbErr("create setup token", err)
		}
		return nil
	})
}

// CheckSetupToken returns nil when a live setup secret is stored under
// secretHash and there are still no accounts, else ENOTFOUND.
func (s *Store) CheckSetupToken(ctx context.Context, secretHash string) error {
	var ok bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE secret_hash = ? AND expires_at > ?)
		AND NOT EXISTS (SELECT 1 FROM users)`, secretHash, s.nowMillis()).Scan(&ok)
	if err != nil {
		return dbErr("check setup token", err)
	}
	if !ok {
		return shelter.ErrNotFound()
	}
	return nil
}

// CompleteSetup spends the setup secret stored under secretHash and stores
// u as the first admin, in one transaction. ENOTFOUND when the secret is
// unknown, spent or expired, or accounts exist. u must be validated.
func (s *Store) CompleteSetup(ctx context.Context, secretHash string, u *shelter.User, passwordHash string) error {
	return s.inTx(ctx, func(tx *txn) error {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE secret_hash = ? AND expires_at > ?)
			AND NOT EXISTS (SELECT 1 FROM users)`, secretHash, s.nowMillis()).Scan(&ok); err != nil {
			return dbErr("complete setup", err)
		}
		if !ok {
			return shelter.ErrNotFound()
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens`); err != nil {
			return dbErr("complete setup", err)
		}
		u.Role, u.Disabled = shelter.RoleAdmin, false
		return s.insertUserTx(ctx, tx, u, passwordHash)
	})
}
