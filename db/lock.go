package db

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is the error of OpenWith with Exclusive when another process
// holds the database's lock (see LockedError).
var ErrLocked = errors.New("database in use by another server")

// LockedError names the database a second server was refused, and the
// process that holds it.
type LockedError struct {
	Path string
	PID  int // 0 when unknown
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "another petstore server (pid " + strconv.Itoa(e.PID) + ")"
	}
	return fmt.Sprintf("database %s is in use by %s: one server per database file, stop that one first "+
		"(the one-shot commands such as `petstore token` and `petstore reap` work beside it)", e.Path, who)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// LockPath is the lock file beside the database at path, held by the
// server for its lifetime.
func LockPath(path string) string { return path + ".lock" }

// lockFile is a held lock on LockPath.
type lockFile struct{ f *os.File }

// lock takes the exclusive lock beside the database at path without
// waiting, and writes this process's id into the lock file (for the
// message of a server refused). The operating system lets go of the lock
// when the process dies, kill -9 included.
func lock(path string) (*lockFile, error) {
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("database lock %s: %w", LockPath(path), err)
	}
	if err := flock(f); err != nil {
		pid := 0
		if b, rerr := os.ReadFile(LockPath(path)); rerr == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &LockedError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("database lock %s: %w", LockPath(path), err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &lockFile{f: f}, nil
}

// release lets go of the lock. The file stays: removing it would race
// with a server taking it.
func (l *lockFile) release() error {
	if l == nil {
		return nil
	}
	l.f.Truncate(0)
	return l.f.Close() // closing the descriptor releases the flock
}

// Lock takes the server's lock of the database at path without waiting,
// for work that must not run beside a server (a restore), and returns
// its release. A held lock is a *LockedError.
func Lock(path string) (release func() error, err error) {
	l, err := lock(path)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}
