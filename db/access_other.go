//go:build !unix

package db

// accessHint cannot tell owners here: "".
func accessHint(path string) string { return "" }
