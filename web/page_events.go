package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// Broker wakes the dashboard's live event streams when events have been
// committed. internal/app wires the store's OnEvent hook to Notify. A stream holds
// no timer and runs no query while nothing happens.
type Broker struct {
	mu     sync.Mutex
	subs   map[chan struct{}]struct{}
	done   chan struct{}
	closed bool
}

// NewBroker returns a broker with no subscriber.
func NewBroker() *Broker {
	return &Broker{subs: map[chan struct{}]struct{}{}, done: make(chan struct{})}
}

// Notify wakes every stream. It never blocks: a stream already due to wake
// is not woken twice.
func (b *Broker) Notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Subscribers counts the open streams.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Close ends every stream, so a graceful shutdown does not wait for open
// tabs. Later streams end at once.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.done)
	}
}

func (b *Broker) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

// Tuning of the live stream.
const (
	// streamHeartbeat keeps proxies from closing an idle stream, and is
	// when an idle stream checks its session or token (the default of
	// Deps.StreamHeartbeat).
	streamHeartbeat = 25 * time.Second
	// streamCoalesce is the pause after each batch, so a burst of events
	// costs a stream one read instead of one per event.
	streamCoalesce = 200 * time.Millisecond
	// feedMax is the most events one batch sends to the live feed.
	feedMax = 20
)

// handleEventStream is the dashboard's live stream (Server-Sent Events).
// It resumes after the event id in Last-Event-ID or ?after=, and for each
// batch of new events sends "pet-<id>" once per pet that changed, "pets"
// once, and with ?feed=1 "feed": the feed lines of the newest events.
// At each wake-up and heartbeat it checks that its session or token is
// still valid, and ends when it is not.
func (s *Server) handleEventStream(c echo.Context) error {
	raw := c.Request().Header.Get("Last-Event-ID")
	if raw == "" {
		raw = c.QueryParam("after")
	}
	var after int64
	if raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return shelter.Errorf(shelter.EINVALID, "Invalid event id %q: must be a whole number", raw)
		}
		after = n
	}
	feed := c.QueryParam("feed") == "1"
	ctx := c.Request().Context()

	wake, unsubscribe := s.live.subscribe()
	defer unsubscribe()

	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	w.Flush()

	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	send := func() bool {
		var err error
		if after, err = s.sendEvents(ctx, w, after, feed); err != nil {
			if ctx.Err() == nil {
				s.log.Error("live stream", "err", err)
			}
			return false
		}
		return true
	}
	// Catch up at once: events may have landed since the page was read.
	if !send() {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.live.done:
			return nil
		case <-heartbeat.C:
			if !s.stillSignedIn(c) {
				return nil
			}
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			w.Flush()
		case <-wake:
			if !s.stillSignedIn(c) {
				return nil
			}
			if !send() {
				return nil
			}
			select {
			case <-time.After(streamCoalesce):
			case <-ctx.Done():
				return nil
			case <-s.live.done:
				return nil
			}
		}
	}
}

// stillSignedIn reports whether a live stream's credentials still hold:
// its session was not signed out, did not expire and was not ended by a
// password change or a disabled account; its token was not revoked. It
// costs one prepared lookup. When they do not hold, the stream ends; the
// browser's reconnection then gets 401 and stops.
func (s *Server) stillSignedIn(c echo.Context) bool {
	p, err := s.identify(c)
	if err != nil && c.Request().Context().Err() == nil {
		s.log.Warn("⚠️ live stream: credentials not checked; ending it", "err", err)
	}
	return err == nil && p != nil
}

// sendEvents sends what happened after event id after and returns the id
// of the newest event sent.
func (s *Server) sendEvents(ctx context.Context, w *echo.Response, after int64, feed bool) (int64, error) {
	for {
		events, err := s.events.FindEvents(ctx, shelter.EventFilter{After: after, Limit: shelter.MaxLimit})
		if err != nil {
			return after, err
		}
		if len(events) == 0 {
			return after, nil
		}
		last := events[len(events)-1].ID
		id := strconv.FormatInt(last, 10)
		var b strings.Builder
		seen := map[string]bool{}
		for _, e := range events {
			if e.PetID != "" && !seen[e.PetID] {
				seen[e.PetID] = true
				writeSSE(&b, id, views.PetEventName(e.PetID), id)
			}
		}
		writeSSE(&b, id, "pets", id)
		if feed {
			newest := make([]*shelter.Event, 0, feedMax)
			for i := len(events) - 1; i >= 0 && len(newest) < feedMax; i-- {
				newest = append(newest, events[i])
			}
			var html strings.Builder
			if err := views.FeedItems(newest, s.petNames(ctx, eventPetIDs(newest))).Render(ctx, &html); err != nil {
				return after, fmt.Errorf("render feed: %w", err)
			}
			writeSSE(&b, id, "feed", html.String())
		}
		if _, err := fmt.Fprint(w, b.String()); err != nil {
			return after, fmt.Errorf("write stream: %w", err)
		}
		w.Flush()
		after = last
		if len(events) < shelter.MaxLimit {
			return after, nil
		}
	}
}

// writeSSE writes one Server-Sent Event; every line of data gets its own
// "data:" field, as the format asks.
func writeSSE(b *strings.Builder, id, event, data string) {
	b.WriteString("id: " + id + "\nevent: " + event + "\n")
	for _, line := range strings.Split(data, "\n") {
		b.WriteString("data: " + strings.TrimSuffix(line, "\r") + "\n")
	}
	b.WriteString("\n")
}

// eventPetIDs lists the pets events name.
func eventPetIDs(events []*shelter.Event) []string {
	var ids []string
	for _, e := range events {
		if e.PetID != "" {
			ids = append(ids, e.PetID)
		}
	}
	return ids
}

// petNames maps pet ids to their names, for lines that name pets (the
// feed, the Jobs page). A pet that is gone is left out (it shows as
// "Pet N").
func (s *Server) petNames(ctx context.Context, ids []string) map[string]string {
	names := map[string]string{}
	for _, id := range ids {
		if _, done := names[id]; done {
			continue
		}
		names[id] = ""
		if p, err := s.pets.FindPetByID(ctx, id); err == nil {
			names[id] = p.Name
		}
	}
	return names
}
