package auth

import (
	"context"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// AccountStore is what the accounts service needs of storage (the store
// implements it). Secrets are never stored: only their hashes. Each method
// owns its transaction.
type AccountStore interface {
	// Users.
	CountUsers(ctx context.Context) (int, error)
	FindUserByID(ctx context.Context, id string) (*shelter.User, error)
	FindUsers(ctx context.Context) ([]*shelter.User, error)
	// FindUserCredentials returns the user with email and its password
	// hash.
	FindUserCredentials(ctx context.Context, email string) (*shelter.User, string, error)
	CreateUser(ctx context.Context, u *shelter.User, passwordHash string) error
	UpdateUser(ctx context.Context, id string, u shelter.UserUpdate) (*shelter.User, error)
	SetPasswordHash(ctx context.Context, id, passwordHash string) error
	// ChangePassword replaces oldHash with newHash, ends the user's other
	// sessions and creates ss under secretHash, in one transaction.
	ChangePassword(ctx context.Context, userID, oldHash, newHash, secretHash string, ss *shelter.Session) error

	// Sessions.
	CreateSession(ctx context.Context, secretHash string, ss *shelter.Session) error
	FindSession(ctx context.Context, secretHash string) (*shelter.Session, *shelter.User, error)
	DeleteSession(ctx context.Context, secretHash string) error

	// API tokens.
	CreateToken(ctx context.Context, secretHash string, t *shelter.Token) error
	FindActiveToken(ctx context.Context, secretHash string) (*shelter.Token, *shelter.User, error)
	TouchToken(ctx context.Context, id string, at int64) error
	FindTokens(ctx context.Context, userID string) ([]*shelter.Token, error)
	FindTokenByID(ctx context.Context, id string) (*shelter.Token, error)
	RevokeToken(ctx context.Context, id string) error

	// Sign-in throttling.
	RecordLoginFailure(ctx context.Context, account, addr string, keep time.Duration) error
	ClearLoginFailures(ctx context.Context, account string) error
	CountLoginFailures(ctx context.Context, account, addr string, since int64) (shelter.LoginFailures, error)

	// First-run setup.
	CreateFirstAdmin(ctx context.Context, u *shelter.User, passwordHash string) (bool, error)
	CreateSetupToken(ctx context.Context, secretHash string, expiresAt int64) error
	CheckSetupToken(ctx context.Context, secretHash string) error
	CompleteSetup(ctx context.Context, secretHash string, u *shelter.User, passwordHash string) error
}
