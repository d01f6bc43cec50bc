package store_test

import (
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// setStatus puts a pet in a status directly, for tests of what each status
// shows.
func setStatus(t *testing.T, s *store.Store, id string, st shelter.Status) {
	t.Helper()
	if _, err := s.DB().Write.Exec(`UPDATE pets SET status = ? WHERE id = ?`, st, id); err != nil {
		t.Fatal(err)
	}
	s.Forget() // written around the store
}

// The public queries never return a pet that is not available: one pet in
// every status, and only the available one is listed, found, shown with
// its photo and open to inquiries.
func TestPublicQueriesShowOnlyAvailablePets(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	pets := map[shelter.Status]*shelter.Pet{}
	photos := map[shelter.Status]*shelter.Photo{}
	for _, st := range shelter.Statuses {
		f := fields("Pet "+string(st), shelter.SpeciesDog, 24)
		f.Notes = ptr("internal note " + string(st))
		p, err := s.CreatePet(ctx, origin, f)
		if err != nil {
			t.Fatal(err)
		}
		ph, err := s.AddPhoto(ctx, origin, p.ID, newPhoto(string(st)))
		if err != nil {
			t.Fatal(err)
		}
		setStatus(t, s, p.ID, st)
		pets[st], photos[st] = p, ph
	}
	list, err := s.FindAdoptablePets(ctx, shelter.PublicFilter{})
	if err != nil || len(list) != 1 || list[0].ID != pets[shelter.StatusAvailable].ID || list[0].Photo == nil {
		t.Fatalf("list %+v %v", list, err)
	}
	for _, st := range shelter.Statuses {
		t.Run(string(st), func(t *testing.T) {
			p, ph := pets[st], photos[st]
			got, err := s.FindAdoptablePet(ctx, p.ID)
			available := st == shelter.StatusAvailable
			switch {
			case available && (err != nil || !got.Available || got.Photo == nil):
				t.Errorf("find: %+v %v", got, err)
			case !available && err == nil && got.Available:
				t.Errorf("a %s pet is shown as available", st)
			case !available && err == nil && (got.Photo != nil || got.Profile != nil || (st != shelter.StatusPending && st != shelter.StatusAdopted)):
				t.Errorf("a %s pet shows %+v", st, got)
			case !available && err != nil && shelter.ErrorCode(err) != shelter.ENOTFOUND:
				t.Errorf("find: %v", err)
			}
			_, err = s.FindPublicPhotoData(ctx, ph.ID, shelter.PhotoThumb, ph.ThumbHash)
			if available != (err == nil) {
				t.Errorf("photo of a %s pet: %v", st, err)
			}
			_, err = s.CreateInquiry(ctx, p.ID, shelter.InquiryFields{Name: "Ann", Email: "ann@example.org"}, "10.0.0."+string(st))
			if available != (err == nil) || (!available && shelter.ErrorCode(err) != shelter.ENOTFOUND) {
				t.Errorf("inquiry for a %s pet: %v", st, err)
			}
		})
	}
}

func TestInquiryLimitsAndStartAdoption(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	p, err := s.CreatePet(ctx, origin, fields("Nala", shelter.SpeciesCat, 20))
	if err != nil {
		t.Fatal(err)
	}
	setStatus(t, s, p.ID, shelter.StatusAvailable)
	in := shelter.InquiryFields{Name: " Ann ", Email: "ann@example.org", Phone: "+44 20 7946 0000", Message: "Hello"}
	var first *shelter.Inquiry
	for i := 0; i < shelter.InquiriesPerAddress; i++ {
		got, err := s.CreateInquiry(ctx, p.ID, in, "192.0.2.1")
		if err != nil {
			t.Fatalf("inquiry %d: %v", i, err)
		}
		if first == nil {
			first = got
		}
	}
	if _, err := s.CreateInquiry(ctx, p.ID, in, "192.0.2.1"); shelter.ErrorCode(err) != shelter.ETHROTTLED {
		t.Fatalf("inquiry over the address limit: %v", err)
	}
	if _, err := s.CreateInquiry(ctx, p.ID, in, "192.0.2.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	bad := shelter.InquiryFields{Name: "", Email: "not-an-email", Phone: "call me", Message: strings.Repeat("x", 2001)}
	_, err = s.CreateInquiry(ctx, p.ID, bad, "192.0.2.3")
	var names []string
	for _, fe := range shelter.ErrorFields(err) {
		names = append(names, fe.Field)
	}
	if strings.Join(names, ",") != "name,email,phone,message" {
		t.Fatalf("problems %v", names)
	}

	staff := shelter.Origin{Namespace: "web", Actor: "ada@example.org"}
	if _, err := s.CloseInquiry(ctx, staff, first.ID, " "); shelter.ErrorCode(err) != shelter.EINVALID {
		t.Fatalf("close without a reason: %v", err)
	}
	in2, pet, err := s.StartAdoption(ctx, staff, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pet.Status != shelter.StatusPending || pet.Adopter == nil || pet.Adopter.Name != "Ann" || pet.Adopter.Email != "ann@example.org" ||
		in2.State != shelter.InquiryClosed || in2.Outcome != shelter.OutcomeAdoptionStarted || in2.ClosedBy != staff.Actor {
		t.Fatalf("pet %+v adopter %+v inquiry %+v", pet.Status, pet.Adopter, in2)
	}
	// The other inquiries stay open and visible; another adoption is refused
	// by the table and changes nothing.
	open, err := s.FindInquiries(ctx, shelter.InquiryFilter{State: shelter.InquiryOpen, PetID: p.ID})
	if err != nil || len(open) != shelter.InquiriesPerAddress {
		t.Fatalf("open inquiries %d %v", len(open), err)
	}
	if _, _, err := s.StartAdoption(ctx, staff, open[0].ID); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("second adoption: %v", err)
	}
	if n, err := s.CountOpenInquiries(ctx); err != nil || n != shelter.InquiriesPerAddress {
		t.Fatalf("count %d %v", n, err)
	}
	closed, err := s.CloseInquiry(ctx, staff, open[0].ID, "Placed with another family")
	if err != nil || closed.Outcome != shelter.OutcomeDeclined || closed.Reason != "Placed with another family" {
		t.Fatalf("decline %+v %v", closed, err)
	}
	if _, err := s.CloseInquiry(ctx, staff, open[0].ID, "again"); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("close again: %v", err)
	}
}
