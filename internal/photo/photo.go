// Package photo turns an uploaded image into the copies the app stores: a
// thumbnail and a large copy, both re-encoded as JPEG so that no metadata of
// the upload (EXIF, GPS, comments, ICC profiles) survives.
//
// The upload is checked before it is decoded: its type is sniffed from its
// first bytes (JPEG, PNG, WebP or GIF), its size is capped and the
// dimensions in its header are checked, so a decompression bomb is refused
// before any pixel buffer is allocated. The EXIF orientation of a JPEG is
// applied before the metadata is dropped.
//
// It uses the standard library and golang.org/x/image only (no cgo).
package photo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // registers the GIF decoder
	"image/jpeg"
	_ "image/png" // registers the PNG decoder
	"io"
	"net/http"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder

	"github.com/petstore/petstore/internal/shelter"
)

// Limits on an upload.
const (
	// MaxBytes is the largest upload accepted (10 MB).
	MaxBytes = 10 << 20
	// MaxPixels is the largest width×height accepted (50 megapixels).
	// A 10 MB file can claim any size in its header; decoding allocates
	// by that claim, so it is checked first.
	MaxPixels = 50_000_000
	// MaxSide is the longest side accepted, whatever the pixel count.
	MaxSide = 20_000
)

// Sizes of the stored copies: the longest side, in pixels. An image that
// is smaller is not enlarged.
const (
	ThumbSide = 320
	LargeSide = 1600
)

// JPEG qualities of the stored copies.
const (
	thumbQuality = 80
	largeQuality = 85
)

// ContentType is the media type of every stored copy.
const ContentType = "image/jpeg"

// Formats accepted, by the media type their first bytes sniff as.
var formats = map[string]string{
	"image/jpeg": "jpeg",
	"image/png":  "png",
	"image/webp": "webp",
	"image/gif":  "gif",
}

// Variant is one stored copy of a photo.
type Variant struct {
	Data   []byte
	Width  int
	Height int
	// Hash is the hex SHA-256 of Data; URLs carry it so a copy can be
	// cached forever.
	Hash string
}

// Processed is what Process makes of an upload.
type Processed struct {
	// Format is the upload's format: jpeg, png, webp or gif.
	Format string
	// Width and Height are the upload's, after orientation.
	Width, Height int
	Thumb         Variant
	Large         Variant
}

// sem caps how many uploads are decoded at once: each may hold up to
// MaxPixels*4 bytes while it is scaled.
var sem = make(chan struct{}, 2)

// ReadLimited reads r up to MaxBytes. A longer input is an ETOOLARGE error.
func ReadLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, errTooLarge()
	}
	return data, nil
}

func errTooLarge() error {
	return shelter.Errorf(shelter.ETOOLARGE, "Photo too large: at most 10 MB")
}

// Sniff returns the format of data (jpeg, png, webp or gif) from its first
// bytes, whatever the file is called. Anything else is an EUNSUPPORTED
// error.
func Sniff(data []byte) (string, error) {
	ct := http.DetectContentType(data)
	if f, ok := formats[ct]; ok {
		return f, nil
	}
	return "", shelter.Errorf(shelter.EUNSUPPORTED, "Unsupported photo type: JPEG, PNG, WebP or GIF only")
}

// Process checks, decodes, orients and re-encodes an upload. Errors are
// *shelter.Error: EUNSUPPORTED for a type that is not accepted, ETOOLARGE
// for too many bytes or pixels, EINVALID for a file that does not decode.
func Process(ctx context.Context, data []byte) (*Processed, error) {
	if len(data) > MaxBytes {
		return nil, errTooLarge()
	}
	format, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	cfg, cfgFormat, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfgFormat != format {
		return nil, errUndecodable()
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errUndecodable()
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, shelter.Errorf(shelter.ETOOLARGE,
			"Photo too large: %d×%d pixels (at most 50 megapixels)", cfg.Width, cfg.Height)
	}
	orientation := 1
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}

	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errUndecodable()
	}
	b := src.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		// A GIF frame or a decoder disagreeing with the header; the
		// header's check is what bounded the allocation.
		if int64(b.Dx())*int64(b.Dy()) > MaxPixels {
			return nil, errUndecodable()
		}
	}

	// Scale in the stored orientation, then rotate the (small) result.
	large := scale(src, LargeSide)
	thumb := scale(large, ThumbSide)
	large = orient(large, orientation)
	thumb = orient(thumb, orientation)

	p := &Processed{Format: format, Width: b.Dx(), Height: b.Dy()}
	if swapsSides(orientation) {
		p.Width, p.Height = p.Height, p.Width
	}
	if p.Large, err = encode(large, largeQuality); err != nil {
		return nil, err
	}
	if p.Thumb, err = encode(thumb, thumbQuality); err != nil {
		return nil, err
	}
	return p, nil
}

func errUndecodable() error {
	return shelter.Errorf(shelter.EINVALID, "Photo could not be read: the file is damaged or not an image")
}

// scale returns src scaled so its longest side is at most side, drawn over
// white (JPEG has no transparency) into a fresh RGBA image. The result
// never shares memory with src.
func scale(src image.Image, side int) *image.RGBA {
	b := src.Bounds()
	w, h := fit(b.Dx(), b.Dy(), side)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
		return dst
	}
	// CatmullRom gives the sharpest result; on a large source a cheap
	// first pass to twice the target keeps it fast without visible loss.
	if b.Dx() > 2*w && b.Dy() > 2*h {
		mid := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), src, b, draw.Src, nil)
		src, b = mid, mid.Bounds()
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}

// fit returns w×h scaled down so the longer side is at most side, keeping
// the aspect ratio; never enlarged, never below 1.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		nh := (h*side + w/2) / w
		return side, max(nh, 1)
	}
	nw := (w*side + h/2) / h
	return max(nw, 1), side
}

func encode(img image.Image, quality int) (Variant, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return Variant{}, fmt.Errorf("encode jpeg: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	b := img.Bounds()
	return Variant{Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), Hash: hex.EncodeToString(sum[:])}, nil
}
