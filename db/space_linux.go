package db

import "syscall"

// FreeBytes is the space the database's filesystem has left for it
// (statfs: the blocks available to an unprivileged user); -1 when it
// cannot be told (PostgreSQL, an error).
func (db *DB) FreeBytes() int64 {
	if db.Engine != SQLite {
		return -1
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(db.Path, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
