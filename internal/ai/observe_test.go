package ai

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

type stubDescriber struct{ errs []error }

func (s *stubDescriber) DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error) {
	err := s.errs[0]
	s.errs = s.errs[1:]
	return shelter.Profile{}, err
}

func (s *stubDescriber) FallbackProfile(p shelter.Pet) shelter.Profile { return shelter.Profile{} }

func TestObserved(t *testing.T) {
	var got []string
	d := Observed(&stubDescriber{errs: []error{nil, &Error{Kind: KindRateLimited}, context.Canceled, &Error{Kind: KindBadReply, Err: errors.New("x")}}},
		func(o string) { got = append(got, o) })
	for range 4 {
		d.DescribePet(context.Background(), shelter.Pet{})
	}
	if want := []string{"ok", KindRateLimited, "canceled", KindBadReply}; !slices.Equal(got, want) {
		t.Errorf("outcomes %q, want %q", got, want)
	}
	if _, ok := Observed(Off{}, func(string) {}).(Off); !ok {
		t.Error("Off makes no calls and should stay unwrapped")
	}
}
