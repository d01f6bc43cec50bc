package ai_test

import (
	"context"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/ai/aitest"
	"github.com/petstore/petstore/internal/shelter"
)

func BenchmarkFallback(b *testing.B) {
	p := shelter.Pet{Name: "Luna", Species: shelter.SpeciesCat, AgeMonths: 18}
	for b.Loop() {
		ai.Fallback(p, fixedNow)
	}
}

func BenchmarkReplyCheck(b *testing.B) {
	for b.Loop() {
		r := ai.Reply{Bio: "Luna is a graceful cat. She loves windowsills.", BreedGuess: "Domestic Shorthair",
			TemperamentTags: []string{"independent", "calm", "affectionate", "observant", "gentle"}, AdopterHints: "A quiet home."}
		if err := r.Check(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDescribePet is one whole call against the local fake server:
// the client's own cost (request, loopback HTTP, decoding, checks), not a
// model's.
func BenchmarkDescribePet(b *testing.B) {
	srv := aitest.NewServer(b, aitest.Options{})
	c := ai.NewClient(ai.Config{APIKey: aitest.Key, BaseURL: srv.BaseURL(), Timeout: 10 * time.Second, Concurrency: 4})
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.DescribePet(ctx, luna); err != nil {
			b.Fatal(err)
		}
	}
}
