//go:build unix

package store

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// sharedCounters are counters shared by every process that opens the
// database: sixteen bytes of a file beside it (PATH-auth, PATH with its
// symbolic links resolved), mapped into
// memory, so that reading them costs no system call. The first eight
// count token and account changes (tokencache.go), the next eight the
// commits of every Store on the file (petcache.go).
type sharedCounters struct{ auth, commits *uint64 }

// sharedCountersSize is the bytes of the file in use (a file of the first
// eight only, made by an older build, is extended).
const sharedCountersSize = 16

// openSharedCounters maps PATH-auth, creating it; nil when that fails (a
// full disk, a read-only directory, an in-memory database). The mapping is
// never undone: a request still running while the Store closes may read it.
func openSharedCounters(path string) *sharedCounters {
	if path == "" || strings.HasPrefix(path, ":") || strings.HasPrefix(path, "file:") {
		return nil
	}
	// Beside the file itself, as SQLite puts its -wal and -shm: a Store
	// opened through a symbolic link shares the counters with one opened
	// by the file's own name.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	f, err := os.OpenFile(path+"-auth", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	defer f.Close() // the mapping stays valid
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	if n := st.Size(); n < sharedCountersSize {
		// Written, not only truncated: the page must exist before it is
		// mapped (a store into a mapped hole on a full disk is a SIGBUS).
		// Only past what is there: another process may be counting.
		if _, err := f.WriteAt(make([]byte, sharedCountersSize-n), n); err != nil {
			return nil
		}
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, sharedCountersSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return &sharedCounters{auth: (*uint64)(unsafe.Pointer(&b[0])), commits: (*uint64)(unsafe.Pointer(&b[8]))}
}

func (c *sharedCounters) authChanges() uint64 { return atomic.LoadUint64(c.auth) }
func (c *sharedCounters) addAuthChange()      { atomic.AddUint64(c.auth, 1) }
func (c *sharedCounters) commitCount() uint64 { return atomic.LoadUint64(c.commits) }
func (c *sharedCounters) addCommit()          { atomic.AddUint64(c.commits, 1) }
