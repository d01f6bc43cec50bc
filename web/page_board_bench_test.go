package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// seedPets inserts n pets in one statement: mixed species, ages, statuses
// and names, a few deleted.
func seedBoardPets(b *testing.B, st *store.Store, n int) {
	b.Helper()
	_, err := st.DB().Write.ExecContext(context.Background(), `
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO pets (name, species, age_months, status, created_at, updated_at)
		SELECT
			char(65 + (i * 7) % 26) || 'et ' || i,
			CASE i % 4 WHEN 0 THEN 'dog' WHEN 1 THEN 'cat' WHEN 2 THEN 'bird' ELSE 'other' END,
			(i * 13) % 240,
			CASE i % 10 WHEN 0 THEN 'new' WHEN 1 THEN 'in_quarantine' WHEN 2 THEN 'healthy' WHEN 3 THEN 'available'
				WHEN 4 THEN 'pending' WHEN 5 THEN 'adopted' WHEN 6 THEN 'ill' WHEN 7 THEN 'under_treatment'
				WHEN 8 THEN 'recovered' ELSE CASE WHEN i % 100 = 9 THEN 'deleted' ELSE 'available' END END,
			1700000000000 + i, 1700000000000 + i
		FROM seq`, n)
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBoard renders the pets board over 100,000 pets through the real
// handler (query, count per status and templ render), for the first page,
// a deep page (keyset cursor), a search, a filter and each sort.
func BenchmarkBoard(b *testing.B) {
	st := storetest.Open(b, store.Options{})
	seedBoardPets(b, st, 100_000)
	d := web.Deps{Pets: st, Events: st, DB: st}
	_, cr := withAccounts(b, st, &d)
	h := web.New(d).Handler()

	// The cursor of page 1,000 of 50, newest first.
	ctx := context.Background()
	cursor := ""
	for i := 0; i < 50; i++ {
		page, err := st.FindPets(ctx, shelter.PetFilter{Sort: shelter.SortNewest, ExcludeDeleted: true, Cursor: cursor, Limit: 1000})
		if err != nil {
			b.Fatal(err)
		}
		cursor = page.NextCursor
	}
	for _, bc := range []struct{ name, path string }{
		{"first-page", "/pets"},
		{"deep-page", "/pets?cursor=" + cursor},
		{"search", "/pets?q=et+4242"},
		{"species+status", "/pets?species=dog&status=available"},
		{"sort-name", "/pets?sort=name"},
		{"sort-age", "/pets?sort=age"},
		{"live-fragment", "/pets"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := sessionReq(httptest.NewRequest("GET", bc.path, nil), cr.Session) // signed in
			if bc.name == "live-fragment" {
				req.Header.Set("HX-Request", "true")
				req.Header.Set("HX-Target", "board-live")
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", bc.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
