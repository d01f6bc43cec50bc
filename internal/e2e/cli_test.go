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
