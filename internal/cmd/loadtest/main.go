// Command loadtest measures a built petstore binary over HTTP on loopback
// and prints one table (see internal/loadtest). `make loadtest` builds the
// binary and runs it with the defaults (under 3 minutes); the flags make
// the phases longer.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/petstore/petstore/internal/loadtest"
)

func main() {
	var c loadtest.Config
	var clients, env string
	flag.StringVar(&c.Bin, "bin", "bin/petstore", "the petstore binary")
	flag.StringVar(&c.Dir, "dir", "", "directory for the databases (default: a temp directory, removed after)")
	flag.DurationVar(&c.RawDuration, "raw", 2*time.Second, "each raw SQLite measurement")
	flag.DurationVar(&c.Window, "window", 5*time.Second, "create window of each sustained phase")
	flag.StringVar(&clients, "clients", "1,8", "client counts of the sustained phases")
	flag.DurationVar(&c.DrainTimeout, "drain", 20*time.Second, "longest wait for a phase's backlog to drain")
	flag.DurationVar(&c.ReadDuration, "reads", 3*time.Second, "each GET by id phase")
	flag.IntVar(&c.ListPets, "pets", 100_000, "pets in the database for the list phase")
	flag.DurationVar(&c.ListDuration, "list", 3*time.Second, "the list phase")
	flag.Float64Var(&c.Rate, "rate", 1000, "creates/s offered in the fixed-rate phase")
	flag.DurationVar(&c.RateDuration, "rate-for", 30*time.Second, "length of the fixed-rate phase")
	flag.StringVar(&c.DatabaseURL, "database-url", "", "run the server on this PostgreSQL database (an empty one) instead of SQLite")
	flag.StringVar(&env, "env", "", "extra server settings, KEY=value separated by spaces (e.g. \"JOB_WORKERS=8 PPROF_ADDR=127.0.0.1:6061\")")
	flag.StringVar(&c.ProfileOut, "cpuprofile", "", "write a CPU profile of the server to this file (needs PPROF_ADDR in -env)")
	flag.StringVar(&c.GenProfileOut, "genprofile", "", "write a CPU profile of this load generator itself during the -profile-phase to this file")
	flag.StringVar(&c.ProfilePhase, "profile-phase", "sustained8", "phase to profile: sustained8 (sustained1: one client), reads, list or rate")
	quiet := flag.Bool("q", false, "print only the table")
	flag.Parse()
	for f := range strings.SplitSeq(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "loadtest: -clients wants numbers like 1,8")
			os.Exit(2)
		}
		c.Clients = append(c.Clients, n)
	}
	c.Env = strings.Fields(env)
	if !*quiet {
		c.Logf = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := loadtest.Run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
