package loadtest

import (
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", []time.Duration{7}, 99, 7},
		{"median of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the min", hundred, 0.001, 1 * time.Millisecond},
		{"median of four is the second", []time.Duration{1, 2, 3, 4}, 50, 2},
		{"p99 of four is the max", []time.Duration{1, 2, 3, 4}, 99, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeDoesNotSortItsInput(t *testing.T) {
	in := []time.Duration{5, 1, 4, 2, 3}
	s := Summarize(in)
	if s.N != 5 || s.P50 != 3 || s.P99 != 5 || s.Max != 5 {
		t.Errorf("Summarize = %+v", s)
	}
	if in[0] != 5 {
		t.Errorf("input was reordered: %v", in)
	}
	var l Latencies
	l.AddAll(in)
	l.Add(6)
	if got := l.Summary(); got.N != 6 || got.Max != 6 {
		t.Errorf("Latencies.Summary = %+v", got)
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(1234567), "1,234,567"},
		{thousands(-12345), "-12,345"},
		{perSec(2499.6), "2,500/s"},
		{ms(380 * time.Microsecond), "0.38 ms"},
		{ms(12340 * time.Microsecond), "12.3 ms"},
		{ms(1500 * time.Millisecond), "1500 ms"},
		{ratio(3000, 6000), "0.50×"},
		{ratio(240, 6000), "0.040×"},
		{ratio(1, 0), "—"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestTableAlignsColumns(t *testing.T) {
	out := Table([]Row{
		{"creates/s, 8 clients", "3,100/s", "≥ 0.5× FULL", "0.52×"},
		{"RSS peak", "41 MB", "< 60 MB", ""},
	})
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, separator and 2 rows, got:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "| figure") || !strings.HasPrefix(lines[1], "| ---") {
		t.Errorf("header:\n%s", out)
	}
	width := len([]rune(lines[0]))
	for _, l := range lines {
		if len([]rune(l)) != width {
			t.Errorf("ragged line %q (want width %d):\n%s", l, width, out)
		}
		if strings.Count(l, "|") != 5 {
			t.Errorf("want 4 cells in %q", l)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	// utime 250 and stime 50 ticks; the name holds a space and a ')'.
	stat := "4242 (pet store)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 1000000 500 18446744073709551615"
	got, err := parseStatCPU(stat)
	if err != nil || got != 3*time.Second {
		t.Errorf("parseStatCPU = %v, %v; want 3s", got, err)
	}
	if _, err := parseStatCPU("garbage"); err == nil {
		t.Error("garbage parsed")
	}
}
