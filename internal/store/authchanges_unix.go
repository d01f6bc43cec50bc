//go:build unix

package store

import (
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// authChanges is a counter of token and account changes shared by every
// process that opens the database: eight bytes of a file beside it
// (PATH-auth), mapped into memory, so that reading it costs no system
// call.
type authChanges struct{ n *uint64 }

// openAuthChanges maps PATH-auth, creating it; nil when that fails (a
// full disk, a read-only directory, an in-memory database). The mapping is
// never undone: a request still running while the Store closes may read it.
func openAuthChanges(path string) *authChanges {
	if path == "" || strings.HasPrefix(path, ":") || strings.HasPrefix(path, "file:") {
		return nil
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
	if st.Size() < 8 {
		// Written, not only truncated: the page must exist before it is
		// mapped (a store into a mapped hole on a full disk is a SIGBUS).
		if _, err := f.WriteAt(make([]byte, 8), 0); err != nil {
			return nil
		}
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, 8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return &authChanges{n: (*uint64)(unsafe.Pointer(&b[0]))}
}

func (a *authChanges) load() uint64 { return atomic.LoadUint64(a.n) }
func (a *authChanges) add()         { atomic.AddUint64(a.n, 1) }
