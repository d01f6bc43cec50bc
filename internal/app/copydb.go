package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/petstore/petstore/internal/store"
)

const copyDBUsage = `usage: petstore copy-db --to postgres://USER:PASSWORD@HOST/DATABASE

Copies the SQLite database at DB_PATH into an empty PostgreSQL database (created
tables included): pets with their ids, events, jobs, feedings, photos,
inquiries, accounts, sessions and tokens, in one transaction. Each id sequence
continues after the highest id SQLite ever handed out. It checks that every
table has as many rows on both sides and prints a summary. Stop the server
first: the copy holds DB_PATH's lock. Then start the servers with DATABASE_URL.`

// runCopyDB is `petstore copy-db --to URL`.
func runCopyDB(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("copy-db", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	to := fs.String("to", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || !store.IsPostgresURL(*to) {
		return usageErrorf(copyDBUsage, "copy-db: --to postgres://… is required")
	}
	if _, err := os.Stat(e.cfg.DBPath); err != nil {
		return fmt.Errorf("copy-db: no database at DB_PATH=%s: %w", e.cfg.DBPath, err)
	}
	// As a server: the lock refuses a running server's database.
	src, err := store.Open(ctx, e.cfg.DBPath, store.Options{Logger: e.log, Server: true})
	if err != nil {
		return fmt.Errorf("copy-db: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, store.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("copy-db: %w", err)
	}
	defer dst.Close()
	tables, err := src.CopyTo(ctx, dst)
	if err != nil {
		return fmt.Errorf("copy-db: %w", err)
	}
	var total int64
	for _, t := range tables {
		fmt.Fprintf(e.stdout, "  %-15s %8d rows\n", t.Name, t.Rows)
		total += t.Rows
	}
	fmt.Fprintf(e.stdout, "✅ Copied %d rows from %s into PostgreSQL; counts checked. Start the servers with DATABASE_URL.\n", total, e.cfg.DBPath)
	return nil
}
