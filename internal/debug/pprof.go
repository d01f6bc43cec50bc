// Package debug serves Go's profiler (net/http/pprof) on a listener of its
// own, for PPROF_ADDR: never on the app's port.
package debug

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"time"
)

// memProfileRate is Go's default sampling of allocations for heap profiles.
const memProfileRate = 512 * 1024

// Heap profiling samples an allocation every 512 KiB and keeps each
// sample's call stack for the life of the process: 1.6 MB of the server's
// memory after a run of the load tool. Only the profiler of PPROF_ADDR
// serves those samples, so without it none are taken (ServePprof turns
// sampling on when PPROF_ADDR came from elsewhere, a .env file).
func init() {
	if os.Getenv("PPROF_ADDR") == "" {
		runtime.MemProfileRate = 0
	}
}

// ServePprof listens on addr and serves /debug/pprof/ there until the
// returned stop is called.
func ServePprof(addr string, log *slog.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if runtime.MemProfileRate == 0 {
		runtime.MemProfileRate = memProfileRate
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("❌ pprof listener", "err", err)
		}
	}()
	log.Warn("🔬 Profiler listening (PPROF_ADDR)", "addr", "http://"+l.Addr().String()+"/debug/pprof/")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
