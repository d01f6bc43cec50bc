package db

import (
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// FaultKind names a storage fault: a reason the database cannot be written
// that lies with the disk or the file, not with the request.
type FaultKind string

// The storage faults.
const (
	FaultFull     FaultKind = "full"      // the disk (or the database's size limit) is full
	FaultReadOnly FaultKind = "read-only" // the file, its directory or the mount refuse writes
	FaultIO       FaultKind = "io"        // the disk reported an I/O error
	FaultCantOpen FaultKind = "cannot-open"
	FaultCorrupt  FaultKind = "corrupt" // the file is damaged or not a database
)

// Fault is a storage fault found in an error.
type Fault struct {
	Kind FaultKind
	// Message names the cause for a person ("The database disk is full").
	Message string
}

var faultMessages = map[FaultKind]string{
	FaultFull:     "The database disk is full",
	FaultReadOnly: "The database is read-only (file, directory or disk refuses writes)",
	FaultIO:       "The database disk reported an I/O error",
	FaultCantOpen: "The database file cannot be opened",
	FaultCorrupt:  "The database file is damaged",
}

func newFault(k FaultKind) *Fault { return &Fault{Kind: k, Message: faultMessages[k]} }

// SQLite's primary result codes that are storage faults.
const (
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// FaultOf returns the storage fault err holds, or nil when err is nil or
// not a storage fault (a constraint, a busy database, a bug).
func FaultOf(err error) *Fault {
	if err == nil {
		return nil
	}
	// What the operating system said, when it reaches us (creating files).
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return newFault(FaultFull)
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return newFault(FaultReadOnly)
	case errors.Is(err, syscall.EIO):
		return newFault(FaultIO)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "53100": // disk_full
			return newFault(FaultFull)
		case "25006": // read_only_sql_transaction (a standby, or default_transaction_read_only)
			return newFault(FaultReadOnly)
		case "58030": // io_error
			return newFault(FaultIO)
		case "XX001", "XX002": // data_corrupted, index_corrupted
			return newFault(FaultCorrupt)
		}
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteFull:
			return newFault(FaultFull)
		case sqliteReadOnly:
			return newFault(FaultReadOnly)
		case sqliteCantOpen:
			return newFault(FaultCantOpen)
		case sqliteCorrupt, sqliteNotADB:
			return newFault(FaultCorrupt)
		case sqliteIOErr:
			return newFault(FaultIO)
		}
		return nil
	}
	// Errors that lost their type on the way (wrapped as text).
	msg := err.Error()
	switch {
	case strings.Contains(msg, "database or disk is full"), strings.Contains(msg, "SQLITE_FULL"):
		return newFault(FaultFull)
	case strings.Contains(msg, "attempt to write a readonly database"), strings.Contains(msg, "SQLITE_READONLY"):
		return newFault(FaultReadOnly)
	case strings.Contains(msg, "disk I/O error"), strings.Contains(msg, "SQLITE_IOERR"):
		return newFault(FaultIO)
	case strings.Contains(msg, "unable to open database file"), strings.Contains(msg, "SQLITE_CANTOPEN"):
		return newFault(FaultCantOpen)
	}
	return nil
}

// Transient reports whether err is a PostgreSQL failure a client may
// retry: the server cannot be reached or is shutting down, the connection
// broke, or the transaction lost a serialization race or a deadlock.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") ||
			pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "53300" // too_many_connections
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "unexpected EOF")
}
