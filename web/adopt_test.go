package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/photo/phototest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// stranger is a browser with no account: a cookie jar, no redirects
// followed.
type stranger struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newStranger(t testing.TB, base string) *stranger {
	jar, _ := cookiejar.New(nil)
	return &stranger{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *stranger) do(method, path string, form url.Values) answer {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(b)}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func adoptSite(enabled bool) web.PublicSite {
	return web.PublicSite{Enabled: enabled, ShelterName: "Happy Paws", ShelterContact: "12 Harbour Road · open Tue–Sun"}
}

func TestPublicAdoption(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	live := web.NewBroker()
	st.OnEvent(live.Notify)
	d := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Live: live, Photos: st, Public: st, Inquiries: st, Site: adoptSite(true)})

	mk := func(name string, sp shelter.Species, age int, status shelter.Status) *shelter.Pet {
		f := shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age, Notes: ptr("SECRET-NOTE of " + name),
			Intake: shelter.IntakeFields{Microchip: ptr("SECRETCHIP" + strings.Repeat("1", len(name))), Location: ptr("SECRET-KENNEL")}}
		p, err := st.CreatePet(ctx, shelter.Origin{Namespace: "api", Actor: "ada@example.org"}, f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Write.Exec(`UPDATE pets SET status = ? WHERE id = ?`, status, p.ID); err != nil {
			t.Fatal(err)
		}
		st.Forget() // written around the store
		return p
	}
	rex := mk("Rex", shelter.SpeciesDog, 30, shelter.StatusAvailable)
	quiet := mk("Quiet", shelter.SpeciesDog, 30, shelter.StatusInQuarantine)
	ph, err := st.AddPhoto(ctx, shelter.Origin{Namespace: "api", Actor: "ada@example.org"}, rex.ID, newPhotoFrom(t, phototest.Quadrants(800, 600)))
	if err != nil {
		t.Fatal(err)
	}

	s := newStranger(t, d.URL)
	list := s.do("GET", "/adopt", nil)
	if list.Status != 200 || !strings.Contains(list.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("GET /adopt: %d CSP %q", list.Status, list.Header.Get("Content-Security-Policy"))
	}
	for _, want := range []string{">Rex<", "Happy Paws", "12 Harbour Road", `loading="lazy"`, `width="320" height="240"`, "/adopt/photos/" + ph.ID + "/thumb-"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("/adopt lacks %q", want)
		}
	}
	for _, not := range []string{"Quiet", "SECRET", "ada@example.org", "<script"} {
		if strings.Contains(list.Body, not) {
			t.Errorf("/adopt shows %q", not)
		}
	}
	for q, want := range map[string]bool{"species=dog": true, "species=cat": false, "age=adult": true, "age=young": false, "species=dog&age=senior": false} {
		if got := strings.Contains(s.do("GET", "/adopt?"+q, nil).Body, ">Rex<"); got != want {
			t.Errorf("/adopt?%s shows Rex: %v", q, got)
		}
	}
	if a := s.do("GET", "/adopt/"+quiet.ID, nil); a.Status != 404 || strings.Contains(a.Body, "Quiet") {
		t.Errorf("a pet in quarantine: %d", a.Status)
	}
	if a := s.do("GET", "/adopt/999", nil); a.Status != 404 {
		t.Errorf("unknown pet: %d", a.Status)
	}
	page := s.do("GET", "/adopt/"+rex.ID, nil)
	if page.Status != 200 || strings.Contains(page.Body, "SECRET") || !strings.Contains(page.Body, "I'd like to meet Rex") {
		i := strings.Index(page.Body, "meet-h")
		t.Fatalf("pet page: %d secret=%v %q", page.Status, strings.Contains(page.Body, "SECRET"), page.Body[max(i-20, 0):min(i+40, len(page.Body))])
	}
	// The photo of an available pet is public; another pet's is not.
	if a := s.do("GET", "/adopt/photos/"+ph.ID+"/thumb-"+ph.ThumbHash+".jpg", nil); a.Status != 200 || a.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("public photo: %d", a.Status)
	}
	m := csrfInput.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("the inquiry form has no CSRF field")
	}
	token := m[1]
	hostile := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	form := url.Values{"_csrf": {token}, "name": {"Ann Adopter"}, "email": {"ann@example.org"}, "phone": {"+44 20 7946 0000"}, "message": {hostile}}

	// Without the token (another site's form): refused.
	noToken := url.Values{"name": {"X"}, "email": {"x@example.org"}}
	if a := newStranger(t, d.URL).do("POST", "/adopt/"+rex.ID+"/inquiry", noToken); a.Status != 403 {
		t.Errorf("inquiry without CSRF: %d", a.Status)
	}
	// Invalid fields and an oversized message: the form again, 400.
	bad := url.Values{"_csrf": {token}, "name": {""}, "email": {"nope"}, "message": {strings.Repeat("é", 2001)}}
	if a := s.do("POST", "/adopt/"+rex.ID+"/inquiry", bad); a.Status != 400 || !strings.Contains(a.Body, `data-testid="inquiry-error-email"`) || !strings.Contains(a.Body, "at most 2000") {
		t.Errorf("bad inquiry: %d", a.Status)
	}
	// A filled honeypot: thanked, nothing filed.
	hp := url.Values{"_csrf": {token}, "name": {"Bot"}, "email": {"bot@example.org"}, "website": {"http://spam.example"}}
	if a := s.do("POST", "/adopt/"+rex.ID+"/inquiry", hp); a.Status != 303 {
		t.Errorf("honeypot: %d", a.Status)
	}
	a := s.do("POST", "/adopt/"+rex.ID+"/inquiry", form)
	if a.Status != 303 || a.Header.Get("Location") != "/adopt/"+rex.ID+"/thanks" {
		t.Fatalf("inquiry: %d %q", a.Status, a.Header.Get("Location"))
	}
	if a := s.do("GET", a.Header.Get("Location"), nil); a.Status != 200 || !strings.Contains(a.Body, `data-testid="adopt-thanks"`) || strings.Contains(a.Body, "ann@") {
		t.Errorf("thanks: %d", a.Status)
	}
	ins, err := st.FindInquiries(ctx, shelter.InquiryFilter{})
	if err != nil || len(ins) != 1 || ins[0].Message != hostile {
		t.Fatalf("inquiries %+v %v", ins, err)
	}
	// The per-address limit: four more pass, the sixth is refused with 429.
	for i := 0; i < shelter.InquiriesPerAddress-1; i++ {
		if a := s.do("POST", "/adopt/"+rex.ID+"/inquiry", form); a.Status != 303 {
			t.Fatalf("inquiry %d: %d", i+2, a.Status)
		}
	}
	if a := s.do("POST", "/adopt/"+rex.ID+"/inquiry", form); a.Status != 429 || !strings.Contains(a.Body, "Too many inquiries") {
		t.Fatalf("over the limit: %d", a.Status)
	}

	// Staff: the count in the navigation, the list with the text as text.
	staff := d.do(t, "GET", "/inquiries", nil, "")
	if staff.Status != 200 || !strings.Contains(staff.Body, `data-testid="nav-inquiry-count">5<`) ||
		!strings.Contains(staff.Body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") || strings.Contains(staff.Body, hostile) {
		t.Fatalf("inquiries page: %d", staff.Status)
	}
	if today := d.do(t, "GET", "/", nil, ""); !strings.Contains(today.Body, `data-testid="section-inquiries"`) || !strings.Contains(today.Body, ">Ann Adopter<") {
		t.Error("the Today page lacks the inquiries")
	}
	if p := d.do(t, "GET", "/pets/"+rex.ID, nil, ""); !strings.Contains(p.Body, `data-testid="pet-inquiries"`) {
		t.Error("the pet page lacks its inquiries")
	}
	// Start adoption: the pet is pending with Ann as the applicant.
	if a := d.do(t, "POST", "/inquiries/"+ins[0].ID+"/adopt", url.Values{"from": {"pet"}}, ""); a.Status != 303 || a.Header.Get("Location") != "/pets/"+rex.ID {
		t.Fatalf("start adoption: %d %s", a.Status, a.Body)
	}
	got, _ := st.FindPetByID(ctx, rex.ID)
	if got.Status != shelter.StatusPending || got.Adopter == nil || got.Adopter.Name != "Ann Adopter" {
		t.Fatalf("after start adoption: %s %+v", got.Status, got.Adopter)
	}
	// The public page now says Rex is no longer available (404), the photo
	// is gone from it, and the list is empty.
	if a := s.do("GET", "/adopt/"+rex.ID, nil); a.Status != 404 || !strings.Contains(a.Body, "Rex is no longer available") {
		t.Errorf("adopted pet's page: %d", a.Status)
	}
	if a := s.do("GET", "/adopt/photos/"+ph.ID+"/thumb-"+ph.ThumbHash+".jpg", nil); a.Status != 404 {
		t.Errorf("photo of a pending pet: %d", a.Status)
	}
	if a := s.do("GET", "/adopt", nil); !strings.Contains(a.Body, `data-testid="adopt-empty"`) {
		t.Error("the list still shows Rex")
	}
	// Decline another with a reason.
	if a := d.do(t, "POST", "/inquiries/"+ins[0].ID+"/decline", url.Values{"reason": {"x"}}, ""); a.Status != 409 {
		t.Errorf("decline a closed inquiry: %d", a.Status)
	}
}

