package store

import (
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

func TestPetCacheKeepsNoReadThatRacedACommit(t *testing.T) {
	c := petCache{shared: openSharedCounters(filepath.Join(t.TempDir(), "p.db"))}
	if c.shared == nil {
		t.Skip("no shared counters here")
	}
	p := &shelter.Pet{ID: "1", Name: "old"}

	st := c.stamp()
	c.shared.addCommit() // a commit lands between the stamp and the read
	c.put(st, 1, p)
	if _, ok := c.get(1); ok {
		t.Fatal("a read that raced a commit was kept")
	}
	c.put(c.stamp(), 1, p)
	if got, ok := c.get(1); !ok || got.Name != "old" || got == p {
		t.Fatalf("get after put: %+v %v", got, ok)
	}
	c.shared.addCommit()
	if _, ok := c.get(1); ok {
		t.Fatal("kept across a commit")
	}

	// Bounded: one entry makes room for the next.
	st = c.stamp()
	for i := range petCacheMax + 10 {
		c.put(st, int64(i+1), &shelter.Pet{ID: strconv.Itoa(i + 1)})
	}
	if n := len(c.m); n != petCacheMax {
		t.Fatalf("%d pets kept, want %d", n, petCacheMax)
	}
	if got, ok := c.get(petCacheMax + 10); !ok || got.ID != strconv.Itoa(petCacheMax+10) {
		t.Fatalf("the newest pet: %+v %v", got, ok)
	}
}

// The pet cache must copy everything a caller could change through a
// pointer, a slice or a map, going in (put) and coming out (get): a field
// of such a kind added to shelter.Pet fails here until cloneProfile or
// cloneAdopter (and this list) takes it.
func TestPetCacheSharesNothingMutable(t *testing.T) {
	cloned := map[string]bool{"Pet.Profile": true, "Profile.TemperamentTags": true, "Pet.Adopter": true}
	var walk func(reflect.Type)
	seen := map[reflect.Type]bool{}
	walk = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			ft := f.Type
			switch ft.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func:
				if !cloned[typ.Name()+"."+f.Name] {
					t.Errorf("%s.%s (%s) is not copied by the pet cache", typ.Name(), f.Name, ft)
				}
				for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
					ft = ft.Elem()
				}
			}
			if ft.Kind() == reflect.Struct {
				walk(ft)
			}
		}
	}
	walk(reflect.TypeFor[shelter.Pet]())

	c := petCache{shared: openSharedCounters(filepath.Join(t.TempDir(), "p.db"))}
	if c.shared == nil {
		t.Skip("no shared counters here")
	}
	p := &shelter.Pet{ID: "1", Name: "a", Profile: &shelter.Profile{Bio: "b", TemperamentTags: []string{"t"}}, Adopter: &shelter.Adopter{Name: "n"}}
	c.put(c.stamp(), 1, p)
	p.Profile.Bio, p.Profile.TemperamentTags[0], p.Adopter.Name = "x", "x", "x" // the caller changes its pet
	got, ok := c.get(1)
	if !ok || got.Profile.Bio != "b" || got.Profile.TemperamentTags[0] != "t" || got.Adopter.Name != "n" {
		t.Fatalf("the kept pet changed with the one put: %v %+v %+v", ok, got.Profile, got.Adopter)
	}
	got.Profile.Bio, got.Profile.TemperamentTags[0], got.Adopter.Name = "y", "y", "y" // a reader changes its copy
	if again, _ := c.get(1); again.Profile.Bio != "b" || again.Profile.TemperamentTags[0] != "t" || again.Adopter.Name != "n" {
		t.Fatalf("the kept pet changed with a copy handed out: %+v %+v", again.Profile, again.Adopter)
	}
}

