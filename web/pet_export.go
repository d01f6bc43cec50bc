package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// PetExporter walks every pet a filter selects, in constant memory (the
// store's EachPet).
type PetExporter interface {
	EachPet(ctx context.Context, f shelter.PetFilter, fn func(*shelter.Pet) error) error
}

// csvHeader is the export's header row; csvRow follows it.
var csvHeader = []string{"id", "name", "species", "ageMonths", "status", "notes", "createdAt", "updatedAt",
	"nextFeedingAt", "deletedAt", "purgeAt", "bio", "breedGuess", "temperamentTags", "adopterHints",
	"sex", "breed", "color", "microchip", "location", "intakeType"}

func csvRow(p *shelter.Pet) []string {
	row := []string{p.ID, p.Name, string(p.Species), strconv.Itoa(p.AgeMonths), string(p.Status), p.Notes,
		csvTime(p.CreatedAt), csvTime(p.UpdatedAt), csvTime(p.NextFeedingAt), csvTime(p.DeletedAt), csvTime(p.PurgeAt), "", "", "", "",
		string(p.Sex), p.Breed, p.Color, p.Microchip, p.Location, string(p.IntakeType)}
	if pr := p.Profile; pr != nil {
		row[11], row[12], row[13], row[14] = pr.Bio, pr.BreedGuess, strings.Join(pr.TemperamentTags, "; "), pr.AdopterHints
	}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// csvTime is a time for a spreadsheet: RFC 3339 in UTC, empty when unset.
func csvTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// csvSafe defuses a cell a spreadsheet would run as a formula (OWASP's
// CSV injection advice): one that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// handlePetExport answers GET /api/pets/export?format=csv|json: every pet
// the list's filters select (status, species, feeding, q, location; sort
// id, newest, name or age; excludeDeleted=true for what the board shows), streamed in batches
// so that memory does not grow with the number of pets. CSV is UTF-8 with
// a header row; JSON is an array of pets as the list serves them (and as
// `petstore import` reads them back).
func (s *Server) handlePetExport(c echo.Context) error {
	ex, ok := s.pets.(PetExporter)
	if !ok {
		return shelter.Errorf(shelter.ENOTIMPLEMENTED, "Export is not available on this server")
	}
	q, err := apiQuery(c, "format", "status", "species", "feeding", "q", "location", "sort", "excludeDeleted")
	if err != nil {
		return err
	}
	f := shelter.PetFilter{Sort: shelter.SortID, Query: q.Get("q"), Location: q.Get("location")}
	var fe []shelter.FieldError
	if p := searchProblem(f.Query); p != nil {
		fe = append(fe, *p)
	}
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		fe = append(fe, shelter.FieldError{Field: "format", Message: "must be csv or json"})
	}
	if v := q.Get("status"); v != "" {
		if f.Status = shelter.Status(v); !f.Status.Valid() {
			fe = append(fe, shelter.FieldError{Field: "status", Message: statusMessage})
		}
	}
	if v := q.Get("species"); v != "" {
		if f.Species = shelter.Species(v); !f.Species.Valid() {
			fe = append(fe, shelter.FieldError{Field: "species", Message: shelter.SpeciesMessage})
		}
	}
	if v := q.Get("feeding"); v != "" {
		if f.Feeding = shelter.FeedingState(v); f.Feeding != shelter.FeedingDue && f.Feeding != shelter.FeedingOverdue {
			fe = append(fe, shelter.FieldError{Field: "feeding", Message: "must be due or overdue"})
		}
	}
	if v := q.Get("sort"); v != "" {
		if f.Sort = shelter.PetSort(v); !f.Sort.Valid() {
			fe = append(fe, shelter.FieldError{Field: "sort", Message: "must be one of id, newest, name, age"})
		}
	}
	if v := q.Get("excludeDeleted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fe = append(fe, shelter.FieldError{Field: "excludeDeleted", Message: "must be true or false"})
		}
		f.ExcludeDeleted = b
	}
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}

	ctx := c.Request().Context()
	res := c.Response()
	name := "pets-" + s.now().UTC().Format("2006-01-02") + "." + format
	h := res.Header()
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	// Nothing is written before the first batch is read, so a database
	// that does not answer still gets a proper error answer.
	started := false
	start := func(contentType string) {
		if !started {
			started = true
			h.Set(echo.HeaderContentType, contentType)
			res.WriteHeader(http.StatusOK)
		}
	}
	bw := bufio.NewWriterSize(res, 32<<10)
	if format == "csv" {
		w := csv.NewWriter(bw)
		err = ex.EachPet(ctx, f, func(p *shelter.Pet) error {
			if !started {
				start("text/csv; charset=utf-8")
				if err := w.Write(csvHeader); err != nil {
					return err
				}
			}
			return w.Write(csvRow(p))
		})
		if err == nil && !started { // no pet: the header alone
			start("text/csv; charset=utf-8")
			err = w.Write(csvHeader)
		}
		w.Flush()
		if err == nil {
			err = w.Error()
		}
	} else {
		err = ex.EachPet(ctx, f, func(p *shelter.Pet) error {
			sep := ",\n"
			if !started {
				start(echo.MIMEApplicationJSON)
				sep = "[\n"
			}
			b, err := json.Marshal(p)
			if err != nil {
				return err
			}
			bw.WriteString(sep)
			_, err = bw.Write(b)
			return err
		})
		if err == nil {
			if started {
				bw.WriteString("\n]\n")
			} else {
				start(echo.MIMEApplicationJSON)
				bw.WriteString("[]\n")
			}
		}
	}
	if err != nil && !started {
		return err // nothing sent yet: the one error handler answers
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		// Too late for an error answer: the client sees a cut body.
		s.log.Warn("export ended early", "format", format, "err", err)
	}
	return nil
}
