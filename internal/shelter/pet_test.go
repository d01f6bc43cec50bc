package shelter_test

import (
	"slices"
	"strings"
	"testing"

	. "github.com/petstore/petstore/internal/shelter"
)

func ptr[T any](v T) *T { return &v }

func fieldNames(err error) []string {
	var out []string
	for _, f := range ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestValidateCreate(t *testing.T) {
	ok := func() PetFields {
		return PetFields{Name: ptr("Rex"), Species: ptr(SpeciesDog), AgeMonths: ptr(2)}
	}
	tests := []struct {
		name   string
		edit   func(*PetFields)
		fields []string
	}{
		{"valid", func(*PetFields) {}, nil},
		{"valid edges", func(f *PetFields) { f.AgeMonths = ptr(0); f.Name = ptr(strings.Repeat("ü", 100)) }, nil},
		{"age 600", func(f *PetFields) { f.AgeMonths = ptr(600) }, nil},
		{"notes 2000", func(f *PetFields) { f.Notes = ptr(strings.Repeat("n", 2000)) }, nil},
		{"nothing", func(f *PetFields) { *f = PetFields{} }, []string{"name", "species", "ageMonths"}},
		{"blank name", func(f *PetFields) { f.Name = ptr("   ") }, []string{"name"}},
		{"long name", func(f *PetFields) { f.Name = ptr(strings.Repeat("ü", 101)) }, []string{"name"}},
		{"invalid UTF-8 name", func(f *PetFields) { f.Name = ptr("a\xffb") }, []string{"name"}},
		{"species", func(f *PetFields) { f.Species = ptr(Species("fish")) }, []string{"species"}},
		{"species empty", func(f *PetFields) { f.Species = ptr(Species("")) }, []string{"species"}},
		{"age -1", func(f *PetFields) { f.AgeMonths = ptr(-1) }, []string{"ageMonths"}},
		{"age 601", func(f *PetFields) { f.AgeMonths = ptr(601) }, []string{"ageMonths"}},
		{"notes 2001", func(f *PetFields) { f.Notes = ptr(strings.Repeat("n", 2001)) }, []string{"notes"}},
		{"all bad", func(f *PetFields) {
			f.Name, f.Species, f.AgeMonths, f.Notes = ptr(""), ptr(Species("x")), ptr(-5), ptr(strings.Repeat("n", 2001))
		}, []string{"name", "species", "ageMonths", "notes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := ok()
			tc.edit(&f)
			f.Normalize()
			err := f.ValidateCreate()
			if got := fieldNames(err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tc.fields, err)
			}
			if tc.fields != nil && (ErrorCode(err) != EINVALID || ErrorMessage(err) != InvalidPayloadMessage) {
				t.Errorf("error %v", err)
			}
		})
	}
}

func TestValidateUpdate(t *testing.T) {
	if err := (PetFields{}).ValidateUpdate(); err != nil {
		t.Errorf("empty update: %v (emptiness is the caller's rule)", err)
	}
	if err := (PetFields{Notes: ptr("")}).ValidateUpdate(); err != nil {
		t.Errorf("clearing notes: %v", err)
	}
	f := PetFields{Name: ptr(" "), AgeMonths: ptr(700)}
	f.Normalize()
	if got := fieldNames(f.ValidateUpdate()); !slices.Equal(got, []string{"name", "ageMonths"}) {
		t.Errorf("fields %v", got)
	}
}

func TestNormalizeAndEmpty(t *testing.T) {
	f := PetFields{Name: ptr("  Rex \n"), Notes: ptr("\tshy ")}
	f.Normalize()
	if *f.Name != "Rex" || *f.Notes != "shy" {
		t.Errorf("normalized %q %q", *f.Name, *f.Notes)
	}
	if f.Empty() || !(PetFields{}).Empty() {
		t.Error("Empty")
	}
}

func TestStatusAndSpecies(t *testing.T) {
	for _, s := range Statuses {
		if !s.Valid() || s.Label() == "" || s.Label() == string(s) && s != "" {
			t.Errorf("status %q: valid=%v label=%q", s, s.Valid(), s.Label())
		}
	}
	for _, s := range []Status{"", "Healthy", "sleepy"} {
		if s.Valid() {
			t.Errorf("%q valid", s)
		}
	}
	for _, s := range SpeciesList {
		if !s.Valid() {
			t.Errorf("%q invalid", s)
		}
	}
	if Species("Dog").Valid() || Species("").Valid() {
		t.Error("species are case-sensitive and required")
	}
}

func TestErrors(t *testing.T) {
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error")
	}
	plain := errString("boom")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "Internal error" {
		t.Error("a plain error is internal and its text is hidden")
	}
	e := InvalidPayload(FieldError{"name", "is required"})
	wrapped := wrap{e}
	if ErrorCode(wrapped) != EINVALID || len(ErrorFields(wrapped)) != 1 || ErrorCode(ErrNotFound()) != ENOTFOUND {
		t.Error("codes are found through wrapping")
	}
	if !strings.Contains(e.Error(), "name") {
		t.Errorf("Error() = %q", e.Error())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

type wrap struct{ err error }

func (w wrap) Error() string { return "ctx: " + w.err.Error() }
func (w wrap) Unwrap() error { return w.err }
