// Command petstore is the shelter staff app: the JSON API, the dashboard and
// the background work, on one SQLite file. The wiring is internal/app.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/petstore/petstore/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "petstore:", err)
	}
	os.Exit(app.ExitCode(err)) // 2: a command line that does not parse
}
