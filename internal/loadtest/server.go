package loadtest

import (
	"bytes"
	"context"
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
	"time"
)

// Server is the petstore binary running as a child process.
type Server struct {
	URL, DBPath, Token, LogPath string
	cmd                         *exec.Cmd
	done                        chan struct{}
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat
// (100 on every Linux this runs on).
const clockTicks = 100

// StartServer creates an admin token with `petstore token create` on a
// fresh database in dir, then starts bin there on a free loopback port and
// waits for /healthz. env adds KEY=value settings (DB_SYNC=full and the
// like) to a clean environment.
func StartServer(ctx context.Context, bin, dir string, env []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), DBPath: filepath.Join(dir, "petstore.db"),
		LogPath: filepath.Join(dir, "server.log"), done: make(chan struct{})}
	full := append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC",
		"PORT=" + strconv.Itoa(port), "LISTEN_ADDR=127.0.0.1:" + strconv.Itoa(port), "DB_PATH=" + s.DBPath,
		"ADMIN_EMAIL=loadtest@example.org", "ADMIN_PASSWORD=tabby cats nap at noon",
	}, env...)
	tok := exec.CommandContext(ctx, bin, "token", "create", "--name", "loadtest", "--role", "admin")
	tok.Dir, tok.Env = dir, full
	var stderr bytes.Buffer
	tok.Stderr = &stderr
	out, err := tok.Output()
	if err != nil {
		return nil, fmt.Errorf("petstore token create: %w\n%s", err, stderr.String())
	}
	s.Token = strings.TrimSpace(string(out))
	logf, err := os.Create(s.LogPath)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin)
	s.cmd.Dir, s.cmd.Env = dir, full // dir: no stray .env is read
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start petstore: %w", err)
	}
	go func() { s.cmd.Wait(); logf.Close(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("petstore exited before it was ready (log: %s)", s.LogPath)
		default:
		}
		if resp, err := http.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("petstore not ready after 60s (log: %s)", s.LogPath)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop sends SIGTERM, and SIGKILL after 15 s.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// PID is the child's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// CPU is the child's user+system CPU time so far.
func (s *Server) CPU() (time.Duration, error) { return procCPU(s.PID()) }

// PeakRSS is the child's peak resident set size in bytes (VmHWM).
func (s *Server) PeakRSS() (int64, error) { return procStatusKB(s.PID(), "VmHWM:") }

// WatchRSS samples the child's resident set every 100 ms until ctx ends,
// and returns a function giving the largest anonymous part seen (RssAnon:
// the heaps, Go's and SQLite's) and the file-backed part at that moment
// (RssFile: the pages of the binary and of the libraries the kernel has
// mapped in). VmHWM is their sum at its peak; the file-backed part moves
// with the kernel's page cache (by several MB from one start of the same
// binary to the next), the anonymous part with the server's own memory.
func (s *Server) WatchRSS(ctx context.Context) func() (anon, file int64) {
	var mu sync.Mutex
	var peakAnon, fileThen int64
	sample := func() {
		a, err1 := procStatusKB(s.PID(), "RssAnon:")
		f, err2 := procStatusKB(s.PID(), "RssFile:")
		if err1 != nil || err2 != nil {
			return
		}
		mu.Lock()
		if a > peakAnon {
			peakAnon, fileThen = a, f
		}
		mu.Unlock()
	}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() (int64, int64) {
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peakAnon, fileThen
	}
}

// procCPU reads utime+stime from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// parseStatCPU takes utime and stime (fields 14 and 15) from a
// /proc/PID/stat line; the command name in parentheses may hold spaces.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc stat %q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc stat %q", stat)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc stat %q", stat)
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// procStatusKB reads one "Key: N kB" line of /proc/PID/status in bytes.
func procStatusKB(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n * 1024, err
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", key, pid)
}

// selfCPU is this process's user+system CPU time: the load generator's
// share of the two cores, printed beside the server's.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
