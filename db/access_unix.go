//go:build unix

package db

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// accessHint says why this process may not open path (or its directory,
// where SQLite makes the -wal and -shm files) for writing, naming the
// owner and this process's user, or "" when nothing is in the way. SQLite
// itself only says "unable to open database file".
func accessHint(path string) string {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err == nil {
			f.Close()
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			return ownerHint(p, "cannot be written")
		}
	}
	dir := filepath.Dir(path)
	if f, err := os.CreateTemp(dir, ".petstore-access-*"); err == nil {
		f.Close()
		os.Remove(f.Name())
	} else if errors.Is(err, fs.ErrPermission) {
		return ownerHint(dir, "(the database's directory) takes no new files, such as its -wal and -shm")
	}
	return ""
}

func ownerHint(p, what string) string {
	msg := fmt.Sprintf("%s %s by this process (uid %d)", p, what, os.Geteuid())
	if fi, err := os.Stat(p); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			msg += fmt.Sprintf(": it belongs to uid %d, mode %04o; run as its owner, or chown it to the service's user", st.Uid, fi.Mode().Perm())
		}
	}
	return msg
}
