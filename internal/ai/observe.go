package ai

import (
	"context"
	"errors"

	"github.com/petstore/petstore/internal/shelter"
)

// Observed wraps d so that every model call reports its outcome to f: "ok",
// one of the failure kinds (KindRateLimited, KindServer, …), or
// "canceled". Off makes no call and is returned as it is.
func Observed(d Describer, f func(outcome string)) Describer {
	if _, off := d.(Off); off || f == nil {
		return d
	}
	return observed{d, f}
}

type observed struct {
	Describer
	f func(outcome string)
}

func (o observed) DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error) {
	pr, err := o.Describer.DescribePet(ctx, p)
	var e *Error
	switch {
	case err == nil:
		o.f("ok")
	case errors.As(err, &e):
		o.f(e.Kind)
	default:
		o.f("canceled")
	}
	return pr, err
}

// DescribePetPhoto observes a call with a photo; a Describer that cannot
// look at photos is asked without it.
func (o observed) DescribePetPhoto(ctx context.Context, p shelter.Pet, photo []byte) (shelter.Profile, error) {
	pd, ok := o.Describer.(interface {
		DescribePetPhoto(ctx context.Context, p shelter.Pet, jpeg []byte) (shelter.Profile, error)
	})
	if !ok {
		return o.DescribePet(ctx, p)
	}
	pr, err := pd.DescribePetPhoto(ctx, p, photo)
	var e *Error
	switch {
	case err == nil:
		o.f("ok")
	case errors.As(err, &e):
		o.f(e.Kind)
	default:
		o.f("canceled")
	}
	return pr, err
}
