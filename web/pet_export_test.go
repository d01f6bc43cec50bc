package web_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

func TestPetExport(t *testing.T) {
	a := newAPI(t, store.Options{})
	names := []string{"Buddy", "=cmd|' /C calc'!A0", "+1 cat", "-minus", "@sum", "\tTab", "Zoë 🐾", `Quote "Q", comma`}
	var ids []string
	for i, n := range names {
		r := a.Do(t, "POST", "/api/pets", map[string]any{"name": n, "species": "cat", "ageMonths": i, "notes": "=HYPERLINK(\"x\")"})
		if r.Status != 201 {
			t.Fatalf("create %q: %d %s", n, r.Status, r.Body)
		}
		var p shelter.Pet
		r.JSON(t, &p)
		ids = append(ids, p.ID)
	}
	if r := a.Do(t, "DELETE", "/api/pets/"+ids[0], nil); r.Status != 202 {
		t.Fatal(r.Status)
	}

	r := a.Do(t, "GET", "/api/pets/export?format=csv", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="pets-`) {
		t.Fatalf("csv: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(names) || strings.Join(rows[0][:5], ",") != "id,name,species,ageMonths,status" || rows[0][len(rows[0])-1] != "intakeType" {
		t.Fatalf("csv rows %q", rows)
	}
	wantName := map[string]string{
		"Buddy": "Buddy", "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+1 cat": "'+1 cat", "-minus": "'-minus", "@sum": "'@sum",
		"\tTab": "Tab", // trimmed on create, so harmless
		"Zoë 🐾": "Zoë 🐾", `Quote "Q", comma`: `Quote "Q", comma`,
	}
	for i, row := range rows[1:] {
		if row[0] != ids[i] || row[1] != wantName[names[i]] || row[5] != `'=HYPERLINK("x")` {
			t.Errorf("row %d: %q", i, row)
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d: cell %q starts a formula", i, cell)
			}
		}
	}
	if rows[1][4] != "deleted" || rows[1][9] == "" {
		t.Errorf("the deleted pet: %q", rows[1])
	}

	// Intake fields are cells too, defused like the others.
	r = a.Do(t, "POST", "/api/pets", map[string]any{"name": "Chip", "species": "other", "ageMonths": 3, "breed": "=SUM(A1)", "microchip": "985141000123456"})
	if r.Status != 201 {
		t.Fatalf("create with intake: %d %s", r.Status, r.Body)
	}
	r = a.Do(t, "GET", "/api/pets/export?q=Chip", nil)
	rows, _ = csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if len(rows) != 2 || rows[1][16] != "'=SUM(A1)" || rows[1][18] != "985141000123456" {
		t.Errorf("intake cells: %q", rows)
	}
	// The list's other filters: location, the exact microchip, feeding.
	a.Do(t, "PUT", "/api/pets/"+rows[1][0], map[string]any{"location": "Kennel 3"})
	for _, q := range []string{"location=kennel%203", "q=985141000123456"} {
		r = a.Do(t, "GET", "/api/pets/export?"+q, nil)
		if got, _ := csv.NewReader(bytes.NewReader(r.Body)).ReadAll(); r.Status != 200 || len(got) != 2 || got[1][1] != "Chip" {
			t.Errorf("export?%s: %d %q", q, r.Status, got)
		}
	}
	if r = a.Do(t, "GET", "/api/pets/export?feeding=overdue", nil); r.Status != 200 {
		t.Errorf("export?feeding=overdue: %d %s", r.Status, r.Body)
	}

	// The filters, and JSON.
	r = a.Do(t, "GET", "/api/pets/export?format=json&excludeDeleted=true&sort=name&q=u", nil)
	var pets []shelter.Pet
	r.JSON(t, &pets)
	if r.Status != 200 || len(pets) != 3 || pets[0].Name != "-minus" || pets[2].Name != `Quote "Q", comma` {
		t.Fatalf("json: %d %+v", r.Status, pets)
	}
	r = a.Do(t, "GET", "/api/pets/export?format=json&species=dog", nil)
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("empty json: %d %s", r.Status, r.Body)
	}
	r = a.Do(t, "GET", "/api/pets/export?species=dog", nil)
	if r.Status != 200 || strings.Count(string(r.Body), "\n") != 1 {
		t.Errorf("empty csv: %d %q", r.Status, r.Body)
	}
	r = a.Do(t, "GET", "/api/pets/export?format=xlsx&status=lost&sort=random&excludeDeleted=maybe", nil)
	if e := r.Err(t); r.Status != 400 || strings.Join(e.fields(), ",") != "format,status,sort,excludeDeleted" {
		t.Errorf("invalid: %d %s", r.Status, r.Body)
	}
	if r := a.DoRaw(t, "GET", "/api/pets/export", "", nil, map[string]string{"Authorization": ""}); r.Status != 401 {
		t.Errorf("without credentials: %d", r.Status)
	}
}
