package web

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// MaxQueryLen is the longest search text (q) the API and the dashboard
// accept, in characters.
const MaxQueryLen = 100

// Problems with query parameters.
const (
	msgBadEscape    = "is not correctly percent-encoded"
	msgUnknownParam = "unknown parameter"
	msgRepeated     = "is given more than once"
)

// apiQuery reads the request's query string strictly, for the JSON API:
// every parameter must be one of known, given once, correctly
// percent-encoded, valid UTF-8 without control characters. Any problem is
// an EINVALID naming the parameter (InvalidQueryMessage), so that a typo or
// a mangled value is never silently dropped.
func apiQuery(c echo.Context, known ...string) (url.Values, error) {
	out := url.Values{}
	var fe []shelter.FieldError
	bad := map[string]bool{}
	add := func(field, msg string) {
		if !bad[field] {
			bad[field] = true
			fe = append(fe, shelter.FieldError{Field: field, Message: msg})
		}
	}
	for _, pair := range strings.Split(c.Request().URL.RawQuery, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(rawKey)
		if kerr != nil || !utf8.ValidString(key) {
			add(printable(rawKey), msgBadEscape)
			continue
		}
		if !contains(known, key) {
			add(printable(key), msgUnknownParam)
			continue
		}
		val, verr := url.QueryUnescape(rawVal)
		switch {
		case verr != nil:
			add(key, msgBadEscape)
		case out.Has(key):
			add(key, msgRepeated)
		default:
			if msg := shelter.TextProblem(val, false); msg != "" && msg != shelter.TextInvisible {
				add(key, msg)
				continue
			}
			out.Set(key, val)
		}
	}
	if len(fe) > 0 {
		sort.SliceStable(fe, func(i, j int) bool { return fe[i].Field < fe[j].Field })
		return nil, &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}
	return out, nil
}

// searchProblem checks the search text q: at most MaxQueryLen characters.
func searchProblem(q string) *shelter.FieldError {
	if utf8.RuneCountInString(q) > MaxQueryLen {
		return &shelter.FieldError{Field: "q", Message: "must be at most " + strconv.Itoa(MaxQueryLen) + " characters"}
	}
	return nil
}

// queryUint parses a query value that must be a whole number written in
// ASCII digits only: no sign, no spaces, no leading "+" (strconv would
// take "+5").
func queryUint(v string) (int64, bool) {
	if v == "" || len(v) > 18 {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// printable shortens a parameter name for an error message and keeps it
// valid UTF-8.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// queryBefore reads the keyset parameter "before" (an id, newest-first
// lists): 0 when absent, a field error naming what it must be.
func queryBefore(q url.Values, what string) (int64, []shelter.FieldError) {
	v := q.Get("before")
	if v == "" {
		return 0, nil
	}
	n, ok := queryUint(v)
	if !ok || n < 1 {
		return 0, []shelter.FieldError{{Field: "before", Message: "must be " + what}}
	}
	return n, nil
}

// linkBefore sets the Link header to the next page of a newest-first list:
// the same parameters (keep), before the last id shown.
func linkBefore(c echo.Context, q url.Values, keep []string, last int64) {
	next := url.Values{}
	for _, k := range keep {
		if v := q.Get(k); v != "" {
			next.Set(k, v)
		}
	}
	next.Set("before", strconv.FormatInt(last, 10))
	c.Response().Header().Set("Link", linkNext(c.Request().URL.Path, next))
}
