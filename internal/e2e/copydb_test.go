package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/pgtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/testapp"
)

// petstore copy-db of a SQLite database a server filled (and then
// stopped) into PostgreSQL; the app on PostgreSQL then shows the same pets.
func TestCopyDBCommandThenServeOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := pgtest.Bin("initdb"); err != nil {
		t.Skip("needs PostgreSQL (make test installs it): ", err)
	}
	c, err := pgtest.StartCluster(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	path := filepath.Join(t.TempDir(), "petstore.db")
	app := testapp.Start(t, testapp.Options{DBPath: path})
	var ids []string
	for i := range 5 {
		id, ok := createPet(app.Client(), app.URL, "api", i)
		if !ok {
			t.Fatal("create")
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		waitStatus(t, app.Client(), app.URL, id, shelter.StatusInQuarantine)
	}
	if !app.Stop(15 * time.Second) {
		t.Fatal("the SQLite server did not stop")
	}
	cmd := exec.Command(testapp.Binary(t), "copy-db", "--to", c.URL)
	cmd.Dir = filepath.Dir(path)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DB_PATH=" + path}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Copied") || !strings.Contains(string(out), "pets") {
		t.Fatalf("copy-db: %v\n%s", err, out)
	}
	// A second copy is refused: the database is not empty any more.
	again := exec.Command(testapp.Binary(t), "copy-db", "--to", c.URL)
	again.Dir, again.Env = cmd.Dir, cmd.Env
	if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "not empty") {
		t.Fatalf("a second copy: %v\n%s", err, out)
	}
	pg := testapp.Start(t, testapp.Options{DBPath: path, Env: []string{"DATABASE_URL=" + c.URL}})
	for _, id := range ids {
		if p := getPet(t, pg.Client(), pg.URL, id); p.Status != string(shelter.StatusInQuarantine) {
			t.Fatalf("pet %s on PostgreSQL: %+v", id, p)
		}
	}
}
