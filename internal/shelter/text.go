package shelter

import (
	"unicode"
	"unicode/utf8"
)

// Problems TextProblem reports, shared by every reader of text fields.
const (
	TextInvalidUTF8 = "must be valid UTF-8 text"
	TextControl     = "must not contain control characters"
	TextBidi        = "must not contain bidirectional overrides or isolates"
	TextOneLine     = "must be a single line"
	TextInvisible   = "must contain visible characters"
)

// TextProblem returns what is wrong with s as the value of a text field, or
// "" when nothing is. Every field refuses invalid UTF-8, control characters
// (NUL, ANSI escapes, DEL, C1) and the bidirectional overrides and isolates
// that can make text read differently from what it holds. A single-line
// field (a name) also refuses line breaks and tabs and must hold at least
// one visible character (not only spaces, zero-width or other invisible
// characters); a multi-line field (notes, messages) keeps newlines and tabs.
func TextProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return TextInvalidUTF8
	}
	visible := false
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case unicode.IsControl(r):
			return TextControl
		case isBidiOverride(r):
			return TextBidi
		case !multiline && (r == '\u2028' || r == '\u2029'):
			return TextOneLine
		case !visible && !invisible(r):
			visible = true
		}
	}
	if !multiline && s != "" && !visible {
		return TextInvisible
	}
	return ""
}

// isBidiOverride reports the embeddings, overrides and isolates (U+202A–E,
// U+2066–9). The marks (LRM, RLM, ALM) stay allowed: right-to-left text
// needs them now and then, and they cannot reorder what follows.
func isBidiOverride(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// invisible reports runes that show nothing on their own: spaces, format
// characters (zero-width space and joiners, BOM, bidi marks), combining
// marks with nothing to combine with, and the fillers that render blank.
func invisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\u180E':
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Zs) || !unicode.IsGraphic(r)
}
