package auth

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestHasherWithDefaultParams(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(DefaultHashParams)
	hash, err := h.Hash(ctx, "tabby-cat moves slowly")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", hash)
	}
	if again, _ := h.Hash(ctx, "tabby-cat moves slowly"); again == hash {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, err := h.Verify(ctx, "tabby-cat moves slowly", hash); !ok || err != nil {
		t.Fatalf("verify right password: %v %v", ok, err)
	}
	if ok, err := h.Verify(ctx, "tabby-cat moves slowly ", hash); ok || err != nil {
		t.Fatalf("verify wrong password: %v %v", ok, err)
	}
	if _, err := h.Verify(ctx, "x", "$2a$10$not-argon"); err == nil {
		t.Fatal("a hash in another format verified without error")
	}
	if err := h.VerifyNothing(ctx, "anything"); err != nil {
		t.Fatal(err)
	}
}

func TestHasherRespectsCancellation(t *testing.T) {
	h := NewHasher(DefaultHashParams)
	for range cap(h.sem) { // every slot busy
		h.sem <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "tabby-cat moves slowly"); err == nil {
		t.Fatal("hash ran with every slot busy and a cancelled context")
	}
}

// BenchmarkVerifyDefaultParams measures one sign-in's password check.
func BenchmarkVerifyDefaultParams(b *testing.B) {
	ctx := context.Background()
	h := NewHasher(DefaultHashParams)
	hash, err := h.Hash(ctx, "tabby-cat moves slowly")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := h.Verify(ctx, "tabby-cat moves slowly", hash); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// After a hash, argon2id's 19 MiB block must not keep the heap's target
// high: a server that bootstraps its admin or signs someone in would sit
// tens of MB above what it needs.
func TestHashingLeavesNoHeapTargetBehind(t *testing.T) {
	h := NewHasher(DefaultHashParams)
	for range 2 {
		if _, err := h.Hash(context.Background(), "tabby-cat moves slowly"); err != nil {
			t.Fatal(err)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.NextGC >= 19<<20 {
			t.Fatalf("after a hash the next collection waits for %d MiB of heap", m.NextGC>>20)
		}
	}
}
