// Package testapp builds the real petstore binary and runs it for end-to-end
// tests: on a free port, with a database in the test's temp directory.
package testapp

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds the binary once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		dir, err := os.MkdirTemp("", "petstore-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "petstore")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// App is one running petstore process.
type App struct {
	URL    string
	DBPath string
	cmd    *exec.Cmd
	logs   *syncBuffer
	done   chan struct{}
}

// Options start an App. DBPath defaults to a file in t.TempDir(); Env adds
// variables (KEY=value) to a clean environment.
type Options struct {
	DBPath string
	Env    []string
	Args   []string
}

// FreePort returns a TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs the binary and waits until /healthz answers 200. The process
// is killed when the test ends if it is still running.
func Start(t testing.TB, o Options) *App {
	t.Helper()
	bin := Binary(t)
	if o.DBPath == "" {
		o.DBPath = filepath.Join(t.TempDir(), "petstore.db")
	}
	port := FreePort(t)
	a := &App{URL: "http://127.0.0.1:" + strconv.Itoa(port), DBPath: o.DBPath, logs: &syncBuffer{}, done: make(chan struct{})}
	a.cmd = exec.Command(bin, o.Args...)
	a.cmd.Dir = filepath.Dir(o.DBPath) // so no stray .env is read
	a.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC",
		"PORT=" + strconv.Itoa(port), "DB_PATH=" + o.DBPath,
	}, o.Env...)
	a.cmd.Stdout, a.cmd.Stderr = a.logs, a.logs
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("start petstore: %v", err)
	}
	go func() { a.cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		a.Kill()
		if t.Failed() {
			t.Logf("petstore output:\n%s", a.Logs())
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-a.done:
			t.Fatalf("petstore exited before it was ready:\n%s", a.Logs())
		default:
		}
		resp, err := http.Get(a.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("petstore not ready after 60s:\n%s", a.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the process with SIGKILL, as a crash would, and waits for it.
func (a *App) Kill() {
	select {
	case <-a.done:
		return
	default:
	}
	a.cmd.Process.Kill()
	<-a.done
}

// Stop sends SIGTERM and waits up to timeout for a graceful exit; it
// reports whether the process exited in time (it is killed otherwise).
func (a *App) Stop(timeout time.Duration) bool {
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.done:
		return true
	case <-time.After(timeout):
		a.Kill()
		return false
	}
}

// ExitCode is the process's exit code once it has exited, else -1.
func (a *App) ExitCode() int {
	select {
	case <-a.done:
		return a.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// Logs returns what the process printed so far.
func (a *App) Logs() string { return a.logs.String() }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
