package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/config"
)

// Usage is the help of the program (`petstore help`).
const Usage = `Petstore: the shelter staff app (API, dashboard and background work on one SQLite file).

usage: petstore [command] [arguments]

commands:
  serve                            run the server (the default command)
  token create|list|revoke         manage API tokens
  admin create --email EMAIL       add an admin account (password from a prompt or stdin)
  admin reset-password --email EMAIL
                                   set an account's password and end its sessions
  reap                             run the deletion reaper once
  backup FILE                      write a checked copy of the database to FILE (safe while serving)
  restore FILE                     replace the database with the backup FILE (server stopped)
  import FILE                      import pets from the original's pets.json or a JSON export
  copy-db --to postgres://…        copy the SQLite database (DB_PATH, server stopped) into an empty PostgreSQL one
  version                          print the version
  healthcheck                      exit 0 when the server on LISTEN_ADDR answers /healthz
  help                             print this help

Run 'petstore COMMAND --help' for a command's help. Settings come from the
environment and from .env in the working directory (see .env.example).`

// command is one command of the program.
type command struct {
	usage string
	// run does the command; args are those after its name.
	run func(ctx context.Context, e *env, args []string) error
	// raw commands read no configuration (version, help).
	raw bool
}

// env is what a command runs with.
type env struct {
	cfg            config.Config
	log            *slog.Logger
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands = map[string]command{
	"serve":       {usage: serveUsage, run: runServe},
	"token":       {usage: auth.TokenUsage, run: runToken},
	"admin":       {usage: adminUsage, run: runAdmin},
	"reap":        {usage: reapUsage, run: runReap},
	"backup":      {usage: backupUsage, run: runBackup},
	"restore":     {usage: restoreUsage, run: runRestore},
	"import":      {usage: importUsage, run: runImport},
	"copy-db":     {usage: copyDBUsage, run: runCopyDB},
	"healthcheck": {usage: healthcheckUsage, run: runHealthcheck},
	"version":     {usage: versionUsage, run: runVersion, raw: true},
}

const serveUsage = `usage: petstore [serve]

Runs the server: the JSON API and the dashboard on LISTEN_ADDR (default :3000),
the background jobs and the schedule, until SIGINT or SIGTERM. Only one server
may run on a database (DB_PATH) at a time.`

const reapUsage = `usage: petstore reap

Runs the deletion reaper once, now: purges the deleted pets whose purge date has
passed, prunes expired sessions, old failed sign-ins and finished jobs older than
JOB_RETENTION. Safe beside a running server.`

const versionUsage = `usage: petstore version

Prints the version: the module version, the commit and its time when the binary
was built in a git checkout, and the Go version.`

// runVersion is `petstore version`.
func runVersion(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf(versionUsage, "version takes no arguments")
	}
	fmt.Fprintln(e.stdout, ReadBuildInfo())
	return nil
}

// UsageError is a command line that does not parse: the program prints
// the help and exits with 2.
type UsageError struct {
	Usage string
	Err   error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(usage, format string, args ...any) error {
	return &UsageError{Usage: usage, Err: fmt.Errorf(format, args...)}
}

// ExitCode is the process's exit code for the error Main returned: 0 for
// none, 2 for a command line that does not parse, 1 otherwise.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// isHelp reports whether an argument asks for help.
func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" || a == "help" }

// Main runs the command in args (serve by default) with the configuration
// of the environment and .env, until ctx is done. A help request prints
// the help on stdout and does nothing else; a command line that does not
// parse prints the help on stderr and returns a *UsageError.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if isHelp(name) {
		fmt.Fprintln(stdout, Usage)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintln(stderr, Usage)
		if strings.HasPrefix(name, "-") {
			return usageErrorf(Usage, "unknown flag %q", name)
		}
		return usageErrorf(Usage, "unknown command %q", name)
	}
	// A help request anywhere on the line is only that: no configuration,
	// no database, no side effect.
	if (len(args) > 0 && args[0] == "help") || slices.ContainsFunc(args, func(a string) bool { return isHelp(a) && a != "help" }) {
		fmt.Fprintln(stdout, cmd.usage)
		return nil
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if !cmd.raw {
		cfg, err := config.Load(".env")
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		e.cfg = cfg
		e.log = NewLogger(cfg.LogFormat, cfg.Ops.LogLevel, stderr)
		slog.SetDefault(e.log)
	}
	err := cmd.run(ctx, e, args)
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, ue.Usage)
	}
	return err
}

// parseFlags parses a command's flags; a flag it does not know is a
// *UsageError.
func parseFlags(fs *flag.FlagSet, usage string, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return &UsageError{Usage: usage, Err: err}
	}
	return nil
}
