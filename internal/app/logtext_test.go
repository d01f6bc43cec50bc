package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// sameAsSlog logs one record through textHandler and slog's TextHandler
// and fails when the lines differ.
func sameAsSlog(t *testing.T, r slog.Record) {
	t.Helper()
	var got, want bytes.Buffer
	ctx := context.Background()
	if err := newTextHandler(&got, slog.LevelDebug).Handle(ctx, r.Clone()); err != nil {
		t.Fatal(err)
	}
	if err := slog.NewTextHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(ctx, r.Clone()); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("line differs from slog's:\n got %q\nwant %q", got.String(), want.String())
	}
}

var trickyStrings = []string{"", " ", "a b", "a=b", `a"b`, `a\b`, "a\tb", "a\nb", "\x00", "\x7f", "é", "🐾 Pet created",
	"\u00a0", "\u2028", "\ufffd", "\xff", "a\xc3", "/api/pets/12", "127.0.0.1", "::1", "loadtest", "bob@example.org",
	"/api/pets/%zz", "<script>", "ß", "\u200b", "日本", "-", "null", "1.5s"}

func randomString(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return trickyStrings[rng.IntN(len(trickyStrings))]
	}
	b := make([]byte, rng.IntN(12))
	for i := range b {
		switch rng.IntN(4) {
		case 0:
			b[i] = byte(rng.IntN(256))
		default:
			b[i] = byte(0x20 + rng.IntN(0x60))
		}
	}
	return string(b)
}

func TestTextHandlerWritesWhatSlogWrites(t *testing.T) {
	at := time.Date(2026, 12, 1, 18, 56, 52, 123_456_789, time.UTC)
	// The access line, as web's observe makes it.
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "http", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/pets/12"), slog.String("route", "/api/pets/:id"),
		slog.Int("status", 200), slog.Duration("duration", 123456*time.Nanosecond), slog.Int64("bytes", 870),
		slog.String("ip", "127.0.0.1"), slog.String("actor", "loadtest"))
	sameAsSlog(t, r)

	for _, tc := range []struct {
		name string
		at   time.Time
		lv   slog.Level
		msg  string
		args []any
	}{
		{"no time", time.Time{}, slog.LevelInfo, "x", nil},
		{"levels", at, slog.LevelWarn + 2, "⚠️ Transition rejected", []any{"n", -3}},
		{"debug-4", at, slog.LevelDebug - 4, "", nil},
		{"other zone", at.In(time.FixedZone("X", -5*3600-30*60)), slog.LevelError, "a=b", []any{"ok", true, "u", uint64(1 << 63)}},
		{"whole second", at.Truncate(time.Second), slog.LevelInfo, "m", []any{"d", time.Duration(0), "d2", -time.Hour}},
		// What the TextHandler writes itself.
		{"error", at, slog.LevelInfo, "m", []any{"err", errors.New("boom x")}},
		{"float", at, slog.LevelInfo, "m", []any{"f", 1.5}},
		{"time value", at, slog.LevelInfo, "m", []any{"t", at}},
		{"group", at, slog.LevelInfo, "m", []any{slog.Group("g", "a", 1)}},
		{"empty group", at, slog.LevelInfo, "m", []any{slog.Group("g")}},
		{"empty key", at, slog.LevelInfo, "m", []any{"", 1}},
		{"empty attr", at, slog.LevelInfo, "m", []any{slog.Attr{}}},
		{"bytes", at, slog.LevelInfo, "m", []any{"b", []byte("x y")}},
		{"odd args", at, slog.LevelInfo, "m", []any{"k"}},
		{"any", at, slog.LevelInfo, "m", []any{"s", []string{"a"}}},
		{"string slices", at, slog.LevelInfo, "m", []any{"s", []string{"a b", "c"}, "e", []string{}, "n", []string(nil), "q", []string{`"`}}},
		{"times", at, slog.LevelInfo, "m", []any{"t", time.Time{}, "z", at.In(time.FixedZone("X", 3600)), "m", time.Now()}},
		{"group of a pet's profile", at, slog.LevelInfo, "✅ AI Profile Enrichment completed", []any{"petId", "12", slog.Group("profile",
			"bio", "Meet Biscuit…", "temperamentTags", []string{"calm", "friendly"}, "model", ""), "durationMs", int64(3)}},
		{"group quoting", at, slog.LevelInfo, "m", []any{slog.Group("a b", "c", 1), slog.Group("g", "c d", 1), slog.Group("g=", "x", "y")}},
		{"group in a group", at, slog.LevelInfo, "m", []any{slog.Group("g", slog.Group("h", "a", 1))}},
		{"group without a name", at, slog.LevelInfo, "m", []any{slog.Group("", "a", 1)}},
		{"group with an empty key", at, slog.LevelInfo, "m", []any{slog.Group("g", "", 1)}},
		{"group with a float", at, slog.LevelInfo, "m", []any{slog.Group("g", "f", 1.5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := slog.NewRecord(tc.at, tc.lv, tc.msg, 0)
			r.Add(tc.args...)
			sameAsSlog(t, r)
		})
	}

	rng := rand.New(rand.NewPCG(11, 25000))
	for range 20000 {
		r := slog.NewRecord(at.Add(time.Duration(rng.Int64N(int64(1000*time.Hour)))), slog.Level(rng.IntN(20)-8), randomString(rng), 0)
		for range rng.IntN(10) {
			k := randomString(rng)
			if k == "" {
				k = "k"
			}
			switch rng.IntN(8) {
			case 5:
				r.AddAttrs(slog.Time(k, at.Add(time.Duration(rng.Int64N(int64(10000*time.Hour)))-5000*time.Hour)))
			case 6:
				r.AddAttrs(slog.Any(k, []string{randomString(rng), randomString(rng)}))
			case 7:
				r.AddAttrs(slog.Group(randomString(rng), slog.String(k, randomString(rng)), slog.Int(randomString(rng)+"x", 1)))
			case 0:
				r.AddAttrs(slog.String(k, randomString(rng)))
			case 1:
				r.AddAttrs(slog.Int64(k, rng.Int64()-rng.Int64()))
			case 2:
				r.AddAttrs(slog.Duration(k, time.Duration(rng.Int64N(int64(100*time.Hour)))))
			case 3:
				r.AddAttrs(slog.Bool(k, rng.IntN(2) == 0))
			case 4:
				r.AddAttrs(slog.Uint64(k, rng.Uint64()))
			}
		}
		sameAsSlog(t, r)
	}
}

