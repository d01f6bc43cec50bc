package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/petstore/petstore/internal/testapp"
)

// One browser for the whole package: starting one costs seconds.
var (
	pw      *playwright.Playwright
	browser playwright.Browser
	expect  = playwright.NewPlaywrightAssertions(5000)
)

const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 375, 812
	screenshotDir               = "screenshots"
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	home, _ := os.UserHomeDir()
	driver := envOr("PLAYWRIGHT_DRIVER_PATH", filepath.Join(home, ".cache", "petstore", "playwright-1.64.1"))
	chromium := envOr("CHROMIUM", "/usr/bin/chromium")
	if _, err := os.Stat(filepath.Join(driver, "package", "cli.js")); err != nil {
		return 0, fmt.Errorf("no Playwright driver in %s (run `make e2e-deps`): %w", driver, err)
	}
	if _, err := os.Stat(chromium); err != nil {
		return 0, fmt.Errorf("no chromium at %s (run `make e2e-deps`): %w", chromium, err)
	}
	var err error
	pw, err = playwright.Run(&playwright.RunOptions{DriverDirectory: driver, SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		return 0, fmt.Errorf("start playwright: %w", err)
	}
	defer pw.Stop()
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromium),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run"},
	})
	if err != nil {
		return 0, fmt.Errorf("launch chromium: %w", err)
	}
	defer browser.Close()
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// session is one test's app and browser page.
type session struct {
	t    *testing.T
	app  *testapp.App
	ctx  playwright.BrowserContext
	page playwright.Page

	mu      sync.Mutex
	dialogs []string
}

type sessionOptions struct {
	noJS bool
	env  []string
	// noSignIn leaves the browser signed out (and, with noAdmin, the
	// app without accounts: it prints the setup link).
	noSignIn, noAdmin bool
}

// start runs a fresh app and opens a page on it at desktop width. Any
// JavaScript dialog (alert, confirm) fails the test.
func start(t *testing.T, opts ...sessionOptions) *session {
	t.Helper()
	var o sessionOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	s := &session{t: t, app: testapp.Start(t, testapp.Options{Env: o.env, NoAdmin: o.noAdmin})}
	var err error
	s.ctx, err = browser.NewContext(playwright.BrowserNewContextOptions{
		Viewport:          &playwright.Size{Width: desktopWidth, Height: desktopHeight},
		JavaScriptEnabled: playwright.Bool(!o.noJS),
		Locale:            playwright.String("en-GB"),
	})
	s.must(err)
	t.Cleanup(func() { s.ctx.Close() })
	s.page, err = s.ctx.NewPage()
	s.must(err)
	s.page.SetDefaultTimeout(5000)
	s.page.OnDialog(func(d playwright.Dialog) {
		s.mu.Lock()
		s.dialogs = append(s.dialogs, d.Type()+": "+d.Message())
		s.mu.Unlock()
		d.Dismiss()
	})
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.dialogs) > 0 {
			t.Errorf("JavaScript dialogs opened: %q", s.dialogs)
		}
	})
	if !o.noSignIn && !o.noAdmin {
		s.signIn(s.app.AdminEmail, s.app.AdminPassword)
	}
	return s
}

// signIn signs in on the sign-in page and waits for the board.
func (s *session) signIn(email, password string) {
	s.t.Helper()
	s.open("/login")
	s.must(s.id("login-email").Fill(email))
	s.must(s.id("login-password").Fill(password))
	s.must(s.id("login-submit").Click())
	s.must(expect.Page(s.page).ToHaveURL(regexp.MustCompile(`^[^?]*/(\?.*)?$`)))
	s.must(expect.Locator(s.id("signed-in-as")).ToBeVisible())
}

// must fails the test at the caller's line when err is not nil.
func (s *session) must(err error) {
	s.t.Helper()
	if err != nil {
		_, file, line, _ := runtime.Caller(1)
		s.t.Fatalf("%s:%d: %v", filepath.Base(file), line, err)
	}
}

func (s *session) open(path string) {
	s.t.Helper()
	resp, err := s.page.Goto(s.app.URL + path)
	s.must(err)
	if resp.Status() != http.StatusOK {
		s.t.Fatalf("GET %s: status %d", path, resp.Status())
	}
}

func (s *session) id(testID string) playwright.Locator { return s.page.GetByTestId(testID) }

// markPage leaves a mark in the page's window; stillSamePage checks it is
// there, proving the page was not reloaded in between.
func (s *session) markPage() {
	s.t.Helper()
	_, err := s.page.Evaluate(`() => { window.__e2eMark = 42 }`)
	s.must(err)
}

func (s *session) stillSamePage() {
	s.t.Helper()
	v, err := s.page.Evaluate(`() => window.__e2eMark`)
	s.must(err)
	if n, ok := v.(int); !ok || n != 42 {
		s.t.Fatalf("the page was reloaded (mark = %v)", v)
	}
}

// shot saves full-page screenshots at desktop and phone widths:
// screenshots/<test>-<name>-desktop.png and -phone.png.
func (s *session) shot(name string) {
	s.t.Helper()
	base := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(s.t.Name()+"-"+name, "-")
	for _, v := range []struct {
		suffix string
		w, h   int
	}{{"desktop", desktopWidth, desktopHeight}, {"phone", phoneWidth, phoneHeight}} {
		s.must(s.page.SetViewportSize(v.w, v.h))
		_, err := s.page.Screenshot(playwright.PageScreenshotOptions{
			Path: playwright.String(filepath.Join(screenshotDir, base+"-"+v.suffix+".png")), FullPage: playwright.Bool(true),
		})
		s.must(err)
		if v.suffix == "phone" {
			s.noHorizontalScroll()
		}
	}
	s.must(s.page.SetViewportSize(desktopWidth, desktopHeight))
}

// noHorizontalScroll fails when the page is wider than the phone screen.
func (s *session) noHorizontalScroll() {
	s.t.Helper()
	v, err := s.page.Evaluate(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	s.must(err)
	if n, ok := v.(int); !ok || n > 0 {
		s.t.Errorf("page %s scrolls sideways at %d px: %v px too wide", s.page.URL(), phoneWidth, v)
	}
}

// api calls the JSON API of the app and decodes the answer into out.
func (s *session) api(method, path string, body any, out any) int {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		s.must(err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.app.URL+path, r)
	s.must(err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.app.Client().Do(req)
	s.must(err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	s.must(err)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

type apiPet struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// createPet adds a pet through the API and returns its id.
func (s *session) createPet(name, species string, age int) string {
	s.t.Helper()
	var p apiPet
	if st := s.api("POST", "/api/pets", map[string]any{"name": name, "species": species, "ageMonths": age}, &p); st != http.StatusCreated {
		s.t.Fatalf("create %s: status %d", name, st)
	}
	return p.ID
}

// badge is the status badge in a pet page's heading.
func (s *session) badge() playwright.Locator {
	return s.id("pet-live").Locator(".head").GetByTestId("status-badge")
}

// waitStatus waits until the pet page shows status st, without reloading.
func (s *session) waitStatus(st string) {
	s.t.Helper()
	s.must(expect.Locator(s.badge()).ToHaveAttribute("data-status", st))
}

// transitionButtons returns the statuses the page offers buttons for.
func (s *session) transitionButtons() []string {
	s.t.Helper()
	ids, err := s.page.Locator(`[data-testid^="transition-"]`).EvaluateAll(`els => els.map(e => e.dataset.testid)`)
	s.must(err)
	var out []string
	for _, v := range ids.([]any) {
		out = append(out, strings.TrimPrefix(v.(string), "transition-"))
	}
	return out
}
