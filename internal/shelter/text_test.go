package shelter

import "testing"

func TestTextProblem(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"Buddy", false, ""},
		{"Zoë 🐶 Ümit", false, ""},
		{"שלום", false, ""},
		{"👨‍👩‍👧", false, ""}, // joiners between visible characters
		{"", false, ""},      // emptiness is the field's own rule
		{"\u200b", false, TextInvisible},
		{"\u200b\u200c\ufeff", false, TextInvisible},
		{"\u3164", false, TextInvisible},
		{"a\x00b", false, TextControl},
		{"\x1b[31mred", false, TextControl},
		{"a\x7fb", false, TextControl},
		{"a\u0085b", false, TextControl},
		{"tab\there", false, TextControl},
		{"line\nbreak", false, TextControl},
		{"a\u2028b", false, TextOneLine},
		{"evil\u202egnp.exe", false, TextBidi},
		{"a\u2066b\u2069", false, TextBidi},
		{"\xff\xfe", false, TextInvalidUTF8},
		{"line one\nline two\ttabbed\r\n", true, ""},
		{"\u200b", true, ""},
		{"a\x00b", true, TextControl},
		{"\x1b[2J", true, TextControl},
		{"x\u202ey", true, TextBidi},
	} {
		if got := TextProblem(tc.in, tc.multiline); got != tc.want {
			t.Errorf("TextProblem(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
}
