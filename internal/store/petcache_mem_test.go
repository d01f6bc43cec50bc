package store

import (
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// BenchmarkPetCacheMemory reports the heap a full cache of pets like the
// load tool's holds (a name, a species, the welcome note, a fallback
// profile), in bytes per pet.
func BenchmarkPetCacheMemory(b *testing.B) {
	for b.Loop() {
		c := petCache{shared: openSharedCounters(filepath.Join(b.TempDir(), "p.db"))}
		if c.shared == nil {
			b.Skip("no shared counters here")
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := c.stamp()
		for i := range petCacheMax {
			// As the database gives it: strings of their own.
			p := &shelter.Pet{ID: strconv.Itoa(100000 + i), Name: "Pet " + strconv.Itoa(i), Species: shelter.Species(string([]byte("dog"))),
				Status: shelter.Status(string([]byte("in_quarantine"))), Notes: string([]byte(shelter.WelcomeNote)), AgeMonths: 12,
				CreatedAt: 1796144754248, UpdatedAt: 1796144754248, NextFeedingAt: 1796151954248, Version: 2, FeedingIntervalMinutes: 120,
				StatusChangedAt: 1796144754248}
			pr := shelter.FallbackProfile(*p, time.UnixMilli(1796144754300))
			p.Profile = &pr
			c.put(st, int64(i+1), p)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/petCacheMax, "heap-bytes/pet")
		b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/petCacheMax, "objects/pet")
		runtime.KeepAlive(&c)
	}
}
