// Package loadtest measures the petstore binary over HTTP on loopback: the
// sustained create rate of the whole pipeline (the request and the
// background jobs it causes), latencies, reads, the server's CPU, memory
// and disk per pet, beside the raw limits of SQLite on the same disk.
// internal/cmd/loadtest is its command (`make loadtest`).
package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Config sets what a run does. Zero durations skip their phase.
type Config struct {
	Bin string // the petstore binary
	Dir string // temp directory of the databases (default: a new one under /tmp, removed after)
	// Env is added to the server's environment (after the defaults:
	// DB_SYNC=full, no AI key).
	Env []string
	// DatabaseURL, when set, runs the server on this PostgreSQL database
	// (DATABASE_URL) instead of a SQLite file; it must hold no pets yet.
	// The raw limits are still SQLite's, on the disk of Dir.
	DatabaseURL string

	RawDuration   time.Duration // each raw SQLite measurement
	Window        time.Duration // the create window of each sustained phase
	Clients       []int         // the sustained phases' client counts
	DrainTimeout  time.Duration // how long a phase waits for its backlog
	ReadDuration  time.Duration // each GET by id phase
	ListPets      int           // pets in the database for the list phase
	ListDuration  time.Duration
	Rate          float64 // creates/s offered in the fixed-rate phase
	RateDuration  time.Duration
	ProfileOut    string        // write a CPU profile of the server here (needs PPROF_ADDR support in the binary)
	ProfilePhase  string        // "sustained8" (or sustainedN for N clients), "rate", "reads" or "list"
	ProfileLength time.Duration // at most this long
	GenProfileOut string        // write a CPU profile of the load generator itself here, same phase

	Out  io.Writer // the table
	Logf func(format string, args ...any)
}

