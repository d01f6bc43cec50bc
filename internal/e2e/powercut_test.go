package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/testapp"
)

// A power cut (FACTS.md's method, as root): the server runs on an ext4
// filesystem on a loop device; after the creates it is killed and the
// image is copied at once. The copy holds what the disk held: writes still
// in the page cache, never synced, are not in it. Mounted (ext4 replays
// its journal), it must hold every acknowledged create, and SQLite's
// sequence must be past their ids, so that none is handed out again.
// Under DB_SYNC=normal the same run lost every create made 2 s before the
// cut, and 3 of 30 made 10 s before it.
func TestPowerCutLosesNoAcknowledgedCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root for a loop device")
	}
	for _, tool := range []string{"losetup", "mkfs.ext4", "mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	dir := t.TempDir()
	img, snap, mnt, snapMnt := filepath.Join(dir, "img"), filepath.Join(dir, "snap"), filepath.Join(dir, "mnt"), filepath.Join(dir, "snapmnt")
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Skipf("%s %v: %v %s", name, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	os.Mkdir(mnt, 0o700)
	os.Mkdir(snapMnt, 0o700)
	run("truncate", "-s", "128M", img)
	run("mkfs.ext4", "-q", "-F", img)
	loop := run("losetup", "-f", "--show", img)
	t.Cleanup(func() { exec.Command("losetup", "-d", loop).Run() })
	run("mount", loop, mnt)
	mounted := true
	t.Cleanup(func() {
		if mounted {
			exec.Command("umount", mnt).Run()
		}
	})

	path := filepath.Join(mnt, "petstore.db")
	app := testapp.Start(t, testapp.Options{DBPath: path}) // DB_SYNC=full, the default
	client := app.Client()
	var acked []string
	for i := range 30 {
		if id, ok := createPet(client, app.URL, "api", i); ok {
			acked = append(acked, id)
		}
	}
	if len(acked) != 30 {
		t.Fatalf("%d of 30 creates acknowledged", len(acked))
	}
	time.Sleep(2 * time.Second)
	app.Kill()
	run("cp", "--sparse=always", img, snap) // what the disk holds at the cut
	exec.Command("umount", mnt).Run()
	mounted = false

	sloop := run("losetup", "-f", "--show", snap)
	t.Cleanup(func() { exec.Command("losetup", "-d", sloop).Run() })
	run("mount", sloop, snapMnt)
	t.Cleanup(func() { exec.Command("umount", snapMnt).Run() })
	d, err := db.Open(context.Background(), filepath.Join(snapMnt, "petstore.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pets := readPets(t, d)
	lost := 0
	for _, id := range acked {
		if _, ok := pets[id]; !ok {
			lost++
		}
	}
	var seq int64
	d.Read.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = 'pets'`).Scan(&seq)
	var ok string
	d.Read.QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if lost > 0 || ok != "ok" || seq < 30 {
		t.Fatalf("after the cut: %d of %d acknowledged pets lost, integrity %q, pets sequence %d", lost, len(acked), ok, seq)
	}
}
