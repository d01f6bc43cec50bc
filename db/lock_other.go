//go:build !unix

package db

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// flock is a no-op where flock(2) does not exist: one server per database
// is then the operator's care.
func flock(*os.File) error { return nil }
