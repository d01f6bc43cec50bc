//go:build !linux

package db

// FreeBytes cannot tell the free space here: -1.
func (db *DB) FreeBytes() int64 { return -1 }
