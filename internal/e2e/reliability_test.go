package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/testapp"
)

// One server per database file: a second `serve` on the same file exits 1
// at once, naming the file and the process that holds it, and touches
// nothing; the one-shot commands still work beside the running server.
func TestSecondServerRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	app := testapp.Start(t, testapp.Options{})
	out, err := runBinary(t, "DB_PATH="+app.DBPath)
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("second serve: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(out, app.DBPath) || !strings.Contains(out, "pid "+strconv.Itoa(app.PID())) || strings.Contains(out, "listening") {
		t.Errorf("second serve's message should name %s and pid %d:\n%s", app.DBPath, app.PID(), out)
	}
	// The first one still serves, and a one-shot command works beside it.
	if r, err := app.Client().Get(app.URL + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("first server after the refused second: %v %v", r, err)
	}
	cmd := exec.Command(testapp.Binary(t), "token", "list")
	cmd.Dir = filepath.Dir(app.DBPath)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DB_PATH=" + app.DBPath}
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), app.TokenName) {
		t.Errorf("token list beside the server: %v\n%s", err, out)
	}
	if !app.Stop(15 * time.Second) {
		t.Fatal("did not stop")
	}
	// Once it has stopped, another server may take the file.
	app2 := testapp.Start(t, testapp.Options{DBPath: app.DBPath})
	app2.Stop(15 * time.Second)
}

func errorsAs(err error, target **exec.ExitError) bool {
	ee, ok := err.(*exec.ExitError)
	if ok {
		*target = ee
	}
	return ok
}

// A database the server cannot write (an immutable file: root ignores
// mode bits) stops the start with exit 1 and a message naming the file
// and the cause, before anything listens.
func TestReadOnlyDatabaseRefusedAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root for chattr +i")
	}
	path := filepath.Join(t.TempDir(), "ro.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	out, err := runBinary(t, "DB_PATH="+path, "ADMIN_EMAIL=ana@example.org", "ADMIN_PASSWORD=correct horse battery staple 42")
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("start on a read-only database: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(out, path) || !strings.Contains(out, "read-only") || strings.Contains(out, "listening") {
		t.Errorf("message should name the file and the cause, and nothing should listen:\n%s", out)
	}
}

// A full disk (a 3 MB tmpfs, as root): creates answer 503 naming the cause
// with Retry-After, /healthz answers 503 with it too; once space returns
// (the tmpfs grows, no restart) both recover by themselves, every
// acknowledged pet is there and integrity_check is ok.
func TestFullDiskAnswers503AndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to mount a small filesystem")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	app := (*testapp.App)(nil)
	t.Cleanup(func() {
		if app != nil {
			app.Kill() // nothing may hold a file on the mount
		}
		exec.Command("umount", dir).Run()
	})
	path := filepath.Join(dir, "petstore.db")
	app = testapp.Start(t, testapp.Options{DBPath: path})
	client := app.Client()
	client.Timeout = 10 * time.Second
	var acked []string
	var full *http.Response
	var fullBody []byte
	for i := 0; i < 100_000 && full == nil; i++ {
		body := `{"name":"Filler ` + strconv.Itoa(i) + `","species":"cat","ageMonths":3,"notes":"` + strings.Repeat("n", 1500) + `"}`
		r, err := client.Post(app.URL+"/api/pets", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		switch r.StatusCode {
		case http.StatusCreated:
			var p struct{ ID string }
			json.Unmarshal(b, &p)
			acked = append(acked, p.ID)
		case http.StatusServiceUnavailable:
			full, fullBody = r, b
		default:
			t.Fatalf("create %d: %d %s", i, r.StatusCode, b)
		}
	}
	if full == nil {
		t.Fatal("the disk never filled up")
	}
	if !strings.Contains(string(fullBody), "The database disk is full") || full.Header.Get("Retry-After") == "" {
		t.Fatalf("503 %s, Retry-After %q", fullBody, full.Header.Get("Retry-After"))
	}
	t.Logf("disk full after %d acknowledged creates", len(acked))
	health := func() (int, string) {
		r, err := http.Get(app.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	time.Sleep(1100 * time.Millisecond) // the health probe runs at most once a second
	if code, body := health(); code != 503 || !strings.Contains(body, "The database disk is full") {
		t.Fatalf("/healthz while full: %d %s", code, body)
	}

	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("give the space back: %v %s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := health()
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not recover: %d %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, ok := createPet(client, app.URL, "api", 1); !ok {
		t.Fatal("create after the space returned failed")
	}
	if n := strings.Count(app.Logs(), "Storage fault"); n < 1 || n > 3 {
		t.Errorf("%d storage-fault log lines in a few seconds, want one when it starts (and one when it ends):\n%s", n, app.Logs())
	}
	if !app.Stop(15 * time.Second) {
		t.Fatal("did not stop")
	}
	d := openDB(t, path)
	pets := readPets(t, d)
	for _, id := range acked {
		if _, ok := pets[id]; !ok {
			t.Fatalf("acknowledged pet %s missing", id)
		}
	}
	var ok string
	if err := d.Read.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	d.Close()
}
