package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/petstore/petstore/internal/shelter"
)

const userColumns = `id, name, email, role, disabled, created_at, updated_at`

func scanUser(row scanner) (*shelter.User, error) {
	var (
		u  shelter.User
		id int64
	)
	if err := row.Scan(&id, &u.Name, &u.Email, &u.Role, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.ID = strconv.FormatInt(id, 10)
	return &u, nil
}

// CreateUser stores a new account with its password hash and sets u's id
// and times. ECONFLICT when the email is taken. u must be validated.
func (s *Store) CreateUser(ctx context.Context, u *shelter.User, passwordHash string) error {
	return s.inTx(ctx, func(tx *txn) error { return s.insertUserTx(ctx, tx, u, passwordHash) })
}

func (s *Store) insertUserTx(ctx context.Context, tx *txn, u *shelter.User, passwordHash string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email = ?`, u.Email).Scan(&n); err != nil {
		return dbErr("create user", err)
	}
	if n > 0 {
		return shelter.Errorf(shelter.ECONFLICT, "An account with the email %s already exists", u.Email)
	}
	now := s.nowMillis()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO users (name, email, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Name, u.Email, u.Role, passwordHash, u.Disabled, now, now).Scan(&id); err != nil {
		return dbErr("create user", err)
	}
	u.ID, u.CreatedAt, u.UpdatedAt = strconv.FormatInt(id, 10), now, now
	return nil
}

// FindUserByID returns one account, disabled or not.
func (s *Store) FindUserByID(ctx context.Context, id string) (*shelter.User, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(s.db.Read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find user", err)
	}
	return u, nil
}

// FindUserCredentials returns the account with the (normalized) email and
// its password hash; ENOTFOUND when there is none.
func (s *Store) FindUserCredentials(ctx context.Context, email string) (*shelter.User, string, error) {
	var (
		u    shelter.User
		id   int64
		hash string
	)
	err := s.db.Read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email).
		Scan(&id, &u.Name, &u.Email, &u.Role, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", shelter.ErrNotFound()
	} else if err != nil {
		return nil, "", dbErr("find user", err)
	}
	u.ID = strconv.FormatInt(id, 10)
	return &u, hash, nil
}

// FindUsers lists every account, oldest first.
func (s *Store) FindUsers(ctx context.Context) ([]*shelter.User, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, dbErr("find users", err)
	}
	defer rows.Close()
	out := []*shelter.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbErr("find users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("find users", err)
	}
	return out, nil
}

// CountUsers counts the accounts, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, dbErr("count users", err)
	}
	return n, nil
}

// UpdateUser applies u to the account in one transaction. Disabling it
// deletes its sessions in the same transaction. ECONFLICT when the change
// would leave no enabled admin. u must be validated.
func (s *Store) UpdateUser(ctx context.Context, id string, u shelter.UserUpdate) (*shelter.User, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var out *shelter.User
	defer s.tokens.invalidate() // the owner's role or standing may change
	err = s.inTx(ctx, func(tx *txn) error {
		cur, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
		if errors.Is(err, sql.ErrNoRows) {
			return shelter.ErrNotFound()
		} else if err != nil {
			return dbErr("update user", err)
		}
		next := *cur
		if u.Name != nil {
			next.Name = *u.Name
		}
		if u.Role != nil {
			next.Role = *u.Role
		}
		if u.Disabled != nil {
			next.Disabled = *u.Disabled
		}
		wasAdmin := cur.Role == shelter.RoleAdmin && !cur.Disabled
		if wasAdmin && (next.Role != shelter.RoleAdmin || next.Disabled) {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0`).Scan(&admins); err != nil {
				return dbErr("update user", err)
			}
			if admins <= 1 {
				return shelter.Errorf(shelter.ECONFLICT, "%s is the last admin: make another admin first", cur.Email)
			}
		}
		next.UpdatedAt = s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			next.Name, next.Role, next.Disabled, next.UpdatedAt, n); err != nil {
			return dbErr("update user", err)
		}
		if next.Disabled && !cur.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, n); err != nil {
				return dbErr("end sessions of disabled user", err)
			}
		}
		out = &next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetPasswordHash replaces an account's password hash and deletes all its
// sessions in the same transaction.
func (s *Store) SetPasswordHash(ctx context.Context, id, passwordHash string) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, passwordHash, s.nowMillis(), n)
		if err != nil {
			return dbErr("set password", err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return dbErr("set password", err)
		} else if k == 0 {
			return shelter.ErrNotFound()
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, n); err != nil {
			return dbErr("end sessions after password change", err)
		}
		return nil
	})
}

// ChangePassword is a user's own password change, in one transaction: it
// replaces the account's password hash, provided it is still oldHash (the
// one the caller verified), deletes every session of the account, and
// stores the caller's new session ss under secretHash. ENOTFOUND when the
// account does not exist; ECONFLICT when it is disabled or its password
// changed meanwhile.
func (s *Store) ChangePassword(ctx context.Context, userID, oldHash, newHash, secretHash string, ss *shelter.Session) error {
	n, err := parseID(userID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		var (
			hash     string
			disabled bool
		)
		err := tx.QueryRowContext(ctx, `SELECT password_hash, disabled FROM users WHERE id = ?`, n).Scan(&hash, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return shelter.ErrNotFound()
		} else if err != nil {
			return dbErr("change password", err)
		}
		switch {
		case disabled:
			return shelter.Errorf(shelter.ECONFLICT, "The account is disabled")
		case hash != oldHash:
			return shelter.Errorf(shelter.ECONFLICT, "The password was changed meanwhile: reload the page and try again")
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, newHash, now, n); err != nil {
			return dbErr("change password", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, n); err != nil {
			return dbErr("end sessions after password change", err)
		}
		ss.UserID, ss.CreatedAt = userID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, created_at, expires_at, addr, user_agent)
			VALUES (?, ?, ?, ?, ?, ?)`, secretHash, n, ss.CreatedAt, ss.ExpiresAt, ss.Addr, ss.UserAgent); err != nil {
			return dbErr("renew session after password change", err)
		}
		return nil
	})
}