func TestPublicAdoptionOff(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	d := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Photos: st, Public: st, Inquiries: st, Site: adoptSite(false)})
	s := newStranger(t, d.URL)
	for _, path := range []string{"/adopt", "/adopt/1", "/adopt/1/thanks", "/adopt/photos/1/thumb-" + strings.Repeat("a", 64) + ".jpg"} {
		if a := s.do("GET", path, nil); a.Status != 404 {
			t.Errorf("GET %s with PUBLIC_ADOPTION=false: %d", path, a.Status)
		}
	}
}

func TestInquiryAPI(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	a := serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Photos: st, Public: st, Inquiries: st, Site: adoptSite(true)})
	p := a.Create(t, "api", "Nala", shelter.SpeciesCat, 20)
	if _, err := st.DB().Write.Exec(`UPDATE pets SET status = 'available' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	st.Forget() // written around the store
	in, err := st.CreateInquiry(ctx, p.ID, shelter.InquiryFields{Name: "Ann", Email: "ann@example.org", Message: "Hi"}, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	// A second inquiry, about another pet: the list pages back, newest first.
	p2 := a.Create(t, "api", "Milo", shelter.SpeciesDog, 12)
	if _, err := st.DB().Write.Exec(`UPDATE pets SET status = 'available' WHERE id = ?`, p2.ID); err != nil {
		t.Fatal(err)
	}
	st.Forget()
	in2, err := st.CreateInquiry(ctx, p2.ID, shelter.InquiryFields{Name: "Bo", Email: "bo@example.org"}, "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	var page []shelter.Inquiry
	r := a.Do(t, "GET", "/api/inquiries?limit=1", nil)
	r.JSON(t, &page)
	if len(page) != 1 || page[0].ID != in2.ID || r.Header.Get("Link") != `</api/inquiries?before=`+in2.ID+`&limit=1>; rel="next"` {
		t.Fatalf("first page %+v, Link %q", page, r.Header.Get("Link"))
	}
	a.Do(t, "GET", "/api/inquiries?limit=1&before="+in2.ID, nil).JSON(t, &page)
	if len(page) != 1 || page[0].ID != in.ID {
		t.Fatalf("second page %+v", page)
	}
	var list []shelter.Inquiry
	a.Do(t, "GET", "/api/inquiries?state=open&petId="+p.ID, nil).JSON(t, &list)
	if len(list) != 1 || list[0].Email != "ann@example.org" || list[0].PetName != "Nala" {
		t.Fatalf("list %+v", list)
	}
	for _, tt := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/inquiries?state=maybe", "", 400},
		{"GET", "/api/inquiries?status=closed", "", 400}, // a typo for state: not ignored
		{"GET", "/api/inquiries?petId=abc", "", 400},
		{"POST", "/api/inquiries/" + in.ID + "/close", `{"reason":"no\u0000"}`, 400},
		{"POST", "/api/inquiries/" + in.ID + "/close", `{}`, 400},
		{"POST", "/api/inquiries/" + in.ID + "/close", `{"reason":"","x":1}`, 400},
		{"POST", "/api/inquiries/999/close", `{"reason":"gone"}`, 404},
		{"POST", "/api/inquiries/" + in.ID + "/close", `{"reason":"Placed elsewhere"}`, 200},
		{"POST", "/api/inquiries/" + in.ID + "/close", `{"reason":"again"}`, 409},
		{"GET", "/api/inquiries?state=closed", "", 200},
	} {
		var body any
		if tt.body != "" {
			body = tt.body
		}
		if r := a.Do(t, tt.method, tt.path, body); r.Status != tt.want {
			t.Errorf("%s %s %s: %d %s, want %d", tt.method, tt.path, tt.body, r.Status, r.Body, tt.want)
		}
	}
	var evs []shelter.Event
	for _, e := range a.Events(t, "api", p.ID) {
		if strings.Contains(e.Type, "inquiry") {
			evs = append(evs, e)
		}
	}
	if len(evs) != 2 || evs[0].Type != "public.inquiry.received" || evs[0].Actor != "adopter" || evs[1].Type != "api.inquiry.closed" || evs[1].Actor != testTokenName {
		t.Fatalf("inquiry events %+v", evs)
	}
}
