//go:build !unix

package store

// sharedCounters are not shared across processes here: no token cache and
// no pet cache.
type sharedCounters struct{}

func openSharedCounters(string) *sharedCounters { return nil }

func (c *sharedCounters) authChanges() uint64 { return 0 }
func (c *sharedCounters) addAuthChange()      {}
func (c *sharedCounters) commitCount() uint64 { return 0 }
func (c *sharedCounters) addCommit()          {}
