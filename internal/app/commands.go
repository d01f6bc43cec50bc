package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/metrics"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/transfer"
)

// needDatabase refuses a command that reads or changes existing data when
// DB_PATH names no file: run from another directory than the server's,
// with no DB_PATH, it would otherwise make a new, empty database there
// and act on that. Creating (a token, the first admin) may start one; it
// says so on stderr, with the full path, so that a wrong directory shows.
func needDatabase(e *env, what string, mayCreate bool) error {
	if e.cfg.DatabaseURL != "" {
		return nil
	}
	abs, err := filepath.Abs(e.cfg.DBPath)
	if err != nil {
		abs = e.cfg.DBPath
	}
	if _, err := os.Stat(e.cfg.DBPath); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: DB_PATH=%s: %w", what, abs, err)
	}
	if !mayCreate {
		return fmt.Errorf("%s: no database at DB_PATH=%s: run this where the server runs, or set DB_PATH to its database; nothing changed", what, abs)
	}
	fmt.Fprintf(e.stderr, "petstore: no database at %s yet: creating it (set DB_PATH if the server's is elsewhere)\n", abs)
	return nil
}

// runToken is `petstore token create|list|revoke`.
func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		if len(args) == 0 {
			return usageErrorf(auth.TokenUsage, "token: a subcommand is required")
		}
		return usageErrorf(auth.TokenUsage, "token: unknown subcommand %q", args[0])
	}
	if err := needDatabase(e, "token "+args[0], args[0] == "create"); err != nil {
		return err
	}
	st, err := openStore(ctx, e.cfg, e.log, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	return auth.TokenCommand(ctx, auth.New(st, auth.Options{Logger: e.log}), args, e.stdout, e.stderr)
}

// runReap is `petstore reap`.
func runReap(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf(reapUsage, "reap takes no arguments (got %q)", args[0])
	}
	if err := needDatabase(e, "reap", false); err != nil {
		return err
	}
	st, err := openStore(ctx, e.cfg, e.log, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = newReaper(st, e.cfg, e.log).Run(ctx)
	return err
}

const adminUsage = `usage:
  petstore admin create --email EMAIL [--name NAME]
      adds an admin account
  petstore admin reset-password --email EMAIL
      sets the account's password and ends all its sessions

The password is asked twice, without echo, on a terminal; otherwise the first
line of standard input is the password:
  printf '%s\n' "$PASSWORD" | petstore admin reset-password --email you@example.org
Both work while the server runs. The password rules are the dashboard's: at
least 8 characters, not a common password, not your name or email.`

// runAdmin is `petstore admin create|reset-password`: account recovery
// from the machine's shell.
func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "reset-password") {
		if len(args) == 0 {
			return usageErrorf(adminUsage, "admin: a subcommand is required")
		}
		return usageErrorf(adminUsage, "admin: unknown subcommand %q", args[0])
	}
	sub := args[0]
	fs := flag.NewFlagSet("admin "+sub, flag.ContinueOnError)
	email := fs.String("email", "", "the account's email")
	name := ""
	if sub == "create" {
		fs.StringVar(&name, "name", "", "the admin's name (default: the part of the email before @)")
	}
	if err := parseFlags(fs, adminUsage, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf(adminUsage, "admin %s: unexpected argument %q", sub, fs.Arg(0))
	}
	if strings.TrimSpace(*email) == "" {
		return usageErrorf(adminUsage, "admin %s: --email is required", sub)
	}
	if err := needDatabase(e, "admin "+sub, sub == "create"); err != nil {
		return err
	}
	st, err := openStore(ctx, e.cfg, e.log, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	accounts := auth.New(st, auth.Options{Logger: slog.New(slog.DiscardHandler)})
	var user *shelter.User
	if sub == "reset-password" {
		users, err := accounts.FindUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if strings.EqualFold(u.Email, strings.TrimSpace(*email)) {
				user = u
			}
		}
		if user == nil {
			return fmt.Errorf("admin reset-password: no account has the email %s", *email)
		}
	}
	password, err := readPassword(e.stdin, e.stderr)
	if err != nil {
		return fmt.Errorf("admin %s: %w", sub, err)
	}
	if sub == "create" {
		if name == "" {
			name, _, _ = strings.Cut(strings.TrimSpace(*email), "@")
		}
		u, err := accounts.CreateUser(ctx, shelter.UserInput{Name: name, Email: *email, Role: shelter.RoleAdmin, Password: password})
		if err != nil {
			return fmt.Errorf("admin create: %s", clearMessage(err))
		}
		fmt.Fprintf(e.stderr, "✅ Admin %s (%s) created: sign in at /login.\n", u.Email, u.Name)
		return nil
	}
	if err := accounts.SetPassword(ctx, user.ID, password); err != nil {
		return fmt.Errorf("admin reset-password: %s", clearMessage(err))
	}
	note := ""
	if user.Disabled {
		note = " The account is disabled: an admin must enable it on the Staff page."
	}
	fmt.Fprintf(e.stderr, "✅ Password of %s changed; every session of the account has ended.%s\n", user.Email, note)
	return nil
}

