package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/petstore/petstore/internal/shelter"
)

const tokenColumns = `t.id, t.name, t.role, t.user_id, t.hint, t.created_at, t.last_used_at, t.expires_at, t.revoked_at`

func scanToken(row scanner, extra ...any) (*shelter.Token, error) {
	var (
		t   shelter.Token
		id  int64
		uid sql.NullInt64
	)
	dest := append([]any{&id, &t.Name, &t.Role, &uid, &t.Hint, &t.CreatedAt, &t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	t.ID = strconv.FormatInt(id, 10)
	if uid.Valid {
		t.UserID = strconv.FormatInt(uid.Int64, 10)
	}
	return &t, nil
}

// CreateToken stores a token under the hash of its secret and sets its id
// and creation time. ECONFLICT when the name is taken (names are never
// reused, so the audit's actor names one token) or the owner is disabled;
// ENOTFOUND when the owner does not exist. t must be validated.
func (s *Store) CreateToken(ctx context.Context, secretHash string, t *shelter.Token) error {
	var owner any
	if t.UserID != "" {
		n, err := parseID(t.UserID)
		if err != nil {
			return err
		}
		owner = n
	}
	return s.inTx(ctx, func(tx *txn) error {
		if owner != nil {
			var disabled bool
			err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = ?`, owner).Scan(&disabled)
			if errors.Is(err, sql.ErrNoRows) {
				return shelter.ErrNotFound()
			} else if err != nil {
				return dbErr("create token", err)
			}
			if disabled {
				return shelter.Errorf(shelter.ECONFLICT, "The account is disabled")
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE name = ?`, t.Name).Scan(&n); err != nil {
			return dbErr("create token", err)
		}
		if n > 0 {
			return shelter.Errorf(shelter.ECONFLICT, "A token named %s exists or existed: choose another name", t.Name)
		}
		t.CreatedAt = s.nowMillis()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, role, user_id, secret_hash, hint, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, t.Role, owner, secretHash, t.Hint, t.CreatedAt, t.ExpiresAt).Scan(&id); err != nil {
			return dbErr("create token", err)
		}
		t.ID = strconv.FormatInt(id, 10)
		return nil
	})
}

// FindActiveToken returns the token stored under secretHash, and its owner
// for a personal token. ENOTFOUND when there is none, or it is revoked or
// expired, or its owner is disabled.
//
// A token found active is remembered for up to a second (tokencache.go);
// revoking it or changing its owner, in this process or another, forgets
// it at once.
func (s *Store) FindActiveToken(ctx context.Context, secretHash string) (*shelter.Token, *shelter.User, error) {
	now := s.now()
	if t, u, ok := s.tokens.get(secretHash, now, now.UnixMilli()); ok {
		return t, u, nil
	}
	st := s.tokens.stamp()
	t, u, err := s.findActiveToken(ctx, secretHash)
	if err == nil {
		s.tokens.put(st, secretHash, t, u, now)
	}
	return t, u, err
}

func (s *Store) findActiveToken(ctx context.Context, secretHash string) (*shelter.Token, *shelter.User, error) {
	var (
		u      shelter.User
		uid    sql.NullInt64
		name   sql.NullString
		email  sql.NullString
		role   sql.NullString
		uCAt   sql.NullInt64
		uUpdAt sql.NullInt64
	)
	t, err := scanToken(s.queryRowPrepared(ctx, `SELECT `+tokenColumns+`,
			u.id, u.name, u.email, u.role, u.created_at, u.updated_at
		FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
		WHERE t.secret_hash = ? AND t.revoked_at = 0 AND (t.expires_at = 0 OR t.expires_at > ?)
			AND (t.user_id IS NULL OR u.disabled = 0)`, secretHash, s.nowMillis()),
		&uid, &name, &email, &role, &uCAt, &uUpdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, nil, dbErr("find token", err)
	}
	if !uid.Valid {
		return t, nil, nil
	}
	u = shelter.User{ID: strconv.FormatInt(uid.Int64, 10), Name: name.String, Email: email.String,
		Role: shelter.Role(role.String), CreatedAt: uCAt.Int64, UpdatedAt: uUpdAt.Int64}
	return t, &u, nil
}

// TouchToken records that a token was used at time at (milliseconds); it
// never moves the last-used time backwards.
func (s *Store) TouchToken(ctx context.Context, id string, at int64) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *txn) error {
		tx.noPets = true
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, at, n, at); err != nil {
			return dbErr("touch token", err)
		}
		return nil
	})
	if err == nil {
		s.tokens.touched(id, at)
	}
	return err
}

// FindTokenByID returns one token, revoked or not.
func (s *Store) FindTokenByID(ctx context.Context, id string) (*shelter.Token, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	t, err := scanToken(s.db.Read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.id = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find token", err)
	}
	return t, nil
}

// FindTokens lists tokens newest first, revoked ones included: one
// account's when userID is set, else every token.
func (s *Store) FindTokens(ctx context.Context, userID string) ([]*shelter.Token, error) {
	q, args := `SELECT `+tokenColumns+` FROM api_tokens t`, []any{}
	if userID != "" {
		n, err := parseID(userID)
		if err != nil {
			return nil, err
		}
		q += ` WHERE t.user_id = ?`
		args = append(args, n)
	}
	rows, err := s.db.Read.QueryContext(ctx, q+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, dbErr("find tokens", err)
	}
	defer rows.Close()
	out := []*shelter.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, dbErr("find tokens", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("find tokens", err)
	}
	return out, nil
}

// RevokeToken marks a token revoked; it is refused from then on. Revoking
// a revoked token keeps its first revocation time. ENOTFOUND when there is
// no such token.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	defer s.tokens.invalidate() // after the commit, whatever its outcome
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?`, s.nowMillis(), n)
		if err != nil {
			return dbErr("revoke token", err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return dbErr("revoke token", err)
		} else if k == 0 {
			return shelter.ErrNotFound()
		}
		return nil
	})
}
