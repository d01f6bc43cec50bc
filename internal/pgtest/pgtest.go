// Package pgtest runs a throwaway PostgreSQL cluster for a test binary: one
// cluster per binary (started by Main from TestMain, on a Unix socket in a
// temp directory, as the unprivileged postgres user when the tests run as
// root), and a fresh database for each test that asks for one.
//
// The tests of a package run on PostgreSQL when PETSTORE_TEST_ENGINE is
// postgres (make test runs the store, jobs, auth, metrics and web tests
// once per engine). PETSTORE_TEST_PG_URL names a server to use instead of
// starting one (any database on it: the tests create their own).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Enabled reports whether this test run is on PostgreSQL.
func Enabled() bool { return os.Getenv("PETSTORE_TEST_ENGINE") == "postgres" }

var (
	mu      sync.Mutex
	baseURL string // of the admin database (postgres) on the running cluster
	admin   *sql.DB
	seq     atomic.Int64
)

// Main runs the tests of m, around a cluster of their own when the run is
// on PostgreSQL, and exits with their result. Call it from TestMain.
func Main(m *testing.M) {
	if !Enabled() {
		os.Exit(m.Run())
	}
	stop, err := start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		os.Exit(2)
	}
	code := m.Run()
	if admin != nil {
		admin.Close()
	}
	stop()
	os.Exit(code)
}

// Bin returns the path of one of PostgreSQL's programs (initdb, pg_ctl):
// from PATH, else from Debian's /usr/lib/postgresql/<version>/bin.
func Bin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(ms) == 0 {
		return "", fmt.Errorf("%s not found: install PostgreSQL (apt-get install postgresql; make test does)", name)
	}
	return ms[len(ms)-1], nil
}

// Cluster is a PostgreSQL cluster in a temp directory, listening on a Unix
// socket only.
type Cluster struct {
	Dir  string // data directory and socket
	URL  string // of the postgres database
	asPG bool
}

// StartCluster initialises and starts a cluster in a new temp directory.
// fsync off unless fsync is true: a test cluster is thrown away, a
// benchmark's should not be.
func StartCluster(fsync bool) (*Cluster, error) {
	initdb, err := Bin("initdb")
	if err != nil {
		return nil, err
	}
	pgctl, err := Bin("pg_ctl")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "petstore-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, asPG: os.Geteuid() == 0}
	if c.asPG { // PostgreSQL refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	fs := "off"
	if fsync {
		fs = "on"
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=%s -c full_page_writes=%s -c max_connections=300 -c shared_buffers=32MB", dir, fs, fs)
	if out, err := c.run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	c.URL = "postgres:///postgres?host=" + url.QueryEscape(dir) + "&user=postgres&sslmode=disable"
	return c, nil
}

// Stop stops the cluster at once and removes its directory.
func (c *Cluster) Stop() {
	pgctl, err := Bin("pg_ctl")
	if err == nil {
		c.run(pgctl, "-D", filepath.Join(c.Dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(c.Dir)
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = os.TempDir()
	return cmd.CombinedOutput()
}

func start() (func(), error) {
	if u := os.Getenv("PETSTORE_TEST_PG_URL"); u != "" {
		baseURL = u
		return func() {}, nil
	}
	c, err := StartCluster(os.Getenv("PETSTORE_TEST_PG_FSYNC") == "on")
	if err != nil {
		return nil, err
	}
	baseURL = c.URL
	return c.Stop, nil
}

// NewDatabase creates an empty database (from template, when not empty)
// and returns its URL. The test binary must run through Main.
func NewDatabase(t testing.TB, template string) string {
	t.Helper()
	u, err := CreateDatabase(template)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// CreateDatabase creates a database with a new name (a copy of template,
// when not empty) on the binary's cluster and returns its URL.
func CreateDatabase(template string) (string, error) {
	db, err := adminDB()
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	q := `CREATE DATABASE ` + name
	if template != "" {
		q += ` TEMPLATE ` + template
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A template being copied must have no other session; retry briefly.
	for i := 0; ; i++ {
		_, err = db.ExecContext(ctx, q)
		if err == nil || i == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return URLFor(name), nil
}

// URLFor returns the URL of the named database on the binary's cluster.
func URLFor(name string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func adminDB() (*sql.DB, error) {
	mu.Lock()
	defer mu.Unlock()
	if baseURL == "" {
		return nil, fmt.Errorf("pgtest: no PostgreSQL cluster: the package's TestMain must call pgtest.Main (or storetest.Main)")
	}
	if admin == nil {
		db, err := sql.Open("pgx", baseURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(2)
		admin = db
	}
	return admin, nil
}