func FuzzTextHandlerString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		r := slog.NewRecord(time.Unix(1_780_000_000, 5), slog.LevelInfo, v, 0)
		if k != "" {
			r.AddAttrs(slog.String(k, v))
		}
		sameAsSlog(t, r)
	})
}

// TestTextHandlerWithAttrsAndLevel: a logger made With attributes or a
// group, and the level, are the TextHandler's, on the same writer.
func TestTextHandlerWithAttrsAndLevel(t *testing.T) {
	var got, want bytes.Buffer
	for _, x := range []struct {
		b   *bytes.Buffer
		log *slog.Logger
	}{{&got, NewLogger("text", "info", &got)}, {&want, slog.New(slog.NewTextHandler(&want, nil))}} {
		x.log.Debug("hidden")
		x.log.With("runner", "jobs").Info("claimed", "n", 3)
		x.log.WithGroup("g").Info("in group", "a", 1)
		x.log.Info("plain", "a", 1)
	}
	strip := func(s string) string { // the times differ
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if _, rest, ok := strings.Cut(l, " level="); ok {
				l = rest
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	if strip(got.String()) != strip(want.String()) {
		t.Fatalf("got\n%s\nwant\n%s", got.String(), want.String())
	}
}

// TestTextHandlerLinesWhole: lines written at once from many goroutines,
// through both ways, come out whole.
func TestTextHandlerLinesWhole(t *testing.T) {
	var b bytes.Buffer
	log := NewLogger("text", "info", &b)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if g%2 == 0 {
					log.Info("fast", "g", g, "i", i)
				} else {
					log.Info("slow", "g", g, "f", 1.5)
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "time=") || strings.Count(l, "time=") != 1 {
			t.Fatalf("line %q", l)
		}
	}
}

// BenchmarkAccessLine is the access line of a request through
// NewLogger's text handler, to a file.
func BenchmarkAccessLine(b *testing.B) {
	benchLine(b, func() slog.Record {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "http", 0)
		r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/pets/12"), slog.String("route", "/api/pets/:id"),
			slog.Int("status", 200), slog.Duration("duration", 123456*time.Nanosecond), slog.Int64("bytes", 870),
			slog.String("ip", "127.0.0.1"), slog.String("actor", "loadtest"))
		return r
	})
}

// BenchmarkPetLines are the two lines of a pet's background work that
// hold a time, a group and a string slice: its feeding reminder set, its
// profile written.
func BenchmarkPetLines(b *testing.B) {
	next := time.Date(2026, 12, 2, 18, 56, 52, 0, time.UTC)
	benchLine(b, func() slog.Record {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "✅ Next feeding reminder set", 0)
		r.Add("petId", "12", "notes", "Welcome to our pet store! We'll take great care of this pet.", "nextFeedingAt", next, "processingTimeMs", int64(4))
		r.Add(slog.Group("profile", "bio", "Meet Biscuit, a 2-year-old dog who is looking for…", "breedGuess", "Mixed breed",
			"temperamentTags", []string{"friendly", "curious"}, "adopterHints", "Biscuit would do best in a home with…", "source", "fallback", "model", ""),
			"durationMs", int64(0))
		return r
	})
}

func benchLine(b *testing.B, record func() slog.Record) {
	for _, name := range []string{"slog", "textHandler"} {
		b.Run(name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "log"))
			if os.Getenv("DISCARD") != "" {
				f, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			var h slog.Handler = slog.NewTextHandler(f, nil)
			if name == "textHandler" {
				h = newTextHandler(f, slog.LevelInfo)
			}
			ctx := context.Background()
			r := record() // what the handler does, without what the caller does
			b.ReportAllocs()
			for b.Loop() {
				_ = h.Handle(ctx, r)
			}
		})
	}
}

// The lines every create and its background work log take the quick way.
func TestTextHandlerQuickWayTakesThePetLines(t *testing.T) {
	at := time.Date(2026, 12, 1, 18, 56, 52, 123_456_789, time.UTC)
	for _, args := range [][]any{
		{"petId", "12", "notes", "Welcome!", "nextFeedingAt", at, "processingTimeMs", int64(4)},
		{"petId", "12", slog.Group("profile", "bio", "Meet Biscuit", "breedGuess", "", "temperamentTags", []string{"calm"},
			"adopterHints", "x", "source", "fallback", "model", ""), "durationMs", int64(0)},
	} {
		r := slog.NewRecord(at, slog.LevelInfo, "m", 0)
		r.Add(args...)
		if _, ok := appendTextLine(nil, r); !ok {
			t.Errorf("%v: left to the TextHandler", args)
		}
	}
	r := slog.NewRecord(at, slog.LevelInfo, "m", 0)
	r.Add(slog.Group("g", slog.Group("h", "a", 1)))
	if _, ok := appendTextLine(nil, r); ok {
		t.Error("a group in a group took the quick way")
	}
}
