package testapp

import (
	"net/http"
	"testing"
	"time"
)

func TestStartServesHealthAndStops(t *testing.T) {
	a := Start(t, Options{})
	resp, err := http.Get(a.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	if !a.Stop(10 * time.Second) {
		t.Fatalf("no graceful exit on SIGTERM:\n%s", a.Logs())
	}
	if code := a.ExitCode(); code != 0 {
		t.Fatalf("exit code %d:\n%s", code, a.Logs())
	}
}