// A pet whose profile is its own fallback is kept without the profile's
// text, and a hit writes it out again equal to what was read; any other
// profile is kept whole.
func TestPetCacheKeepsAFallbackAsItsTime(t *testing.T) {
	c := petCache{shared: openSharedCounters(filepath.Join(t.TempDir(), "p.db"))}
	if c.shared == nil {
		t.Skip("no shared counters here")
	}
	own := &shelter.Pet{ID: "1", Name: "Biscuit", Species: shelter.SpeciesDog, AgeMonths: 30}
	fb := shelter.FallbackProfile(*own, time.UnixMilli(1796144754248))
	own.Profile = &fb
	model := &shelter.Pet{ID: "2", Name: "Tom", Species: shelter.SpeciesCat, AgeMonths: 3,
		Profile: &shelter.Profile{Bio: "A model wrote this.", Source: "ai", Model: "m", GeneratedAt: 5, TemperamentTags: []string{"calm"}}}
	stale := &shelter.Pet{ID: "3", Name: "Renamed", Species: shelter.SpeciesDog, AgeMonths: 30, Profile: &fb} // Biscuit's text
	st := c.stamp()
	for _, p := range []*shelter.Pet{own, model, stale} {
		n, _ := strconv.ParseInt(p.ID, 10, 64)
		c.put(st, n, p)
	}
	if e := c.m[1]; e.profile != nil || e.fallbackAt != fb.GeneratedAt {
		t.Errorf("the pet's own fallback is kept as %+v, fallbackAt %d; want no text and its time", e.profile, e.fallbackAt)
	}
	for _, id := range []int64{2, 3} {
		if e := c.m[id]; e.profile == nil || e.fallbackAt != 0 {
			t.Errorf("pet %d: kept %+v, fallbackAt %d; want its profile whole", id, e.profile, e.fallbackAt)
		}
	}
	for _, p := range []*shelter.Pet{own, model, stale} {
		n, _ := strconv.ParseInt(p.ID, 10, 64)
		got, ok := c.get(n)
		if !ok || !reflect.DeepEqual(got.Profile, p.Profile) {
			t.Errorf("pet %s: hit %v, profile %+v, want %+v", p.ID, ok, got.Profile, p.Profile)
		}
	}
}

// Every field of a pet comes back from the cache as it went in: a field
// added to shelter.Pet that packedPet leaves out fails here. Each field is
// set to a value of its own (strings of different lengths, numbers all
// different), so that two fields swapped fail too.
func TestPackedPetKeepsEveryField(t *testing.T) {
	var p shelter.Pet
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			n++
			switch f.Kind() {
			case reflect.String:
				f.SetString(strings.Repeat(string(rune('a'+n)), n))
			case reflect.Int, reflect.Int64:
				f.SetInt(int64(1000 + n))
			case reflect.Bool:
				f.SetBool(true)
			case reflect.Struct:
				fill(f)
			case reflect.Pointer:
				f.Set(reflect.New(f.Type().Elem()))
				if f.Elem().Kind() == reflect.Struct {
					fill(f.Elem())
				}
			case reflect.Slice:
				f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			default:
				t.Fatalf("field %s of kind %s: teach this test to fill it", v.Type().Field(i).Name, f.Kind())
			}
		}
	}
	fill(reflect.ValueOf(&p).Elem())
	var got shelter.Pet
	packPet(&p).unpack(&got)
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("unpacked\n%+v\nwant\n%+v", got, p)
	}

	// Through the cache: a copy equal to the pet, sharing nothing mutable.
	c := petCache{shared: openSharedCounters(filepath.Join(t.TempDir(), "p.db"))}
	if c.shared == nil {
		t.Skip("no shared counters here")
	}
	c.put(c.stamp(), 1, &p)
	hit, ok := c.get(1)
	if !ok || !reflect.DeepEqual(*hit, p) {
		t.Fatalf("get: %v\n%+v\nwant\n%+v", ok, hit, p)
	}
	if hit.Profile == p.Profile || hit.Adopter == p.Adopter || &hit.Profile.TemperamentTags[0] == &p.Profile.TemperamentTags[0] {
		t.Error("the hit shares its profile or adopter with the pet put")
	}
	var v petView
	if !c.view(1, &v) || !reflect.DeepEqual(v.pet, p) {
		t.Fatalf("view:\n%+v\nwant\n%+v", v.pet, p)
	}
}
