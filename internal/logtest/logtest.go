// Package logtest is a log sink for tests: safe for the goroutines that
// log at once, and able to wait for a line that background work writes
// after its commit.
package logtest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Buffer collects what is written to it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// WaitFor waits up to 10 s for line to be written and returns what was
// written so far; it fails t if the line does not come. A job's lines are
// written after its commit, so they may follow what a reader sees in the
// database by a moment.
func (b *Buffer) WaitFor(t testing.TB, line string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := b.String()
		if strings.Contains(s, line) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the logs lack %q:\n%s", line, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
