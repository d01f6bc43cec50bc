package logtest

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBufferWaitsForALineWrittenLater(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { b.Write([]byte("one line\n")) })
	}
	wg.Go(func() {
		time.Sleep(30 * time.Millisecond)
		b.Write([]byte("the late line\n"))
	})
	got := b.WaitFor(t, "the late line")
	wg.Wait()
	if strings.Count(b.String(), "one line\n") != 4 || !strings.Contains(got, "the late line") {
		t.Fatalf("logs %q", b.String())
	}
}