// Defaults fills the zero fields with the default run (under 3 minutes
// when the pipeline keeps up).
func (c *Config) Defaults() {
	if c.RawDuration == 0 {
		c.RawDuration = 2 * time.Second
	}
	if c.Window == 0 {
		c.Window = 5 * time.Second
	}
	if len(c.Clients) == 0 {
		c.Clients = []int{1, 8}
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = 20 * time.Second
	}
	if c.ReadDuration == 0 {
		c.ReadDuration = 3 * time.Second
	}
	if c.ListPets == 0 {
		c.ListPets = 100_000
	}
	if c.ListDuration == 0 {
		c.ListDuration = 3 * time.Second
	}
	if c.Rate == 0 {
		c.Rate = 1000
	}
	if c.RateDuration == 0 {
		c.RateDuration = 30 * time.Second
	}
	if c.ProfilePhase == "" {
		c.ProfilePhase = "sustained8"
	}
	if c.ProfileLength == 0 {
		c.ProfileLength = 10 * time.Second
	}
	if c.Out == nil {
		c.Out = os.Stdout
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
}

// Run measures and prints the table.
func Run(ctx context.Context, c Config) error {
	c.Defaults()
	began := time.Now()
	bin, err := filepath.Abs(c.Bin) // the server runs in its own directory
	if err != nil {
		return err
	}
	c.Bin = bin
	if c.Dir == "" {
		dir, err := os.MkdirTemp("", "petstore-loadtest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.Dir = dir
	}
	var rows []Row
	add := func(figure, value, target, ratio string) { rows = append(rows, Row{figure, value, target, ratio}) }

	c.Logf("raw SQLite limits in %s (%s each)", c.Dir, c.RawDuration)
	raw, err := MeasureRaw(ctx, c.Dir, c.RawDuration)
	if err != nil {
		return fmt.Errorf("raw sqlite: %w", err)
	}

	env := append([]string{"DB_SYNC=full", "OPENAI_API_KEY="}, c.Env...)
	if c.DatabaseURL != "" {
		env = append(env, "DATABASE_URL="+c.DatabaseURL)
	}
	srv, err := StartServer(ctx, c.Bin, c.Dir, env)
	if err != nil {
		return err
	}
	defer srv.Stop()
	obs, err := NewObserver(srv.DBPath, c.DatabaseURL)
	if err != nil {
		return err
	}
	defer obs.Close()
	var pets int
	if err := obs.db.QueryRowContext(ctx, `SELECT count(*) FROM pets`).Scan(&pets); err != nil {
		return fmt.Errorf("read the server's database: %w", err)
	} else if pets > 0 {
		return fmt.Errorf("the server's database already holds %d pets: the load tool needs an empty one (it counts what it creates)", pets)
	}
	cl := NewClient(srv.URL, srv.Token)
	prof := &profiler{c: c, srv: srv}
	defer prof.wait()
	rssCtx, stopRSS := context.WithCancel(ctx)
	defer stopRSS()
	rssParts := srv.WatchRSS(rssCtx)

	// Warm up (connections, prepared statements, the first pages).
	warm := &IDRange{}
	creators, err := cl.getters(8)
	if err != nil {
		return err
	}
	defer closeAll(creators)
	ClosedLoop(2, 500*time.Millisecond, func(w int) error {
		id, err := cl.Create(creators[w])
		if err == nil {
			warm.add(id)
		}
		return err
	})
	if warm.N > 0 {
		obs.Drain(ctx, warm, c.DrainTimeout)
	}

	// Sustained creates: a window of creates, then until all are done.
	var cpuPerCreate time.Duration
	var cpuNote string
	for _, n := range c.Clients {
		c.Logf("sustained creates, %d client(s), %s window (server RSS %s)", n, c.Window, rssNow(srv))
		// The window only: the backlog drains within a second or two,
		// and a longer profile would take in the next phase's GETs.
		prof.start(fmt.Sprintf("sustained%d", n), c.Window)
		r := &IDRange{}
		cpu0, gen0 := mustCPU(srv), selfCPU()
		start := time.Now()
		if len(creators) < n {
			more, err := cl.getters(n - len(creators))
			if err != nil {
				return err
			}
			creators = append(creators, more...)
		}
		lat, _ := ClosedLoop(n, c.Window, func(w int) error {
			id, err := cl.Create(creators[w])
			if err == nil {
				r.add(id)
			}
			return err
		})
		reqEnd := time.Now()
		last, pending, err := obs.Drain(ctx, r, c.DrainTimeout)
		if err != nil {
			return err
		}
		cpu1, gen1 := mustCPU(srv), selfCPU()
		elapsed := last.Sub(start)
		sustained := float64(r.N-pending) / elapsed.Seconds()
		s := lat.Summary()
		label := fmt.Sprintf("%d client", n)
		if n > 1 {
			label += "s"
		}
		value := perSec(sustained)
		if pending > 0 {
			value = fmt.Sprintf("%s (%d of %d not done after %s)", perSec(sustained), pending, r.N, c.DrainTimeout)
		}
		target := ""
		if n == 8 {
			target = "≥ 0.5× raw FULL"
		}
		add("sustained creates/s, "+label, value, target, ratio(sustained, raw.CommitsFull)+" FULL")
		add("  requests alone: creates/s, "+label, perSec(float64(r.N)/reqEnd.Sub(start).Seconds()), "", ratio(float64(r.N)/reqEnd.Sub(start).Seconds(), raw.CommitsFull)+" FULL")
		p50target := ""
		if n == 1 {
			p50target = "p50 ≤ 0.5 ms"
		}
		add("  create latency p50 / p99 / max, "+label, ms(s.P50)+" / "+ms(s.P99)+" / "+ms(s.Max), p50target, "")
		if n == 8 || (len(c.Clients) == 1) {
			cpuPerCreate = (cpu1 - cpu0) / time.Duration(max(r.N, 1))
			cpuNote = fmt.Sprintf("%s (generator: %s)", ms(cpuPerCreate), ms((gen1-gen0)/time.Duration(max(r.N, 1))))
		}
		if n == 8 {
			size, err := obs.Size(ctx)
			if err != nil {
				return fmt.Errorf("database size: %w", err)
			}
			all, pruned := size.PerPet()
			add("server CPU per create, jobs included", cpuNote, "≤ 0.4 ms", "")
			add("DB bytes per pet, finished jobs pruned", thousands(int64(pruned)), "≤ 1,200", "")
			add("  with finished jobs kept; events per pet", fmt.Sprintf("%s; %.1f", thousands(int64(all)), float64(size.Events)/float64(max(size.Pets, 1))), "", "")
		}
	}
	if cpuNote != "" && !hasClients(c.Clients, 8) {
		add("server CPU per create, jobs included", cpuNote, "≤ 0.4 ms", "")
	}

	// GET by id over the pets made so far.
	maxID := int64(0)
	if err := obs.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM pets`).Scan(&maxID); err != nil {
		return err
	}
	for _, n := range []int{1, 8} {
		if maxID == 0 {
			break
		}
		c.Logf("GET by id, %d client(s) (server RSS %s)", n, rssNow(srv))
		if n == 8 {
			prof.start("reads", c.ReadDuration)
		}
		getters, err := cl.getters(n)
		if err != nil {
			return err
		}
		var ok atomic.Int64
		cpu0, gen0 := mustCPU(srv), selfCPU()
		lat, el := ClosedLoop(n, c.ReadDuration, func(w int) error {
			err := getters[w].Get("/api/pets/"+strconv.FormatInt(rand.Int64N(maxID)+1, 10), http.StatusOK)
			if err == nil {
				ok.Add(1)
			}
			return err
		})
		cpu1, gen1 := mustCPU(srv), selfCPU()
		closeAll(getters)
		s := lat.Summary()
		rate := float64(ok.Load()) / el.Seconds()
		target := ""
		if n == 8 {
			target = "≥ 25,000/s"
		}
		add(fmt.Sprintf("GET by id/s, %d client%s; p50 / p99", n, plural(n)), perSec(rate)+"; "+ms(s.P50)+" / "+ms(s.P99), target, ratio(rate, raw.PointReads)+" reads")
		per := time.Duration(max(ok.Load(), 1))
		add("  CPU per GET: server (generator)", fmt.Sprintf("%s (%s)", us((cpu1-cpu0)/per), us((gen1-gen0)/per)), "", "")
	}

	// The list page at ListPets pets.
	c.Logf("filling to %d pets (server RSS %s)", c.ListPets, rssNow(srv))
	if _, err := Fill(ctx, srv.DBPath, c.DatabaseURL, c.ListPets); err != nil {
		return err
	}
	prof.start("list", c.ListDuration)
	lister, err := cl.getters(1)
	if err != nil {
		return err
	}
	lat, _ := ClosedLoop(1, c.ListDuration, func(int) error {
		return lister[0].Get("/api/pets?status=in_quarantine", http.StatusOK)
	})
	closeAll(lister)
	s := lat.Summary()
	add(fmt.Sprintf("list page (status filter, 100 of %s) p50 / p99", thousands(int64(c.ListPets))), ms(s.P50)+" / "+ms(s.P99), "p99 < 20 ms", "")

	// A fixed offered rate.
	c.Logf("%.0f creates/s offered for %s (server RSS %s)", c.Rate, c.RateDuration, rssNow(srv))
	prof.start("rate", c.RateDuration)
	r := &IDRange{}
	var maxDepth atomic.Int64
	stopDepth := make(chan struct{})
	depthDone := make(chan struct{})
	go func() {
		defer close(depthDone)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if d, err := obs.QueueDepth(ctx); err == nil && int64(d) > maxDepth.Load() {
				maxDepth.Store(int64(d))
			}
			select {
			case <-stopDepth:
				return
			case <-t.C:
			}
		}
	}()
	pool := &getterPool{c: cl}
	defer pool.close()
	lat = OpenLoop(c.Rate, c.RateDuration, func() error {
		g, err := pool.get()
		if err != nil {
			return err
		}
		defer pool.put(g)
		id, err := cl.Create(g)
		if err == nil {
			r.add(id)
		}
		return err
	})
	_, pending, err := obs.Drain(ctx, r, c.DrainTimeout)
	close(stopDepth)
	<-depthDone
	if err != nil {
		return err
	}
	s = lat.Summary()
	rateLabel := fmt.Sprintf("at %s creates/s for %s: ", thousands(int64(c.Rate)), c.RateDuration)
	add(rateLabel+"create p50 / p99", ms(s.P50)+" / "+ms(s.P99), "p99 < 20 ms", "")
	q, err := obs.QuarantineLatencies(ctx, r)
	if err != nil {
		return err
	}
	qs := Summarize(q)
	v := ms(qs.P50) + " / " + ms(qs.P99)
	if pending > 0 {
		v += fmt.Sprintf(" (%d of %d not done after %s)", pending, r.N, c.DrainTimeout)
	}
	add("  create → in_quarantine p50 / p99", v, "p99 < 50 ms", "")
	add("  largest queue depth", thousands(maxDepth.Load()), "≤ 200", "")

	rss, err := srv.PeakRSS()
	if err != nil {
		return err
	}
	add("server peak RSS", fmt.Sprintf("%.0f MB", float64(rss)/(1<<20)), "< 60 MB", "")
	anon, file := rssParts()
	add("  largest anonymous part (heaps); file pages then", fmt.Sprintf("%.0f MB; %.0f MB", float64(anon)/(1<<20), float64(file)/(1<<20)), "", "")
	add("raw SQLite: 1-row commits FULL / NORMAL", perSec(raw.CommitsFull)+" / "+perSec(raw.CommitsNormal), "", "")
	add("raw SQLite: rows/s in 1,000-row transactions (FULL); point reads/s", perSec(raw.BatchRows)+"; "+perSec(raw.PointReads), "", "")

	if n, first := cl.Errors(); n > 0 {
		add("failed requests", fmt.Sprintf("%d (first: %.200s)", n, first), "0", "")
	}
	fmt.Fprint(c.Out, Table(rows))
	engine := "DB_SYNC=full"
	if c.DatabaseURL != "" {
		engine = "on PostgreSQL (the raw figures are SQLite's on the same disk)"
	}
	fmt.Fprintf(c.Out, "\nserver: %s, no AI key; %s on loopback; run took %s\n", engine, filepath.Base(c.Bin), time.Since(began).Round(time.Second))
	return nil
}

// rssNow is the server's resident set size now, for the progress lines.
func rssNow(s *Server) string {
	n, err := procStatusKB(s.PID(), "VmRSS:")
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func hasClients(cs []int, n int) bool {
	for _, c := range cs {
		if c == n {
			return true
		}
	}
	return false
}

func mustCPU(s *Server) time.Duration {
	d, _ := s.CPU()
	return d
}

// profiler takes one CPU profile of the server through net/http/pprof at
// PPROF_ADDR during the phase named in the config.
type profiler struct {
	c    Config
	srv  *Server
	done chan struct{}
	// selfDone is closed when the generator's own profile is written.
	selfDone chan struct{}
}

func (p *profiler) start(phase string, d time.Duration) {
	if p.c.ProfilePhase != phase || p.done != nil || p.selfDone != nil {
		return
	}
	if p.c.GenProfileOut != "" {
		p.startSelf(phase, min(d, p.c.ProfileLength))
	}
	if p.c.ProfileOut == "" {
		return
	}
	addr := ""
	for _, kv := range p.c.Env {
		if v, ok := strings.CutPrefix(kv, "PPROF_ADDR="); ok {
			addr = v
		}
	}
	if addr == "" {
		p.c.Logf("no PPROF_ADDR in the server's environment: no profile")
		return
	}
	d = min(d, p.c.ProfileLength)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		secs := max(1, int(d/time.Second))
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs))
		if err != nil {
			p.c.Logf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(p.c.ProfileOut)
		if err != nil {
			p.c.Logf("profile: %v", err)
			return
		}
		defer f.Close()
		io.Copy(f, resp.Body)
		p.c.Logf("CPU profile of phase %s (%ds) in %s", phase, secs, p.c.ProfileOut)
	}()
}

// startSelf profiles the generator's own process for d.
func (p *profiler) startSelf(phase string, d time.Duration) {
	f, err := os.Create(p.c.GenProfileOut)
	if err != nil {
		p.c.Logf("generator profile: %v", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		p.c.Logf("generator profile: %v", err)
		return
	}
	p.selfDone = make(chan struct{})
	time.AfterFunc(d, func() {
		defer close(p.selfDone)
		pprof.StopCPUProfile()
		f.Close()
		p.c.Logf("CPU profile of the generator in phase %s in %s", phase, p.c.GenProfileOut)
	})
}

func (p *profiler) wait() {
	if p.done != nil {
		<-p.done
	}
	if p.selfDone != nil {
		<-p.selfDone
	}
}
