// Package phototest makes small real image files for tests: JPEG (with
// optional EXIF orientation and GPS tags), PNG, GIF and lossless WebP.
package phototest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// Quadrant colours of Quadrants.
var (
	Red    = color.RGBA{220, 20, 20, 255}
	Green  = color.RGBA{20, 200, 20, 255}
	Blue   = color.RGBA{20, 20, 220, 255}
	Yellow = color.RGBA{230, 230, 20, 255}
)

// Quadrants returns a w×h image whose quarters are red (top left), green
// (top right), blue (bottom left) and yellow (bottom right).
func Quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := Red
			switch {
			case x >= w/2 && y < h/2:
				c = Green
			case x < w/2 && y >= h/2:
				c = Blue
			case x >= w/2 && y >= h/2:
				c = Yellow
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// JPEG encodes img as a JPEG.
func JPEG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNG encodes img as a PNG.
func PNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// GIF encodes img as a GIF.
func GIF(img image.Image) []byte {
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// EXIF describes the tags WithEXIF writes.
type EXIF struct {
	Orientation int    // 0: none
	Make        string // camera make, "" for none
	GPS         bool   // a GPS IFD with latitude N 52° 31' 12"
}

// WithEXIF returns a JPEG with an APP1 EXIF segment inserted right after
// its start-of-image marker.
func WithEXIF(jpg []byte, e EXIF) []byte {
	le := binary.LittleEndian
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // ≤4 bytes inline, else stored after the IFD
	}
	var ifd0 []entry
	if e.Orientation != 0 {
		v := make([]byte, 4)
		le.PutUint16(v, uint16(e.Orientation))
		ifd0 = append(ifd0, entry{0x0112, 3, 1, v})
	}
	if e.Make != "" {
		ifd0 = append(ifd0, entry{0x010F, 2, uint32(len(e.Make) + 1), append([]byte(e.Make), 0)})
	}
	if e.GPS {
		ifd0 = append(ifd0, entry{0x8825, 4, 1, nil}) // offset patched below
	}

	// Layout: header(8) | IFD0 | IFD0 data | GPS IFD | GPS data
	var t bytes.Buffer
	t.WriteString("II")
	_ = binary.Write(&t, le, uint16(42))
	_ = binary.Write(&t, le, uint32(8))
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	dataOff := 8 + ifdSize(len(ifd0))
	var data bytes.Buffer
	gpsOff := 0
	for _, en := range ifd0 {
		if len(en.value) > 4 {
			data.Write(en.value)
		}
	}
	gpsOff = dataOff + data.Len()
	_ = binary.Write(&t, le, uint16(len(ifd0)))
	off := dataOff
	for _, en := range ifd0 {
		_ = binary.Write(&t, le, en.tag)
		_ = binary.Write(&t, le, en.typ)
		_ = binary.Write(&t, le, en.count)
		switch {
		case en.tag == 0x8825:
			_ = binary.Write(&t, le, uint32(gpsOff))
		case len(en.value) > 4:
			_ = binary.Write(&t, le, uint32(off))
			off += len(en.value)
		default:
			v := make([]byte, 4)
			copy(v, en.value)
			t.Write(v)
		}
	}
	_ = binary.Write(&t, le, uint32(0)) // no next IFD
	t.Write(data.Bytes())
	if e.GPS {
		// GPSLatitudeRef "N", GPSLatitude 52/1 31/1 12/1
		latOff := gpsOff + ifdSize(2)
		_ = binary.Write(&t, le, uint16(2))
		_ = binary.Write(&t, le, uint16(0x0001))
		_ = binary.Write(&t, le, uint16(2))
		_ = binary.Write(&t, le, uint32(2))
		t.Write([]byte{'N', 0, 0, 0})
		_ = binary.Write(&t, le, uint16(0x0002))
		_ = binary.Write(&t, le, uint16(5))
		_ = binary.Write(&t, le, uint32(3))
		_ = binary.Write(&t, le, uint32(latOff))
		_ = binary.Write(&t, le, uint32(0))
		for _, v := range []uint32{52, 1, 31, 1, 12, 1} {
			_ = binary.Write(&t, le, v)
		}
	}

	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// HugePNG returns a PNG whose header claims w×h pixels, followed by a
// small, bogus image data chunk: decoding it would allocate by the claim.
func HugePNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // bit depth
	ihdr[9] = 6 // RGBA
	writeChunk(&buf, "IHDR", ihdr)
	writeChunk(&buf, "IDAT", bytes.Repeat([]byte{0x78, 0x9c}, 32))
	writeChunk(&buf, "IEND", nil)
	return buf.Bytes()
}

func writeChunk(buf *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(buf, binary.BigEndian, uint32(len(data)))
	c := crc32.NewIEEE()
	c.Write([]byte(typ))
	c.Write(data)
	buf.WriteString(typ)
	buf.Write(data)
	_ = binary.Write(buf, binary.BigEndian, c.Sum32())
}

// HugeJPEG returns a real JPEG whose frame header is patched to claim w×h
// pixels.
func HugeJPEG(w, h uint16) []byte {
	jpg := JPEG(Quadrants(16, 16))
	for i := 2; i+9 < len(jpg); {
		if jpg[i] != 0xFF {
			break
		}
		m := jpg[i+1]
		n := int(binary.BigEndian.Uint16(jpg[i+2:]))
		if m == 0xC0 || m == 0xC2 {
			binary.BigEndian.PutUint16(jpg[i+5:], h)
			binary.BigEndian.PutUint16(jpg[i+7:], w)
			return jpg
		}
		i += 2 + n
	}
	panic("no SOF marker")
}

// WebP returns a lossless WebP (VP8L) of w×h pixels of one colour c. The
// encoder is the smallest the format allows: every prefix code is a simple
// code of one symbol, so the pixels take no bits at all.
func WebP(w, h int, c color.RGBA) []byte {
	var bw bitWriter
	bw.put(0x2f, 8)
	bw.put(uint64(w-1), 14)
	bw.put(uint64(h-1), 14)
	bw.put(0, 1) // alpha hint
	bw.put(0, 3) // version
	bw.put(0, 1) // no transform
	bw.put(0, 1) // no colour cache
	bw.put(0, 1) // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		bw.put(1, 1) // simple code
		bw.put(0, 1) // one symbol
		bw.put(1, 1) // 8-bit symbol
		bw.put(uint64(sym), 8)
	}
	data := bw.flush()
	var buf bytes.Buffer
	size := 4 + 8 + len(data) + len(data)%2
	buf.WriteString("RIFF")
	_ = binary.Write(&buf, binary.LittleEndian, uint32(size))
	buf.WriteString("WEBPVP8L")
	_ = binary.Write(&buf, binary.LittleEndian, uint32(len(data)))
	buf.Write(data)
	if len(data)%2 == 1 {
		buf.WriteByte(0)
	}
	return buf.Bytes()
}

type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) put(v uint64, bits uint) {
	w.acc |= v << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
	}
	return w.buf
}
