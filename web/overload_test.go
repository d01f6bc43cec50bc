package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

func TestShedWritesRefusesWritesPastTheLimit(t *testing.T) {
	var inFlight atomic.Int64
	release := make(chan struct{})
	var entered sync.WaitGroup
	entered.Add(2)
	h := shedWrites(2, &inFlight)(func(c echo.Context) error {
		if c.Request().Method == http.MethodPost {
			entered.Done()
			<-release
		}
		return c.NoContent(http.StatusNoContent)
	})
	e := echo.New()
	call := func(method string) error {
		return h(e.NewContext(httptest.NewRequest(method, "/api/pets", nil), httptest.NewRecorder()))
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- call(http.MethodPost) }()
	}
	entered.Wait()
	if err := call(http.MethodPut); shelter.ErrorCode(err) != shelter.EUNAVAILABLE {
		t.Errorf("a third write at once: %v, want EUNAVAILABLE", err)
	}
	if err := call(http.MethodGet); err != nil {
		t.Errorf("a read beside two writes: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a write within the limit: %v", err)
		}
	}
	if n := inFlight.Load(); n != 0 {
		t.Errorf("in flight after all answered: %d", n)
	}
	if err := call(http.MethodDelete); err != nil {
		t.Errorf("a write once the others are done: %v", err)
	}
}