// clearMessage is the message staff would see for err on the dashboard:
// a domain error's own message and field problems, never an internal
// error's text.
func clearMessage(err error) string {
	var se *shelter.Error
	if !errors.As(err, &se) {
		return "internal error (see the log)"
	}
	if se.Code == shelter.EINTERNAL {
		return "internal error (see the log)"
	}
	msg := se.Message
	seen := map[string]bool{msg: true}
	for _, f := range se.Fields {
		if m := f.Field + " " + f.Message; !seen[f.Message] && !seen[m] {
			msg += "; " + m
			seen[m] = true
		}
	}
	return msg
}

// readPassword asks for a password twice without echo on a terminal, or
// reads the first line of a pipe.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "New password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input (pipe it in, or run on a terminal to be asked)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

const backupUsage = `usage: petstore backup FILE

Writes a consistent copy of the database (DB_PATH) to FILE while the server may
be running (SQLite's VACUUM INTO: writes carry on), with permissions 0600, and
checks the copy (integrity_check) before giving it the name FILE. FILE must not
exist. Restore it with 'petstore restore FILE'.`

// runBackup is `petstore backup FILE`.
func runBackup(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageErrorf(backupUsage, "backup: one FILE is required")
	}
	if e.cfg.DatabaseURL != "" {
		return fmt.Errorf("backup: %s", clearMessage(store.ErrPostgresBackup))
	}
	if err := needDatabase(e, "backup", false); err != nil {
		return err
	}
	info, err := store.Backup(ctx, e.cfg.DBPath, args[0])
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "✅ Backup written and checked: %s (%d pets, %s, %s)\n", info.Path, info.Pets, bytesText(info.Size),
		info.Duration.Round(time.Millisecond))
	return nil
}

const restoreUsage = `usage: petstore restore FILE

Replaces the database (DB_PATH) with the backup FILE. Stop the server first: the
restore refuses while a server holds the database. FILE is checked (SQLite's
integrity_check, a Petstore schema this version knows) before anything changes;
the database it replaces is kept beside it as DB_PATH.before-restore-TIME.`

// runRestore is `petstore restore FILE`.
func runRestore(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageErrorf(restoreUsage, "restore: one FILE is required")
	}
	if e.cfg.DatabaseURL != "" {
		return fmt.Errorf("restore: %s", clearMessage(store.ErrPostgresBackup))
	}
	unlock, err := store.LockDB(e.cfg.DBPath)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("restore: a petstore server is running on DB_PATH=%s: stop it first, nothing changed", e.cfg.DBPath)
	} else if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer unlock()
	info, kept, err := store.Restore(ctx, args[0], e.cfg.DBPath)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// Bring the restored copy to this version's schema now, so that a
	// problem shows here rather than at the next start.
	st, err := openStore(ctx, e.cfg, slog.New(slog.DiscardHandler), false, nil)
	if err != nil {
		return fmt.Errorf("restore: the restored database does not open: %w", err)
	}
	st.Close()
	into := info.Path
	if abs, err := filepath.Abs(into); err == nil {
		into = abs // the full path: a restore run from the wrong directory shows where it went
	}
	fmt.Fprintf(e.stdout, "✅ Restored %s into %s (%d pets, %s).\n", args[0], into, info.Pets, bytesText(info.Size))
	if kept != "" {
		fmt.Fprintf(e.stdout, "   The database it replaced is kept as %s (delete it once all is well).\n", kept)
	}
	return nil
}

