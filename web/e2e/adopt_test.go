package e2e

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/petstore/petstore/internal/photo/phototest"
)

// writePhoto writes a JPEG made in the test and returns its path.
func writePhoto(t *testing.T, name string, w, h int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, phototest.JPEG(phototest.Quadrants(w, h)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadPhoto adds a photo to a pet through the API.
func (s *session) uploadPhoto(id string, data []byte) {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "pet.jpg")
	s.must(err)
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", s.app.URL+"/api/pets/"+id+"/photos", &buf)
	s.must(err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := s.app.Client().Do(req)
	s.must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("upload: %d", resp.StatusCode)
	}
}

// makeAvailable takes a new pet through quarantine to available.
func (s *session) makeAvailable(id string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var p apiPet
		s.api("GET", "/api/pets/"+id, nil, &p)
		if p.Status == "in_quarantine" {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("pet %s still %s", id, p.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var p apiPet
	s.api("PUT", "/api/pets/"+id, map[string]any{"status": "healthy"}, nil)
	s.api("GET", "/api/pets/"+id, nil, &p)
	if p.Status != "available" {
		s.t.Fatalf("pet %s is %s, want available", id, p.Status)
	}
}

func TestPhotoUploadShowsOnBoard(t *testing.T) {
	s := start(t)
	id := s.createPet("Biscuit", "dog", 14)
	s.open("/pets/" + id)
	s.must(expect.Locator(s.id("no-photos")).ToBeVisible())
	// The camera input: a phone offers its camera for it.
	s.must(expect.Locator(s.id("photo-file")).ToHaveAttribute("capture", "environment"))
	s.must(s.id("photo-file").SetInputFiles(writePhoto(t, "biscuit.jpg", 1600, 1200)))
	s.must(s.id("photo-submit").Click())
	s.must(expect.Locator(s.id("photo-thumb")).ToBeVisible())
	s.must(expect.Locator(s.id("photo-primary")).ToBeVisible())
	s.must(expect.Locator(s.id("timeline")).ToContainText("Photo added"))
	s.shot("gallery")

	s.open("/pets")
	thumb := s.page.Locator(`[data-pet-id="` + id + `"]`).GetByTestId("board-thumb")
	s.must(expect.Locator(thumb).ToBeVisible())
	loaded, err := thumb.Evaluate(`img => img.complete && img.naturalWidth`, nil)
	s.must(err)
	if n, ok := loaded.(int); !ok || n != 320 {
		t.Errorf("board thumbnail naturalWidth %v, want 320", loaded)
	}
	s.shot("board")
}

// An anonymous adopter on a phone browses /adopt and asks to meet a pet;
// the staff's Inquiries page shows it arrive without a reload, with the
// hostile message as text, and staff start the adoption from it.
func TestPublicInquiryReachesStaffLive(t *testing.T) {
	s := start(t)
	luna := s.createPet("Luna", "cat", 30)
	s.uploadPhoto(luna, phototest.JPEG(phototest.Quadrants(1600, 1200)))
	s.makeAvailable(luna)
	other := s.createPet("Pepper", "dog", 110)
	s.makeAvailable(other)
	hidden := s.createPet("Hidden", "dog", 5) // never available

	s.open("/")
	s.must(expect.Locator(s.id("empty-inquiries")).ToBeVisible())
	s.markPage()

	// The adopter: no account, a phone.
	actx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		Viewport: &playwright.Size{Width: phoneWidth, Height: phoneHeight}, Locale: playwright.String("en-GB"),
		IsMobile: playwright.Bool(true), HasTouch: playwright.Bool(true),
	})
	s.must(err)
	defer actx.Close()
	ap, err := actx.NewPage()
	s.must(err)
	ap.SetDefaultTimeout(5000)
	var dialogs []string
	ap.OnDialog(func(d playwright.Dialog) { dialogs = append(dialogs, d.Message()); d.Dismiss() })
	var cspViolations []string
	ap.OnConsole(func(m playwright.ConsoleMessage) {
		if strings.Contains(m.Text(), "Content Security Policy") {
			cspViolations = append(cspViolations, m.Text())
		}
	})
	byID := func(id string) playwright.Locator { return ap.GetByTestId(id) }

	resp, err := ap.Goto(s.app.URL + "/adopt")
	s.must(err)
	if resp.Status() != 200 {
		t.Fatalf("/adopt: %d", resp.Status())
	}
	s.must(expect.Locator(byID("adopt-card")).ToHaveCount(2))
	s.must(expect.Locator(ap.GetByText("Hidden")).ToHaveCount(0))
	// No layout shift as the images arrive: width and height are set.
	cls, err := ap.Evaluate(`() => new Promise(done => {
		let cls = 0;
		new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) cls += e.value; })
			.observe({type: 'layout-shift', buffered: true});
		setTimeout(() => done(cls), 500);
	})`)
	s.must(err)
	if f, ok := cls.(float64); ok && f > 0.01 {
		t.Errorf("cumulative layout shift %.3f on /adopt", f)
	}
	lazy, err := byID("adopt-photo").First().GetAttribute("loading")
	s.must(err)
	if lazy != "lazy" {
		t.Errorf("card photo loading=%q", lazy)
	}
	shotPage(t, ap, "adopt-list")

	// Filters work without JavaScript: a plain GET form.
	_, err = byID("adopt-species").SelectOption(playwright.SelectOptionValues{Values: &[]string{"cat"}})
	s.must(err)
	s.must(byID("adopt-filter-submit").Click())
	s.must(expect.Locator(byID("adopt-card")).ToHaveCount(1))
	s.must(expect.Page(ap).ToHaveURL(regexp.MustCompile(`species=cat`)))

	s.must(byID("adopt-link").Click())
	s.must(expect.Locator(byID("adopt-name")).ToHaveText("Luna"))
	s.must(expect.Locator(byID("adopt-hero")).ToBeVisible())
	shotPage(t, ap, "adopt-pet")
	const hostile = `<img src=x onerror=alert(1)><script>alert(2)</script> Hi!`
	s.must(byID("inquiry-name").Fill("Ann Adopter"))
	s.must(byID("inquiry-email").Fill("ann@example.org"))
	s.must(byID("inquiry-phone").Fill("+44 20 7946 0000"))
	s.must(byID("inquiry-message").Fill(hostile))
	s.must(byID("inquiry-submit").Click())
	s.must(expect.Locator(byID("adopt-thanks")).ToBeVisible())
	shotPage(t, ap, "adopt-thanks")

	// Staff: it arrives live on the Today page, as text.
	s.must(expect.Locator(s.id("inquiry-name")).ToHaveText("Ann Adopter", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(10000)}))
	s.stillSamePage()
	s.must(expect.Locator(s.id("inquiry-message")).ToHaveText(hostile))
	s.must(expect.Locator(s.id("inquiry-pet")).ToHaveText("Luna"))
	s.must(expect.Locator(s.id("nav-inquiry-count")).ToHaveText("1")) // updated with the live list
	s.shot("today")
	s.must(s.id("inquiry-adopt").Click())
	s.must(expect.Locator(s.id("empty-inquiries")).ToBeVisible())
	s.open("/inquiries")
	s.must(expect.Locator(s.id("inquiry-outcome")).ToContainText("Adoption started"))
	s.shot("inquiries")
	var p struct {
		Status  string `json:"status"`
		Adopter struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"adopter"`
	}
	s.api("GET", "/api/pets/"+luna, nil, &p)
	if p.Status != "pending" || p.Adopter.Name != "Ann Adopter" || p.Adopter.Email != "ann@example.org" {
		t.Fatalf("after Start adoption: %+v", p)
	}

	// Luna's public page now says she is no longer available.
	resp, err = ap.Goto(s.app.URL + "/adopt/" + luna)
	s.must(err)
	if resp.Status() != 404 {
		t.Errorf("Luna's page after the adoption started: %d", resp.Status())
	}
	s.must(expect.Locator(byID("adopt-gone")).ToContainText("Luna is no longer available"))
	resp, err = ap.Goto(s.app.URL + "/adopt/" + hidden)
	s.must(err)
	if resp.Status() != 404 {
		t.Errorf("a pet never available: %d", resp.Status())
	}
	if len(dialogs) > 0 || len(cspViolations) > 0 {
		t.Errorf("dialogs %q, CSP violations %q", dialogs, cspViolations)
	}
}

// shotPage saves full-page screenshots of p at desktop and phone widths,
// checking it does not scroll sideways on the phone.
func shotPage(t *testing.T, p playwright.Page, name string) {
	t.Helper()
	base := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name()+"-"+name, "-")
	for _, v := range []struct {
		suffix string
		w, h   int
	}{{"desktop", desktopWidth, desktopHeight}, {"phone", phoneWidth, phoneHeight}} {
		if err := p.SetViewportSize(v.w, v.h); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(screenshotDir, base+"-"+v.suffix+".png")), FullPage: playwright.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if v.suffix == "phone" {
			w, err := p.Evaluate(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			if err != nil {
				t.Fatal(err)
			}
			if n, ok := w.(int); !ok || n > 0 {
				t.Errorf("%s scrolls sideways at %d px: %v px too wide", p.URL(), phoneWidth, w)
			}
		}
	}
	if err := p.SetViewportSize(phoneWidth, phoneHeight); err != nil {
		t.Fatal(err)
	}
}
