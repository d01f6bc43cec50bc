//go:build !unix

package store

// authChanges is not shared across processes here: no token cache.
type authChanges struct{}

func openAuthChanges(string) *authChanges { return nil }

func (a *authChanges) load() uint64 { return 0 }
func (a *authChanges) add()         {}
