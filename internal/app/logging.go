package app

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger returns the console logger: text or JSON lines on w, from
// level on (debug, info, warn, error; default info). In JSON a duration
// is a string ("1.5s"), never a count of nanoseconds.
func NewLogger(format, level string, w io.Writer) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv, ReplaceAttr: durationAsString}))
	}
	return slog.New(newTextHandler(w, lv))
}

// durationAsString writes a duration as Go's text ("12.5ms").
func durationAsString(groups []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}
