package ai

import (
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Stage is a pet's life stage (shelter.Stage), which the prompt names.
type Stage = shelter.Stage

// Life stages.
const (
	StageYoung  = shelter.StageYoung
	StageAdult  = shelter.StageAdult
	StageSenior = shelter.StageSenior
)

// LifeStage is shelter.LifeStage.
func LifeStage(s shelter.Species, ageMonths int) Stage { return shelter.LifeStage(s, ageMonths) }

// AgeText is shelter.AgeText.
func AgeText(ageMonths int) string { return shelter.AgeText(ageMonths) }

// Fallback returns the deterministic profile of p (shelter.FallbackProfile,
// which lives in the domain so that the store can write it again from a
// pet's fields instead of keeping its text).
func Fallback(p shelter.Pet, now time.Time) shelter.Profile { return shelter.FallbackProfile(p, now) }
