package app

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// textHandler is slog's TextHandler with a quicker way for the plainest
// records: attributes whose keys are not empty and whose values are
// strings, integers, booleans, durations, times or string slices, alone or
// in a named group — the access line of every request, and every line a
// pet's create and its background work log. It writes those lines itself, byte for byte as
// the TextHandler would (a test compares them), for about a third of the
// TextHandler's time; every other record, and every handler made by
// WithAttrs or WithGroup, is the TextHandler's own. Both write through one
// lock, so lines never interleave.
type textHandler struct {
	*slog.TextHandler // made without AddSource or ReplaceAttr
	w                 *lockedWriter
}

func newTextHandler(w io.Writer, level slog.Leveler) *textHandler {
	lw := &lockedWriter{w: w}
	return &textHandler{TextHandler: slog.NewTextHandler(lw, &slog.HandlerOptions{Level: level}), w: lw}
}

// lockedWriter makes each Write whole: the TextHandler locks only its own
// writes, and textHandler writes beside it.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Handle writes r.
func (h *textHandler) Handle(ctx context.Context, r slog.Record) error {
	bp := lineBufs.Get().(*[]byte)
	defer lineBufs.Put(bp)
	b, ok := appendTextLine((*bp)[:0], r)
	if !ok {
		return h.TextHandler.Handle(ctx, r)
	}
	*bp = b
	_, err := h.w.Write(b)
	return err
}

// appendTextLine appends r as slog's TextHandler writes it (with no
// options but the level), or reports false when r has what it leaves to
// the TextHandler.
func appendTextLine(b []byte, r slog.Record) ([]byte, bool) {
	sep := ""
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, r.Time.Round(0))
		sep = " "
	}
	b = append(b, sep...)
	b = append(b, "level="...)
	b = appendTextString(b, r.Level.String())
	b = append(b, " msg="...)
	b = appendTextString(b, r.Message)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if a.Value.Kind() == slog.KindGroup {
			b, ok = appendTextGroup(b, a)
		} else {
			b, ok = appendTextAttr(b, "", a)
		}
		return ok
	})
	return append(b, '\n'), ok
}

// appendTextGroup appends a group of plain attributes as the TextHandler
// does (each key after the group's name and a dot), or reports false for
// what it leaves to the TextHandler: a group with no name (written inline),
// an empty group (left out), a group within a group.
func appendTextGroup(b []byte, g slog.Attr) ([]byte, bool) {
	attrs := g.Value.Group()
	if g.Key == "" || len(attrs) == 0 {
		return b, false
	}
	prefix := g.Key + "."
	for _, a := range attrs {
		var ok bool
		if b, ok = appendTextAttr(b, prefix, a); !ok {
			return b, false
		}
	}
	return b, true
}

// appendTextAttr appends " key=value" (the key after prefix), or reports
// false for what it leaves to the TextHandler: an empty key (slog drops an
// empty attribute, and writes "=v" otherwise), and values other than
// strings, integers, booleans, durations, times and string slices.
func appendTextAttr(b []byte, prefix string, a slog.Attr) ([]byte, bool) {
	if a.Key == "" {
		return b, false
	}
	v := a.Value
	k := v.Kind()
	var tags []string
	switch k {
	case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindBool, slog.KindDuration, slog.KindTime:
	case slog.KindAny:
		var isTags bool
		if tags, isTags = v.Any().([]string); !isTags {
			return b, false
		}
	default:
		return b, false
	}
	b = append(b, ' ')
	if prefix == "" {
		b = appendTextString(b, a.Key)
	} else if !needsQuoting(prefix) && !needsQuoting(a.Key) {
		b = append(append(b, prefix...), a.Key...)
	} else {
		b = strconv.AppendQuote(b, prefix+a.Key)
	}
	b = append(b, '=')
	switch k {
	case slog.KindString:
		b = appendTextString(b, v.String())
	case slog.KindInt64:
		b = strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		b = strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindBool:
		b = strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		b = append(b, v.Duration().String()...)
	case slog.KindTime:
		b = appendRFC3339Millis(b, v.Time())
	case slog.KindAny:
		// fmt's %+v of a []string, which the TextHandler writes.
		b = appendTextString(b, "["+strings.Join(tags, " ")+"]")
	}
	return b, true
}

// appendTextString is slog's text handler's string: as it is, or quoted
// (strconv.Quote) when empty or when it holds a space, '=', '"', a control
// character, an invalid or unprintable rune or a Unicode space.
func appendTextString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// needsQuoting is slog's own test.
func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '=' || c == '"' || c < 0x20 {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// appendRFC3339Millis is slog's time: RFC 3339 with milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
}
