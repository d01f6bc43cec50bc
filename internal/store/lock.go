package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/shelter"
)

// ErrLocked is the error of LockDB when a server holds the database.
var ErrLocked = shelter.Errorf(shelter.ECONFLICT, "a petstore server is running on this database")

// LockDB takes the lock a server holds for its lifetime (db.LockPath,
// beside the database), for work that must not run beside a server: a
// restore. It fails at once, with an error that is ErrLocked and names
// the holder, when a server holds it.
func LockDB(path string) (release func(), err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	rel, err := db.Lock(path)
	var le *db.LockedError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, le.Error())
	} else if err != nil {
		return nil, err
	}
	return func() { rel() }, nil
}