const importUsage = `usage: petstore import FILE

Imports pets from FILE: the original system's .data/pets.json
({"seq": N, "pets": {"1": {...}}}) or this app's JSON export
(GET /api/pets/export?format=json). Ids and timestamps are kept; an id already
taken here, an unknown status or an invalid field refuses the whole file, naming
the pets, and nothing is written (one transaction). Each pet gets one
import.pet.imported event. Pets still new get their feeding reminder, pets
without a profile their AI profile, as after a restore.`

// runImport is `petstore import FILE`.
func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageErrorf(importUsage, "import: one FILE is required")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	set, err := transfer.Read(f, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("import: %s: %s", args[0], clearMessage(err))
	}
	st, err := openStore(ctx, e.cfg, e.log, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := st.ImportPets(ctx, shelter.Origin{Namespace: shelter.NamespaceImport, Actor: "import"}, set.Pets, set.Seq)
	if err != nil {
		return fmt.Errorf("import: %s", clearMessage(err))
	}
	var parts []string
	for _, s := range shelter.Statuses {
		if n := sum.ByStatus[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	sort.Strings(parts)
	what := "the original's pets.json"
	if set.Format == "export" {
		what = "a Petstore JSON export"
	}
	fmt.Fprintf(e.stdout, "✅ Imported %d pets from %s (%s)", sum.Pets, args[0], what)
	if len(parts) > 0 {
		fmt.Fprintf(e.stdout, ": %s", strings.Join(parts, ", "))
	}
	fmt.Fprintf(e.stdout, ".\n   %d background jobs queued; the next new pet gets id %d.\n", sum.Jobs, sum.NextID)
	return nil
}

const healthcheckUsage = `usage: petstore healthcheck

Asks the server on LISTEN_ADDR (on this machine) for /healthz and exits 0 when it
answers 200, 1 otherwise: the Docker image's HEALTHCHECK.`

// runHealthcheck is `petstore healthcheck`.
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf(healthcheckUsage, "healthcheck takes no arguments")
	}
	host, port, err := net.SplitHostPort(e.cfg.Ops.ListenAddr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	scheme := "http"
	client := &http.Client{Timeout: 5 * time.Second}
	if e.cfg.Auth.TLS() {
		scheme = "https" // the certificate names the public host, not this one
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	url := scheme + "://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", url, res.StatusCode)
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

// newBackup is the backup job's worker (scheduled when BACKUP_DIR is set).
func newBackup(cfg config.Config, st *store.Store, m *metrics.Metrics, log *slog.Logger) *jobs.Backup {
	return &jobs.Backup{Store: backupStore{st}, Dir: cfg.Ops.BackupDir, Keep: cfg.Ops.BackupKeep, Name: store.BackupName,
		Observe: m.ObserveBackup, Logger: log}
}

// backupStore is the store as the backup job sees it.
type backupStore struct{ st *store.Store }

func (b backupStore) Backup(ctx context.Context, dst string) (int64, error) {
	info, err := b.st.Backup(ctx, dst)
	if err != nil {
		return 0, err
	}
	return info.Size, nil
}

func (b backupStore) PruneBackups(dir string, keep int) ([]string, error) {
	return store.PruneBackups(dir, keep)
}

func (b backupStore) EnqueueJob(ctx context.Context, o shelter.Origin, kind string) error {
	_, err := b.st.Enqueue(ctx, o, store.NewJob{Kind: kind})
	return err
}

// bytesText is a size for people.
func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
