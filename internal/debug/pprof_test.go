package debug

import (
	"io"
	"log/slog"
	"net/http"
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
