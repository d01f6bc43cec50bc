package e2e

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
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

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/petstore/petstore/internal/testapp"
)

// petstore runs the binary once in dir with env (a clean environment
// plus these) and returns its output and exit code.
func petstore(t *testing.T, dir string, env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(testapp.Binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=UTC"}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run petstore %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// dirEntries lists what a directory holds.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// Every help request answers with usage on stdout, exits 0 and touches
// nothing; an unknown command or flag exits 2 with usage on stderr.
func TestHelpHasNoSideEffects(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	env := []string{"DB_PATH=" + filepath.Join(dir, "data", "petstore.db")}
	for _, args := range [][]string{
		{"help"}, {"--help"}, {"-h"}, {"serve", "--help"}, {"token", "--help"}, {"token", "create", "--help"},
		{"admin", "--help"}, {"admin", "reset-password", "--email", "a@b.c", "-h"}, {"reap", "--help"}, {"reap", "-h"},
		{"backup", "--help"}, {"restore", "--help"}, {"import", "--help"}, {"version", "--help"}, {"healthcheck", "--help"},
	} {
		out, errOut, code := petstore(t, dir, env, "", args...)
		if code != 0 || !strings.Contains(out, "usage") || errOut != "" {
			t.Errorf("petstore %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
	}
	if got := dirEntries(t, dir); len(got) != 0 {
		t.Errorf("help requests created %v", got)
	}
	for _, args := range [][]string{{"serv"}, {"--port", "3000"}, {"serve", "--verbose"}, {"admin", "create", "--mail", "x"}, {"token", "make"}, {"backup"}} {
		out, errOut, code := petstore(t, dir, env, "", args...)
		if code != 2 || !strings.Contains(errOut, "usage") || out != "" {
			t.Errorf("petstore %s: exit %d, stdout %q, stderr %q; want 2 with usage on stderr", strings.Join(args, " "), code, out, errOut)
		}
	}
	if got := dirEntries(t, dir); len(got) != 0 {
		t.Errorf("refused command lines created %v", got)
	}
}

// `reap --help` is a help request, not a run: a deleted pet past its purge
// date is still there afterwards (and `reap` then purges it).
func TestReapHelpPurgesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	path := filepath.Join(t.TempDir(), "petstore.db")
	env := []string{"PURGE_AFTER=1ms", "DB_PATH=" + path}
	app := testapp.Start(t, testapp.Options{DBPath: path, Env: env})
	client := app.Client()
	id, ok := createPet(client, app.URL, "api", 1)
	if !ok {
		t.Fatal("create failed")
	}
	req, _ := http.NewRequest(http.MethodDelete, app.URL+"/api/pets/"+id, nil)
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("delete: %v %v", res, err)
	}
	app.Stop(10 * time.Second)
	time.Sleep(5 * time.Millisecond) // past the purge date
	count := func() int {
		var n int
		if err := openDB(t, path).Read.QueryRow(`SELECT count(*) FROM pets WHERE id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, h := range []string{"--help", "-h", "help"} {
		if _, _, code := petstore(t, filepath.Dir(path), env, "", "reap", h); code != 0 {
			t.Fatalf("reap %s: exit %d", h, code)
		}
	}
	if count() != 1 {
		t.Fatal("reap --help purged the expired deleted pet")
	}
	if _, errOut, code := petstore(t, filepath.Dir(path), env, "", "reap"); code != 0 || !strings.Contains(errOut, "purgedCount=1") {
		t.Fatalf("reap: exit %d\n%s", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	out, _, code := petstore(t, t.TempDir(), nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "petstore ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: exit %d %q", code, out)
	}
	app := testapp.Start(t, testapp.Options{})
	res, err := http.Get(app.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h struct{ Status, Version string }
	if json.NewDecoder(res.Body).Decode(&h) != nil || h.Status != "ok" || h.Version == "" || !strings.Contains(out, strings.SplitN(h.Version, "+", 2)[0]) {
		t.Errorf("/healthz %+v, version line %q", h, out)
	}
}

// otherLocalAddr is a local address other than 127.0.0.1: a non-loopback
// interface's, else 127.0.0.2 (loopback too, but another address).
func otherLocalAddr() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			return ipn.IP.String()
		}
	}
	return "127.0.0.2"
}

// LISTEN_ADDR=127.0.0.1:PORT answers there and nowhere else; with
// LOG_LEVEL=warn no per-pet line and no access line is printed.
func TestListenAddrAndLogLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port := strconv.Itoa(testapp.FreePort(t))
	app := testapp.Start(t, testapp.Options{Env: []string{"LISTEN_ADDR=127.0.0.1:" + port, "LOG_LEVEL=warn", "BASE_URL=https://pets.example.org"}})
	if _, ok := createPet(app.Client(), app.URL, "api", 1); !ok {
		t.Fatal("create on 127.0.0.1 failed")
	}
	other := otherLocalAddr()
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(other, port), 2*time.Second); err == nil {
		c.Close()
		t.Errorf("the server answers on %s:%s too", other, port)
	}
	time.Sleep(300 * time.Millisecond) // the feeding reminder's lines, if any
	app.Stop(10 * time.Second)
	logs := app.Logs()
	for _, line := range []string{"Pet created", "Lifecycle transition", "msg=http", "Petstore listening"} {
		if strings.Contains(logs, line) {
			t.Errorf("LOG_LEVEL=warn printed %q:\n%s", line, logs)
		}
	}

	// At the default level: the per-pet lines and one access line per
	// request, without the query.
	app = testapp.Start(t, testapp.Options{NoAdmin: true, Env: []string{"LISTEN_ADDR=127.0.0.1:" + port, "BASE_URL=https://pets.example.org/"}})
	res, err := http.Get(app.URL + "/login?next=%2Fsecret-place")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	app.Stop(10 * time.Second)
	logs = app.Logs()
	if !strings.Contains(logs, "https://pets.example.org/setup?token=") {
		t.Errorf("the setup link does not use BASE_URL:\n%s", logs)
	}
	if !strings.Contains(logs, "msg=http method=GET path=/login route=/login status=200") || strings.Contains(logs, "secret-place") {
		t.Errorf("access log:\n%s", logs)
	}
}

// A backup taken while pets are being created, restored into a fresh
// directory, holds every pet acknowledged before the backup began; a
// restore onto a database a server holds is refused.
func TestBackupUnderLoadThenRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "petstore.db")
	app := testapp.Start(t, testapp.Options{DBPath: path})
	client := app.Client()
	client.Timeout = 10 * time.Second
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if id, ok := createPet(client, app.URL, "api", g*100000+i); ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(dir, "backups", "b.db")
	out, errOut, code := petstore(t, dir, []string{"DB_PATH=" + path}, "", "backup", backup)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "Backup written and checked") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	// The live database is held by the server: restore refuses.
	if _, errOut, code := petstore(t, dir, []string{"DB_PATH=" + path}, "", "restore", backup); code != 1 || !strings.Contains(errOut, "server is running") {
		t.Errorf("restore onto a served database: exit %d %s", code, errOut)
	}
	app.Stop(10 * time.Second)

	fresh := filepath.Join(t.TempDir(), "restored", "petstore.db")
	if out, errOut, code := petstore(t, dir, []string{"DB_PATH=" + fresh}, "", "restore", backup); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	restored := testapp.Start(t, testapp.Options{DBPath: fresh})
	missing := 0
	for _, id := range before {
		res, err := restored.Client().Get(restored.URL + "/api/pets/" + id)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d pets acknowledged before the backup are missing after the restore", missing, len(before))
	}
}

const originalPets = `{
  "seq": 7,
  "pets": {
    "1": {"id": "1", "name": "Buddy", "species": "dog", "ageMonths": 24, "status": "available",
          "createdAt": 1640995200000, "updatedAt": 1640995250000,
          "notes": "Welcome to our pet store! We'll take great care of this pet.", "nextFeedingAt": 1641081600000,
          "deletedAt": null, "purgeAt": null,
          "profile": {"bio": "Buddy is friendly.", "breedGuess": "Golden Retriever Mix", "temperamentTags": ["friendly", "loyal"], "adopterHints": "Active families."}},
    "4": {"id": "4", "name": "Whiskers", "species": "cat", "ageMonths": 12, "status": "deleted",
          "createdAt": 1640995200000, "updatedAt": 1640995300000, "deletedAt": 1640995300000, "purgeAt": 4102444800000,
          "profile": {"bio": "Calm.", "breedGuess": "Tabby", "temperamentTags": ["calm"], "adopterHints": "Quiet homes."}}
  }
}`

// The original's pets.json imports with its ids, timestamps and events; a
// broken file writes nothing.
func TestImportOriginalFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "petstore.db")
	env := []string{"DB_PATH=" + path}
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(strings.Replace(originalPets, `"status": "available"`, `"status": "sleeping"`, 1)), 0o600)
	if _, errOut, code := petstore(t, dir, env, "", "import", broken); code != 1 || !strings.Contains(errOut, `pet 1: unknown status "sleeping"`) {
		t.Fatalf("broken import: exit %d %s", code, errOut)
	}
	good := filepath.Join(dir, "pets.json")
	os.WriteFile(good, []byte(originalPets), 0o600)
	out, errOut, code := petstore(t, dir, env, "", "import", good)
	if code != 0 || !strings.Contains(out, "Imported 2 pets") || !strings.Contains(out, "next new pet gets id 8") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	// Again: the ids are taken now, named, and nothing is written.
	if _, errOut, code := petstore(t, dir, env, "", "import", good); code != 1 || !strings.Contains(errOut, "already taken here, nothing imported: 1, 4") {
		t.Fatalf("second import: exit %d %s", code, errOut)
	}
	app := testapp.Start(t, testapp.Options{DBPath: path})
	c := app.Client()
	var buddy struct {
		ID, Name, Status     string
		CreatedAt, UpdatedAt int64
		Profile              struct{ BreedGuess string }
	}
	res, err := c.Get(app.URL + "/api/pets/1")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&buddy)
	res.Body.Close()
	if buddy.Name != "Buddy" || buddy.Status != "available" || buddy.CreatedAt != 1640995200000 || buddy.Profile.BreedGuess != "Golden Retriever Mix" {
		t.Errorf("Buddy: %+v", buddy)
	}
	res, err = c.Get(app.URL + "/api/pets/4/events")
	if err != nil {
		t.Fatal(err)
	}
	var evs []struct{ Type, Namespace string }
	json.NewDecoder(res.Body).Decode(&evs)
	res.Body.Close()
	if len(evs) != 1 || evs[0].Type != "import.pet.imported" || evs[0].Namespace != "import" {
		t.Errorf("Whiskers' events: %+v", evs)
	}
	if id, ok := createPet(c, app.URL, "api", 1); !ok || id != "8" {
		t.Errorf("the next pet after the original's seq 7: %q", id)
	}

	// Our own JSON export imports into another database.
	res, err = c.Get(app.URL + "/api/pets/export?format=json")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("export: %v %v", res, err)
	}
	export, _ := io.ReadAll(res.Body)
	res.Body.Close()
	exported := filepath.Join(dir, "export.json")
	os.WriteFile(exported, export, 0o600)
	other := filepath.Join(t.TempDir(), "other.db")
	out, errOut, code = petstore(t, dir, []string{"DB_PATH=" + other}, "", "import", exported)
	if code != 0 || !strings.Contains(out, "Imported 3 pets") || !strings.Contains(out, "a Petstore JSON export") {
		t.Errorf("import of our export: exit %d\n%s%s", code, out, errOut)
	}
}

// vmHWM is the peak resident memory of a process, in KiB.
func vmHWM(t *testing.T, pid int) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// 100,000 pets export as CSV while the server's peak memory stays flat:
// the export streams (a buffered one would hold the ~70 MB it sends).
func TestExportOf100000PetsStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "petstore.db")
	const n = 100_000
	// The pets go straight into the table (a recursive CTE takes a second;
	// the import command is tested on its own), each with ~600 bytes of
	// notes so that a buffered export would show in the server's memory.
	d := openDB(t, path) // creates and migrates the database
	if _, err := d.Write.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO pets (id, name, species, age_months, status, notes, created_at, updated_at)
		SELECT i, 'Pet ' || i, 'dog', i % 600, 'available', printf('%.600c', 'x') || i, 1, 2 FROM n`, n); err != nil {
		t.Fatal(err)
	}
	d.Close()
	app := testapp.Start(t, testapp.Options{DBPath: path})
	c := app.Client()
	// Warm up: one small export, then the baseline.
	if res, err := c.Get(app.URL + "/api/pets/export?format=csv&q=Pet%2012345"); err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	before := vmHWM(t, app.PID())
	start := time.Now()
	res, err := c.Get(app.URL + "/api/pets/export?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(res.Body)
	rows, size := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
		for _, f := range rec {
			size += len(f)
		}
	}
	res.Body.Close()
	after := vmHWM(t, app.PID())
	if rows != n+1 {
		t.Fatalf("%d rows, want %d and a header", rows, n)
	}
	growth := (after - before) / 1024
	t.Logf("exported %d pets, %d MB of cells in %s; server peak RSS %d → %d MiB", n, size>>20, time.Since(start).Round(time.Millisecond), before/1024, after/1024)
	if growth > size>>20/2 {
		t.Errorf("the server's peak memory grew by %d MiB during a %d MB export: not streaming", growth, size>>20)
	}
}

// /metrics parses with the Prometheus text parser, answers an admin token
// and METRICS_TOKEN, and nobody else.
func TestMetricsScrape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	token := "scrape-me-0123456789abcdef"
	app := testapp.Start(t, testapp.Options{Env: []string{"METRICS_TOKEN=" + token}})
	for i := range 3 {
		if _, ok := createPet(app.Client(), app.URL, "api", i); !ok {
			t.Fatal("create failed")
		}
	}
	// The jobs run: their series appear once they are done.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		req, _ := http.NewRequest("GET", app.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "petstore_job_duration_seconds") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job counted in /metrics after 10 s:\n%s", body)
		}
	}
	if res, err := http.Get(app.URL + "/metrics"); err != nil || res.StatusCode != 401 {
		t.Fatalf("/metrics without a token: %v %v", res, err)
	}
	for _, tok := range []string{app.Token, token} {
		req, _ := http.NewRequest("GET", app.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("/metrics: %v %v", res, err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("parse /metrics: %v", err)
		}
		for _, name := range []string{"petstore_http_requests_total", "petstore_http_request_duration_seconds", "petstore_jobs_total",
			"petstore_job_duration_seconds", "petstore_queue_depth", "petstore_queue_oldest_due_age_seconds", "petstore_live_streams_open",
			"petstore_group_commit_batch_size", "petstore_database_size_bytes", "petstore_backups_total", "go_goroutines", "petstore_build_info"} {
			if _, ok := fams[name]; !ok {
				t.Errorf("/metrics lacks %s", name)
			}
		}
		found := false
		for _, m := range fams["petstore_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" && l.GetValue() == "/:ns/pets" || l.GetValue() == "/api/pets" {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no request counted by its route pattern")
		}
	}
	app.Stop(10 * time.Second)

	// METRICS_ADDR: its own listener, without authentication, and no
	// /metrics on the app's port.
	maddr := "127.0.0.1:" + strconv.Itoa(testapp.FreePort(t))
	app = testapp.Start(t, testapp.Options{Env: []string{"METRICS_ADDR=" + maddr}})
	res, err := http.Get("http://" + maddr + "/metrics")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("/metrics on METRICS_ADDR: %v %v", res, err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	if _, err := parser.TextToMetricFamilies(res.Body); err != nil {
		t.Errorf("parse: %v", err)
	}
	res.Body.Close()
	if res, err := app.Client().Get(app.URL + "/metrics"); err != nil || res.StatusCode != 404 {
		t.Errorf("/metrics on the app's port with METRICS_ADDR set: %v %v", res, err)
	}
}

// /readyz answers 200 once the server runs and 503 while it drains at
// shutdown; the process then exits cleanly. `petstore healthcheck` (the
// image's HEALTHCHECK) follows the server.
func TestReadyzAcrossStartAndStop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port := strconv.Itoa(testapp.FreePort(t))
	env := []string{"LISTEN_ADDR=127.0.0.1:" + port, "SHUTDOWN_DRAIN=1500ms"}
	app := testapp.Start(t, testapp.Options{Env: env})
	status := func() int {
		res, err := http.Get(app.URL + "/readyz")
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status(); got != 200 {
		t.Fatalf("/readyz once started: %d", got)
	}
	if out, _, code := petstore(t, filepath.Dir(app.DBPath), env, "", "healthcheck"); code != 0 || out != "ok\n" {
		t.Errorf("healthcheck against the running server: exit %d %q", code, out)
	}
	syscall.Kill(app.PID(), syscall.SIGTERM)
	saw503 := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got := status(); got == 503 {
			saw503 = true
			break
		} else if got == 0 {
			break
		}
	}
	if !saw503 {
		t.Error("/readyz never answered 503 while the server stopped")
	}
	if !app.Stop(15 * time.Second) {
		t.Fatal("the server did not stop")
	}
	if code := app.ExitCode(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if _, _, code := petstore(t, filepath.Dir(app.DBPath), env, "", "healthcheck"); code != 1 {
		t.Errorf("healthcheck with no server: exit %d, want 1", code)
	}
}

// Account recovery from the shell, while the server runs: a weak password
// gets the dashboard's message; a good one works at once.
func TestAdminCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	app := testapp.Start(t, testapp.Options{})
	dir := filepath.Dir(app.DBPath)
	env := []string{"DB_PATH=" + app.DBPath}
	_, errOut, code := petstore(t, dir, env, "password\n", "admin", "create", "--email", "new.admin@example.org")
	if code != 1 || !strings.Contains(errOut, "This password is too common") || strings.Contains(errOut, "internal") {
		t.Errorf("weak password: exit %d %q", code, errOut)
	}
	if _, errOut, code := petstore(t, dir, env, "owls hoot over quiet barns\n", "admin", "create", "--email", "new.admin@example.org"); code != 0 {
		t.Fatalf("admin create: exit %d %s", code, errOut)
	}
	if _, errOut, code := petstore(t, dir, env, "short\n", "admin", "reset-password", "--email", testapp.AdminEmail); code != 1 ||
		!strings.Contains(errOut, "at least 8 characters") {
		t.Errorf("short password: exit %d %q", code, errOut)
	}
	if _, errOut, code := petstore(t, dir, env, "new moon over the kennels\n", "admin", "reset-password", "--email", strings.ToUpper(testapp.AdminEmail)); code != 0 {
		t.Fatalf("reset-password: exit %d %s", code, errOut)
	}
	if _, errOut, code := petstore(t, dir, env, "whatever it is\n", "admin", "reset-password", "--email", "nobody@example.org"); code != 1 || !strings.Contains(errOut, "no account") {
		t.Errorf("unknown email: exit %d %q", code, errOut)
	}
	for _, tc := range []struct{ email, password string }{{"new.admin@example.org", "owls hoot over quiet barns"}, {testapp.AdminEmail, "new moon over the kennels"}} {
		form := "email=" + tc.email + "&password=" + strings.ReplaceAll(tc.password, " ", "+")
		req, _ := http.NewRequest("POST", app.URL+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in of %s with the new password: %d", tc.email, res.StatusCode)
		}
	}
}
