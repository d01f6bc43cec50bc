package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

// A database the service's user may not write (restored as root, say)
// is refused with who owns it and who runs, not only SQLite's "unable to
// open database file". Needs root, to run the binary as another user.
func TestOpenNamesTheOwnerOfAnUnwritableDatabase(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the binary as another user")
	}
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d) && strings.HasPrefix(d, os.TempDir()); d = filepath.Dir(d) {
		os.Chmod(d, 0o755) // the other user must reach the files
	}
	bin := filepath.Join(dir, "petstore")
	raw, err := os.ReadFile(testapp.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "petstore.db")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DB_PATH=" + dbPath}
	create := exec.Command(bin, "token", "create", "--name", "root", "--role", "admin")
	create.Dir, create.Env = dir, env
	if out, err := create.CombinedOutput(); err != nil { // as root: the file is root's, 0600
		t.Fatalf("token create: %v %s", err, out)
	}
	list := exec.Command(bin, "token", "list")
	list.Dir, list.Env = dir, env
	list.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := list.CombinedOutput()
	if err == nil || !strings.Contains(string(out), dbPath+" cannot be written by this process (uid 65534): it belongs to uid 0, mode 0600") {
		t.Fatalf("token list as another user: %v %q", err, out)
	}
}

// A BACKUP_DIR that cannot be written stops the server at start, not at
// the first backup hours later.
func TestServeRefusesAnUnwritableBackupDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a server that started would not stop
	defer cancel()
	cmd := exec.CommandContext(ctx, testapp.Binary(t), "serve")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DB_PATH=" + filepath.Join(dir, "p.db"),
		"LISTEN_ADDR=127.0.0.1:0", "BACKUP_DIR=" + filepath.Join(file, "backups")}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "BACKUP_DIR="+filepath.Join(file, "backups")+": scheduled backups cannot be written there") {
		t.Fatalf("serve: %v %q", err, out)
	}
}
