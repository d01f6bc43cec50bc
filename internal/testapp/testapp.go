// Package testapp builds the real petstore binary and runs it for end-to-end
// tests: on a free port, with a database in the test's temp directory.
package testapp

import (
	"bytes"
	"fmt"
	"github.com/petstore/petstore/internal/logtest"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// AdminEmail and AdminPassword are the first admin's, made from
	// ADMIN_EMAIL and ADMIN_PASSWORD at the first start (empty with
	// NoAdmin).
	AdminEmail, AdminPassword string
	// Token is an admin API token made with `petstore token create`
	// before the start, named TokenName (empty with NoAdmin).
	Token, TokenName string
	cmd              *exec.Cmd
	logs             *logtest.Buffer
	done             chan struct{}
}

// Options start an App. DBPath defaults to a file in t.TempDir(); Env adds
// variables (KEY=value) to a clean environment.
type Options struct {
	DBPath string
	Env    []string
	Args   []string
	// NoAdmin starts without ADMIN_EMAIL/ADMIN_PASSWORD and without a
	// token: on an empty database the server prints the setup link.
	NoAdmin bool
}

// The first admin of every App (unless NoAdmin or Env sets its own).
const (
	AdminEmail    = "admin@example.org"
	AdminPassword = "tabby cats nap at noon"
)

var tokenSeq atomic.Int64

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
	a := &App{URL: "http://127.0.0.1:" + strconv.Itoa(port), DBPath: o.DBPath, logs: &logtest.Buffer{}, done: make(chan struct{})}
	if v, ok := envValue(o.Env, "LISTEN_ADDR"); ok { // it wins over PORT
		host, p, _ := net.SplitHostPort(v)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		a.URL = "http://" + net.JoinHostPort(host, p)
	}
	env := append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC",
		"PORT=" + strconv.Itoa(port), "DB_PATH=" + o.DBPath,
	}, o.Env...)
	if !o.NoAdmin {
		a.AdminEmail, a.AdminPassword = AdminEmail, AdminPassword
		if v, ok := envValue(o.Env, "ADMIN_EMAIL"); ok {
			a.AdminEmail = v
			a.AdminPassword, _ = envValue(o.Env, "ADMIN_PASSWORD")
		} else {
			env = append(env, "ADMIN_EMAIL="+AdminEmail, "ADMIN_PASSWORD="+AdminPassword)
		}
		a.TokenName = "e2e"
		if _, err := os.Stat(o.DBPath); err == nil { // a restart: names are unique for ever
			a.TokenName = fmt.Sprintf("e2e-%d", tokenSeq.Add(1))
		}
		a.Token = createToken(t, bin, filepath.Dir(o.DBPath), env, a.TokenName)
	}
	a.cmd = exec.Command(bin, o.Args...)
	a.cmd.Dir = filepath.Dir(o.DBPath) // so no stray .env is read
	a.cmd.Env = env
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

// envValue finds KEY's value in a KEY=value list (the last wins).
func envValue(env []string, key string) (string, bool) {
	v, ok := "", false
	for _, kv := range env {
		if k, val, found := strings.Cut(kv, "="); found && k == key {
			v, ok = val, true
		}
	}
	return v, ok
}

// createToken runs `petstore token create` on the app's database before
// it starts, as an operator would for a script.
func createToken(t testing.TB, bin, dir string, env []string, name string) string {
	t.Helper()
	cmd := exec.Command(bin, "token", "create", "--name", name, "--role", "admin")
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("petstore token create: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// Client is an HTTP client whose every request carries the app's bearer
// token (unless the request has an Authorization header of its own).
func (a *App) Client() *http.Client {
	return &http.Client{Transport: bearerTransport{token: a.Token, next: http.DefaultTransport}}
}

type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.token != "" && r.Header.Get("Authorization") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.next.RoundTrip(r)
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

// PID is the server process's id.
func (a *App) PID() int { return a.cmd.Process.Pid }

// Logs returns what the process printed so far.
func (a *App) Logs() string { return a.logs.String() }

// WaitLog waits up to 10 s for the process to print line, and returns what
// it printed so far. Work done in the background logs after its commit, so
// its lines may follow what a reader sees in the database by a moment.
func (a *App) WaitLog(t testing.TB, line string) string {
	t.Helper()
	return a.logs.WaitFor(t, line)
}
