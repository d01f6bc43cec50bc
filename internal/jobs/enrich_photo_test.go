package jobs_test

import (
	"context"
	"testing"

	"github.com/petstore/petstore/internal/ai/aitest"
	"github.com/petstore/petstore/internal/photo"
	"github.com/petstore/petstore/internal/photo/phototest"
	"github.com/petstore/petstore/internal/shelter"
)

func (e *enrichEnv) addPhoto(t *testing.T, petID string, w, h int) *shelter.Photo {
	t.Helper()
	p, err := photo.Process(context.Background(), phototest.JPEG(phototest.Quadrants(w, h)))
	if err != nil {
		t.Fatal(err)
	}
	ph, err := e.st.AddPhoto(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, petID, shelter.NewPhoto{
		Format: p.Format, Bytes: 1,
		Thumb: shelter.PhotoCopy{Data: p.Thumb.Data, Width: p.Thumb.Width, Height: p.Thumb.Height, Hash: p.Thumb.Hash},
		Large: shelter.PhotoCopy{Data: p.Large.Data, Width: p.Large.Width, Height: p.Large.Height, Hash: p.Large.Hash}})
	if err != nil {
		t.Fatal(err)
	}
	return ph
}

// A new primary photo asks for a new profile, and the model gets the
// photo's large copy as a data URL beside the name and species.
func TestEnrichSendsThePrimaryPhoto(t *testing.T) {
	e := newEnrichEnv(t, enrichOpts{})
	defer e.stop()
	p := e.create(t, "Luna", shelter.SpeciesCat, 30)
	first := e.waitEnrich(t, p.ID)
	if n := len(e.srv.Requests()); n != 1 || len(e.srv.Requests()[0].Images) != 0 {
		t.Fatalf("first request: %d requests, images %v", n, e.srv.Requests()[0].Images)
	}
	e.addPhoto(t, p.ID, 2000, 1500)
	second := e.waitEnrich(t, p.ID)
	if second.ID == first.ID {
		t.Fatal("the new primary photo queued no enrichment")
	}
	reqs := e.srv.Requests()
	last := reqs[len(reqs)-1]
	if len(reqs) != 2 || len(last.Images) != 1 || last.Images[0].Width != photo.LargeSide || last.Images[0].Height != 1200 {
		t.Fatalf("requests %d, images of the last %+v", len(reqs), last.Images)
	}
	if got := e.pet(t, p.ID).Profile; got == nil || got.Source != shelter.ProfileSourceAI {
		t.Fatalf("profile %+v", got)
	}
	_, data := e.enrichEvents(t, p.ID)
	sawPhoto := false
	for _, d := range data {
		if d["photo"] == true {
			sawPhoto = true
		}
	}
	if !sawPhoto {
		t.Error("no started event says a photo was sent")
	}
}

// A model without image input refuses the photo: the profile is written
// without it, by the model, at once (no fallback, no retry).
func TestEnrichModelRefusingImages(t *testing.T) {
	e := newEnrichEnv(t, enrichOpts{}, aitest.RefuseImages(aitest.Success(aitest.ValidReply())))
	defer e.stop()
	p := e.create(t, "Luna", shelter.SpeciesCat, 30)
	e.waitEnrich(t, p.ID)
	e.addPhoto(t, p.ID, 400, 300)
	job := e.waitEnrich(t, p.ID)
	reqs := e.srv.Requests()
	if len(reqs) != 3 || len(reqs[1].Images) != 1 || len(reqs[2].Images) != 0 {
		t.Fatalf("%d requests", len(reqs))
	}
	if job.State != shelter.JobDone || job.Attempts != 1 {
		t.Fatalf("job %+v", job)
	}
	if got := e.pet(t, p.ID).Profile; got == nil || got.Source != shelter.ProfileSourceAI {
		t.Fatalf("profile %+v", got)
	}
}
