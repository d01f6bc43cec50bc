package web

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

// Strings that exercise every escape of encoding/json.
var jsonTricky = []string{"", "Luna", `"quoted" \back\slash`, "<b>&amp;</b>", "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "é ñ 日本 🐈", "\u2028\u2029", "bad \xff\xfe utf-8 \xe2\x82", "a\u00a0b"}

// fill sets v to random values; with full, every pointer, slice and string
// is non-empty, so that no member is left out by omitempty.
func fill(t *testing.T, r *rand.Rand, v reflect.Value, full bool) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if !full && r.IntN(4) == 0 {
			v.SetString("")
			return
		}
		s := jsonTricky[1+r.IntN(len(jsonTricky)-1)]
		if r.IntN(3) == 0 {
			b := make([]byte, r.IntN(12))
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			s = string(b) + "x"
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n := []int64{0, 1, -7, 1 << 40, r.Int64()}[r.IntN(5)]
		if full && n == 0 {
			n = 42
		}
		v.SetInt(n)
	case reflect.Bool:
		v.SetBool(full || r.IntN(2) == 0)
	case reflect.Pointer:
		if !full && r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, r, v.Elem(), full)
	case reflect.Slice:
		if !full && r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		n := r.IntN(4)
		if full {
			n++
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(t, r, v.Index(i), full)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, r, v.Field(i), full)
			}
		}
	default:
		t.Fatalf("fill: a %s field: teach fill (and appendPet) about it", v.Type())
	}
}

func TestAppendPetWritesWhatEncodingJSONWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var pets []*shelter.Pet
	for i := range 3000 {
		p := new(shelter.Pet)
		fill(t, r, reflect.ValueOf(p).Elem(), i%3 == 0)
		pets = append(pets, p)
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPet(nil, p); !bytes.Equal(got, want) {
			t.Fatalf("pet %d:\n got %s\nwant %s", i, got, want)
		}
	}
	for _, ps := range [][]*shelter.Pet{nil, {}, pets[:5], {nil, pets[0]}} {
		want, _ := json.Marshal(ps)
		if got := appendPets(nil, ps); !bytes.Equal(got, want) {
			t.Fatalf("pets:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonTricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

func BenchmarkPetJSON(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	p := new(shelter.Pet)
	fill(&testing.T{}, r, reflect.ValueOf(p).Elem(), true)
	b.Run("encoding/json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for b.Loop() {
			buf.Reset()
			enc.Encode(p)
		}
	})
	b.Run("appendPet", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendPet(buf[:0], p)
		}
	})
}
