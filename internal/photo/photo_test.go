package photo_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/photo"
	"github.com/petstore/petstore/internal/photo/phototest"
	"github.com/petstore/petstore/internal/shelter"
)

func process(t *testing.T, data []byte) *photo.Processed {
	t.Helper()
	p, err := photo.Process(context.Background(), data)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return p
}

// decode checks a stored copy is a plain JPEG of the size it claims.
func decode(t *testing.T, v photo.Variant) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("stored copy does not decode as JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Fatalf("stored copy is %dx%d, claims %dx%d", b.Dx(), b.Dy(), v.Width, v.Height)
	}
	if len(v.Hash) != 64 {
		t.Fatalf("hash %q", v.Hash)
	}
	return img
}

func TestProcessEachFormat(t *testing.T) {
	src := phototest.Quadrants(2000, 1000)
	small := phototest.Quadrants(200, 100)
	tests := []struct {
		name        string
		data        []byte
		format      string
		w, h        int // upload
		lw, lh      int // large copy
		thumbW, thH int
	}{
		{"jpeg", phototest.JPEG(src), "jpeg", 2000, 1000, 1600, 800, 320, 160},
		{"png", phototest.PNG(src), "png", 2000, 1000, 1600, 800, 320, 160},
		{"gif", phototest.GIF(small), "gif", 200, 100, 200, 100, 200, 100},
		{"webp", phototest.WebP(640, 480, phototest.Green), "webp", 640, 480, 640, 480, 320, 240},
		{"portrait png", phototest.PNG(phototest.Quadrants(900, 3000)), "png", 900, 3000, 480, 1600, 96, 320},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := process(t, tt.data)
			if p.Format != tt.format || p.Width != tt.w || p.Height != tt.h {
				t.Errorf("got %s %dx%d, want %s %dx%d", p.Format, p.Width, p.Height, tt.format, tt.w, tt.h)
			}
			decode(t, p.Large)
			decode(t, p.Thumb)
			if p.Large.Width != tt.lw || p.Large.Height != tt.lh {
				t.Errorf("large %dx%d, want %dx%d", p.Large.Width, p.Large.Height, tt.lw, tt.lh)
			}
			if p.Thumb.Width != tt.thumbW || p.Thumb.Height != tt.thH {
				t.Errorf("thumb %dx%d, want %dx%d", p.Thumb.Width, p.Thumb.Height, tt.thumbW, tt.thH)
			}
			if p.Large.Hash == p.Thumb.Hash && tt.lw != tt.thumbW {
				t.Errorf("large and thumb share a hash")
			}
		})
	}
}

func TestWebPColour(t *testing.T) {
	p := process(t, phototest.WebP(64, 48, phototest.Blue))
	img := decode(t, p.Thumb)
	if got := nearest(img.At(32, 24)); got != "blue" {
		t.Fatalf("webp pixel is %s, want blue", got)
	}
}

func TestTransparentPNGOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 50, 50)) // fully transparent
	p := process(t, phototest.PNG(img))
	r, g, b, _ := decode(t, p.Thumb).At(25, 25).RGBA()
	if r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Fatalf("transparent pixel became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

// nearest names the quadrant colour closest to c.
func nearest(c color.Color) string {
	r, g, b, _ := c.RGBA()
	best, bestD := "", int64(1<<62)
	for name, q := range map[string]color.RGBA{"red": phototest.Red, "green": phototest.Green, "blue": phototest.Blue, "yellow": phototest.Yellow} {
		dr, dg, db := int64(r>>8)-int64(q.R), int64(g>>8)-int64(q.G), int64(b>>8)-int64(q.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

func TestEXIFOrientationApplied(t *testing.T) {
	// An 80×40 picture stored sideways; the EXIF tag says how to turn it.
	plain := phototest.JPEG(phototest.Quadrants(80, 40))
	tests := []struct {
		orientation       int
		w, h              int
		topLeft, topRight string
	}{
		{1, 80, 40, "red", "green"},
		{2, 80, 40, "green", "red"},
		{3, 80, 40, "yellow", "blue"},
		{4, 80, 40, "blue", "yellow"},
		{5, 40, 80, "red", "blue"},
		{6, 40, 80, "blue", "red"},
		{7, 40, 80, "yellow", "green"},
		{8, 40, 80, "green", "yellow"},
	}
	for _, tt := range tests {
		p := process(t, phototest.WithEXIF(plain, phototest.EXIF{Orientation: tt.orientation}))
		img := decode(t, p.Large)
		b := img.Bounds()
		if b.Dx() != tt.w || b.Dy() != tt.h || p.Width != tt.w || p.Height != tt.h {
			t.Errorf("orientation %d: %dx%d (upload %dx%d), want %dx%d", tt.orientation, b.Dx(), b.Dy(), p.Width, p.Height, tt.w, tt.h)
			continue
		}
		tl := nearest(img.At(b.Dx()/4, b.Dy()/4))
		tr := nearest(img.At(3*b.Dx()/4, b.Dy()/4))
		if tl != tt.topLeft || tr != tt.topRight {
			t.Errorf("orientation %d: top %s|%s, want %s|%s", tt.orientation, tl, tr, tt.topLeft, tt.topRight)
		}
	}
}

func TestMetadataDropped(t *testing.T) {
	const camera = "SecretCam-9000"
	upload := phototest.WithEXIF(phototest.JPEG(phototest.Quadrants(400, 300)),
		phototest.EXIF{Orientation: 1, Make: camera, GPS: true})
	if !bytes.Contains(upload, []byte(camera)) || !bytes.Contains(upload, []byte("Exif\x00\x00")) {
		t.Fatal("the test upload lacks its EXIF block")
	}
	p := process(t, upload)
	for name, v := range map[string]photo.Variant{"large": p.Large, "thumb": p.Thumb} {
		if bytes.Contains(v.Data, []byte("Exif")) || bytes.Contains(v.Data, []byte(camera)) {
			t.Errorf("%s copy keeps EXIF", name)
		}
		// No APP1..APP15 segment (EXIF, XMP, ICC) at all.
		for i := 2; i+4 <= len(v.Data) && v.Data[i] == 0xFF; {
			m := v.Data[i+1]
			if m == 0xDA {
				break
			}
			if m >= 0xE1 && m <= 0xEF {
				t.Errorf("%s copy has an APP%d segment", name, m-0xE0)
			}
			i += 2 + int(v.Data[i+2])<<8 | int(v.Data[i+3])
		}
	}
}

func TestRefused(t *testing.T) {
	jpg := phototest.JPEG(phototest.Quadrants(64, 64))
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"text renamed .jpg", []byte("hello, this is not a photo at all\n"), shelter.EUNSUPPORTED},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), shelter.EUNSUPPORTED},
		{"pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), shelter.EUNSUPPORTED},
		{"bmp", append([]byte("BM"), make([]byte, 64)...), shelter.EUNSUPPORTED},
		{"empty", nil, shelter.EUNSUPPORTED},
		{"truncated jpeg", jpg[:len(jpg)/3], shelter.EINVALID},
		{"jpeg header only", jpg[:20], shelter.EINVALID},
		{"png bomb", phototest.HugePNG(100_000, 100_000), shelter.ETOOLARGE},
		{"png wide", phototest.HugePNG(30_000, 10), shelter.ETOOLARGE},
		{"jpeg bomb", phototest.HugeJPEG(60_000, 60_000), shelter.ETOOLARGE},
		{"over 10 MB", append(jpg, make([]byte, photo.MaxBytes)...), shelter.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := photo.Process(context.Background(), tt.data)
			if got := shelter.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

// A decompression bomb is refused from its header: refusing it allocates
// next to nothing, where decoding would need 40 GB.
func TestBombRefusedBeforeDecode(t *testing.T) {
	bomb := phototest.HugePNG(100_000, 100_000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := photo.Process(context.Background(), bomb)
	runtime.ReadMemStats(&after)
	if shelter.ErrorCode(err) != shelter.ETOOLARGE {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(shelter.ErrorMessage(err), "100000×100000") {
		t.Errorf("message %q does not name the dimensions", shelter.ErrorMessage(err))
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("refusing the bomb allocated %d bytes", d)
	}
}

func TestReadLimited(t *testing.T) {
	if _, err := photo.ReadLimited(bytes.NewReader(make([]byte, photo.MaxBytes))); err != nil {
		t.Fatalf("exactly 10 MB: %v", err)
	}
	_, err := photo.ReadLimited(bytes.NewReader(make([]byte, photo.MaxBytes+1)))
	if shelter.ErrorCode(err) != shelter.ETOOLARGE {
		t.Fatalf("10 MB + 1: %v", err)
	}
}

func FuzzProcess(f *testing.F) {
	f.Add(phototest.JPEG(phototest.Quadrants(8, 8)))
	f.Add(phototest.PNG(phototest.Quadrants(8, 8)))
	f.Add(phototest.WebP(4, 4, phototest.Red))
	f.Add(phototest.WithEXIF(phototest.JPEG(phototest.Quadrants(8, 8)), phototest.EXIF{Orientation: 6, GPS: true}))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := photo.Process(context.Background(), data)
		if err != nil {
			if shelter.ErrorCode(err) == shelter.EINTERNAL {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if _, err := jpeg.Decode(bytes.NewReader(p.Large.Data)); err != nil {
			t.Fatalf("large copy: %v", err)
		}
	})
}

func BenchmarkProcess12MP(b *testing.B) {
	data := phototest.JPEG(phototest.Quadrants(4000, 3000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := photo.Process(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
