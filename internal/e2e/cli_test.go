package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/testapp"
)

// An unknown command is refused before anything is opened or created.
func TestUnknownCommandTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(testapp.Binary(t), "serv")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "DB_PATH=" + filepath.Join(dir, "data", "p.db")}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("exit: %v, want code 2 (usage); output %s", err, out)
	}
	if !strings.Contains(string(out), `unknown command "serv"`) || !strings.Contains(string(out), "usage: petstore") {
		t.Fatalf("output %q does not name the command", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Fatalf("the database directory was created: %v", err)
	}
}

// Run from another directory than the server's, with no DB_PATH, a
// command that reads or changes the data refuses instead of making a new,
// empty database there; one that creates (a token) says where it creates
// it; a restore says, in full, where it put the copy.
func TestCommandsInTheWrongDirectory(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(testapp.Binary(t), args...)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, args := range [][]string{{"token", "list"}, {"token", "revoke", "x"}, {"reap"}, {"admin", "reset-password", "--email", "a@example.org"}} {
		out, err := run(args...)
		if err == nil || !strings.Contains(out, "no database at DB_PATH="+filepath.Join(dir, ".data", "petstore.db")) || !strings.Contains(out, "run this where the server runs") {
			t.Errorf("%v: %v %q", args, err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, ".data")); !os.IsNotExist(err) {
			t.Fatalf("%v made a database directory: %v", args, err)
		}
	}
	out, err := run("token", "create", "--name", "first", "--role", "admin")
	if err != nil || !strings.Contains(out, "no database at "+filepath.Join(dir, ".data", "petstore.db")+" yet: creating it") {
		t.Fatalf("token create on a new database: %v %q", err, out)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, err := run("backup", backup); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	out, err = run("restore", backup)
	if err != nil || !strings.Contains(out, "into "+filepath.Join(dir, ".data", "petstore.db")+" (") {
		t.Fatalf("restore: %v %q, want the full path it restored into", err, out)
	}
}
