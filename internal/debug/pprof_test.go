package debug

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestServePprof(t *testing.T) {
	stop, err := ServePprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if _, err := ServePprof("not an address", slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a bad address was accepted")
	}
}

func TestServePprofAnswers(t *testing.T) {
	var logged strings.Builder
	stop, err := ServePprof("127.0.0.1:0", slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	_, url, _ := strings.Cut(logged.String(), "addr=")
	url = strings.TrimSpace(url)
	resp, err := http.Get(url + "goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "goroutine") {
		t.Errorf("GET goroutine: %d %.100s", resp.StatusCode, b)
	}
}

// rateAfterInit is the heap sampling rate the package's init left.
var rateAfterInit int

func TestMain(m *testing.M) {
	rateAfterInit = runtime.MemProfileRate
	os.Exit(m.Run())
}

// Without PPROF_ADDR in the environment no heap samples are taken (the
// tests run without it); serving the profiler turns sampling on.
func TestHeapSamplingOnlyWithTheProfiler(t *testing.T) {
	if os.Getenv("PPROF_ADDR") != "" {
		t.Skip("PPROF_ADDR is set")
	}
	if rateAfterInit != 0 {
		t.Fatalf("MemProfileRate = %d without PPROF_ADDR, want 0", rateAfterInit)
	}
	runtime.MemProfileRate = 0 // as after init (another test served the profiler)
	stop, err := ServePprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if runtime.MemProfileRate != memProfileRate {
		t.Errorf("MemProfileRate = %d while serving the profiler, want %d", runtime.MemProfileRate, memProfileRate)
	}
}
