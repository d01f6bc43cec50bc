package loadtest

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// WatchRSS finds both parts of a running process's memory: a shell has
// anonymous pages (its heap and stack) and file pages (its binary).
func TestWatchRSS(t *testing.T) {
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command:", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	s := &Server{cmd: cmd}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	parts := s.WatchRSS(ctx)
	time.Sleep(250 * time.Millisecond)
	anon, file := parts()
	if anon <= 0 || file <= 0 || anon > 1<<30 || file > 1<<30 {
		t.Fatalf("anonymous %d bytes, file %d bytes", anon, file)
	}
}
