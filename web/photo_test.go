package web_test

import (
	"bytes"
	"context"
	"image"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/photo"
	"github.com/petstore/petstore/internal/photo/phototest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

type photoBody struct {
	ID, PetID, Format, ThumbURL, LargeURL, Actor string
	Primary                                      bool
	Width, Height, ThumbWidth, ThumbHeight       int
}

// multipartBody wraps data as the multipart field field named filename.
func multipartBody(t testing.TB, field, filename string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func (a *api) upload(t testing.TB, path, filename string, data []byte) *resp {
	t.Helper()
	ct, body := multipartBody(t, "file", filename, data)
	return a.DoRaw(t, "POST", path, ct, body, nil)
}

func TestPhotoRoutes(t *testing.T) {
	a := newAPI(t, store.Options{})
	pet := a.Create(t, "api", "Biscuit", shelter.SpeciesDog, 14)
	other := a.Create(t, "js", "Other", shelter.SpeciesCat, 3)
	base := "/api/pets/" + pet.ID + "/photos"

	r := a.upload(t, base, "dog.jpg", phototest.JPEG(phototest.Quadrants(2400, 1800)))
	if r.Status != 201 {
		t.Fatalf("upload jpeg: %d %s", r.Status, r.Body)
	}
	var first photoBody
	r.JSON(t, &first)
	if !first.Primary || first.Width != 1600 || first.Height != 1200 || first.ThumbWidth != 320 || first.Actor != testTokenName ||
		!strings.HasPrefix(first.ThumbURL, "/photos/"+first.ID+"/thumb-") {
		t.Fatalf("first photo %+v", first)
	}
	r = a.upload(t, "/js/pets/"+pet.ID+"/photos", "dog.png", phototest.PNG(phototest.Quadrants(300, 200)))
	if r.Status != 201 {
		t.Fatalf("upload png: %d %s", r.Status, r.Body)
	}
	var second photoBody
	r.JSON(t, &second)
	if second.Primary || second.Format != "png" || second.Width != 300 {
		t.Fatalf("second photo %+v", second)
	}

	// The stored copies: immutable, content-hashed, JPEG.
	res, err := a.srv.Client().Do(bearerReq(mustReq(t, "GET", a.URL+first.ThumbURL), a.Token))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("thumb: %d %v", res.StatusCode, res.Header)
	}
	req := bearerReq(mustReq(t, "GET", a.URL+first.ThumbURL), a.Token)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, err := a.srv.Client().Do(req); err != nil || res.StatusCode != 304 {
		t.Fatalf("revalidation: %v %v", res, err)
	}
	wrongHash := strings.Replace(first.LargeURL, "/large-", "/large-0", 1)[:len(first.LargeURL)]
	for _, u := range []string{wrongHash, "/photos/" + first.ID + "/large-x.jpg", "/photos/999/" + strings.Split(first.LargeURL, "/")[3], "/photos/" + first.ID + "/" + strings.Split(second.LargeURL, "/")[3]} {
		if res, _ := a.srv.Client().Do(bearerReq(mustReq(t, "GET", a.URL+u), a.Token)); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", u, res.StatusCode)
		}
	}
	// Opened as a page, a photo sends to the sign-in page; asked for by
	// an <img> or a script, it is 401.
	page := mustReq(t, "GET", a.URL+first.ThumbURL)
	page.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	if res, _ := noRedirects.Do(page); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("photo opened as a page without credentials: %d, want the sign-in page", res.StatusCode)
	}
	img := mustReq(t, "GET", a.URL+first.ThumbURL)
	img.Header.Set("Accept", "image/avif,image/webp,*/*")
	if res, _ := noRedirects.Do(img); res.StatusCode != 401 {
		t.Errorf("photo for an <img> without credentials: %d, want 401", res.StatusCode)
	}

	jpg := phototest.JPEG(phototest.Quadrants(64, 64))
	refused := []struct {
		name     string
		path     string
		filename string
		data     []byte
		want     int
	}{
		{"bomb", base, "bomb.png", phototest.HugePNG(100_000, 100_000), 413},
		{"over 10 MB", base, "big.jpg", append(jpg, make([]byte, photo.MaxBytes)...), 413},
		{"damaged", base, "half.jpg", jpg[:len(jpg)/3], 400},
		{"empty", base, "empty.jpg", nil, 400},
		{"unknown pet", "/api/pets/999/photos", "a.jpg", jpg, 404},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if r := a.upload(t, tt.path, tt.filename, tt.data); r.Status != tt.want {
				t.Fatalf("%d %s, want %d", r.Status, r.Body, tt.want)
			}
		})
	}
	// Two photos in one request: refused, not the second dropped.
	var two bytes.Buffer
	mw := multipart.NewWriter(&two)
	for _, n := range []string{"a.jpg", "b.jpg"} {
		w, err := mw.CreateFormFile("file", n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(jpg)
	}
	mw.Close()
	if r := a.DoRaw(t, "POST", base, mw.FormDataContentType(), two.Bytes(), nil); r.Status != 400 || !strings.Contains(string(r.Body), "One photo per request") {
		t.Fatalf("two files: %d %s", r.Status, r.Body)
	}
	// A file that is no image, whatever its name: 415. (Sent past the
	// harness: the document cannot tell a photo from text by its bytes.)
	for name, data := range map[string][]byte{
		"cat.jpg": []byte("this is not a photo, only text\n"),
		"x.svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
	} {
		ct, body := multipartBody(t, "file", name, data)
		req, _ := http.NewRequest("POST", a.URL+base, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		res, err := a.srv.Client().Do(bearerReq(req, a.Token))
		if err != nil || res.StatusCode != 415 {
			t.Errorf("%s: %v %v, want 415", name, res, err)
		}
	}
	if r := a.DoRaw(t, "POST", base, "application/json", []byte(`{}`), nil); r.Status != 415 {
		t.Errorf("json upload: %d", r.Status)
	}
	ct, body := multipartBody(t, "photo", "a.jpg", jpg)
	if r := a.DoRaw(t, "POST", base, ct, body, nil); r.Status != 400 || r.Err(t).fields()[0] != "file" {
		t.Errorf("wrong field: %d %s", r.Status, r.Body)
	}

	// Primary: PUT, refused bodies, another pet's photo.
	for body, want := range map[string]int{`{"primary":false}`: 400, `{"primary":true,"x":1}`: 400, `{}`: 400} {
		if r := a.Do(t, "PUT", base+"/"+second.ID, body); r.Status != want {
			t.Errorf("PUT %s: %d", body, r.Status)
		}
	}
	if r := a.Do(t, "PUT", "/api/pets/"+other.ID+"/photos/"+second.ID, `{"primary":true}`); r.Status != 404 {
		t.Errorf("another pet's photo: %d", r.Status)
	}
	if r := a.Do(t, "PUT", base+"/"+second.ID, `{"primary":true}`); r.Status != 200 {
		t.Fatalf("primary: %d %s", r.Status, r.Body)
	}
	var list []photoBody
	a.Do(t, "GET", base, nil).JSON(t, &list)
	if len(list) != 2 || list[0].ID != second.ID || !list[0].Primary || list[1].Primary {
		t.Fatalf("list after primary: %+v", list)
	}

	// Delete the primary: the other becomes primary.
	if r := a.Do(t, "DELETE", base+"/"+second.ID, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := a.Do(t, "DELETE", base+"/"+second.ID, nil); r.Status != 404 {
		t.Fatalf("delete again: %d", r.Status)
	}
	list = nil
	a.Do(t, "GET", base, nil).JSON(t, &list)
	if len(list) != 1 || list[0].ID != first.ID || !list[0].Primary {
		t.Fatalf("list after delete: %+v", list)
	}

	// Every change is an event with the actor.
	var types []string
	for _, e := range a.Events(t, "api", pet.ID) {
		if strings.Contains(e.Type, ".photo.") {
			types = append(types, e.Type+" by "+e.Actor)
		}
	}
	want := []string{"api.photo.added by " + testTokenName, "js.photo.added by " + testTokenName,
		"api.photo.primary.changed by " + testTokenName, "api.photo.deleted by " + testTokenName}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		t.Fatalf("photo events %v, want %v", types, want)
	}
}

func mustReq(t testing.TB, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestPhotoDashboard(t *testing.T) {
	d := newDash(t)
	p, err := d.Store.CreatePet(ctx, shelter.Origin{Namespace: "api", Actor: "api"}, shelter.PetFields{Name: ptr("Toast"), Species: ptr(shelter.SpeciesDog), AgeMonths: ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartBody(t, "file", "IMG_0001.JPG", phototest.WithEXIF(phototest.JPEG(phototest.Quadrants(800, 600)), phototest.EXIF{Orientation: 6, GPS: true}))
	req, _ := http.NewRequest("POST", d.URL+"/pets/"+p.ID+"/photos", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	res, err := noRedirects.Do(sessionReq(req, d.Creds.Session))
	if err != nil || res.StatusCode != 303 || res.Header.Get("Location") != "/pets/"+p.ID {
		t.Fatalf("upload form: %v %v", res, err)
	}
	page := d.do(t, "GET", "/pets/"+p.ID, nil, "")
	// Turned upright: the thumbnail is 240×320.
	if !strings.Contains(page.Body, `data-testid="photo-thumb"`) || !strings.Contains(page.Body, `width="240" height="320"`) ||
		!strings.Contains(page.Body, `capture="environment"`) || !strings.Contains(page.Body, "Photo added") {
		t.Fatalf("pet page lacks the gallery, the camera input or the event")
	}
	board := d.do(t, "GET", "/pets", nil, "")
	if !strings.Contains(board.Body, `data-testid="board-thumb"`) {
		t.Fatalf("board lacks the thumbnail")
	}
}

func ptr[T any](v T) *T { return &v }

// newPhotoFrom processes img as an upload would be.
func newPhotoFrom(t testing.TB, img image.Image) shelter.NewPhoto {
	t.Helper()
	p, err := photo.Process(context.Background(), phototest.JPEG(img))
	if err != nil {
		t.Fatal(err)
	}
	return shelter.NewPhoto{Format: p.Format, Bytes: 1,
		Thumb: shelter.PhotoCopy{Data: p.Thumb.Data, Width: p.Thumb.Width, Height: p.Thumb.Height, Hash: p.Thumb.Hash},
		Large: shelter.PhotoCopy{Data: p.Large.Data, Width: p.Large.Width, Height: p.Large.Height, Hash: p.Large.Hash}}
}
