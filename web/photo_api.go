package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// photoJSON is a photo as the API shows it.
type photoJSON struct {
	ID          string `json:"id"`
	PetID       string `json:"petId"`
	Primary     bool   `json:"primary"`
	Format      string `json:"format"`
	Bytes       int    `json:"bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ThumbWidth  int    `json:"thumbWidth"`
	ThumbHeight int    `json:"thumbHeight"`
	ThumbURL    string `json:"thumbUrl"`
	LargeURL    string `json:"largeUrl"`
	Actor       string `json:"actor"`
	CreatedAt   int64  `json:"createdAt"`
}

func toPhotoJSON(ph *shelter.Photo) photoJSON {
	return photoJSON{ID: ph.ID, PetID: ph.PetID, Primary: ph.Primary, Format: ph.Format, Bytes: ph.Bytes,
		Width: ph.Width, Height: ph.Height, ThumbWidth: ph.ThumbWidth, ThumbHeight: ph.ThumbHeight,
		ThumbURL: views.PhotoURL(ph, shelter.PhotoThumb), LargeURL: views.PhotoURL(ph, shelter.PhotoLarge),
		Actor: ph.Actor, CreatedAt: ph.CreatedAt}
}

// photos returns the photo service, or ENOTIMPLEMENTED when the server
// was built without one.
func (s *Server) photoService() (shelter.PhotoService, error) {
	if s.photos == nil {
		return nil, shelter.Errorf(shelter.ENOTIMPLEMENTED, "Photos are not available on this server")
	}
	return s.photos, nil
}

// handlePhotoCreate answers POST /{ns}/pets/:id/photos (multipart field
// file): 201 with the photo.
func (s *Server) handlePhotoCreate(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		ps, err := s.photoService()
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		if _, err := s.pets.FindPetByID(ctx, c.Param("id")); err != nil {
			return err // 404 before reading a large body
		}
		np, err := readUpload(c)
		if err != nil {
			return err
		}
		ph, err := ps.AddPhoto(ctx, o, c.Param("id"), np)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, toPhotoJSON(ph))
	}
}

// handlePhotoList answers GET /{ns}/pets/:id/photos.
func (s *Server) handlePhotoList(c echo.Context) error {
	ps, err := s.photoService()
	if err != nil {
		return err
	}
	if _, err := apiQuery(c); err != nil {
		return err
	}
	list, err := ps.FindPhotos(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]photoJSON, len(list))
	for i, ph := range list {
		out[i] = toPhotoJSON(ph)
	}
	return c.JSON(http.StatusOK, out)
}

// handlePhotoDelete answers DELETE /{ns}/pets/:id/photos/:photoId: 204.
func (s *Server) handlePhotoDelete(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		ps, err := s.photoService()
		if err != nil {
			return err
		}
		if err := ps.DeletePhoto(c.Request().Context(), o, c.Param("id"), c.Param("photoId")); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// handlePhotoUpdate answers PUT /{ns}/pets/:id/photos/:photoId with
// {"primary": true}: 200 with the photo.
func (s *Server) handlePhotoUpdate(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		ps, err := s.photoService()
		if err != nil {
			return err
		}
		obj, err := readJSONObject(c)
		if err != nil {
			return err
		}
		var fe []shelter.FieldError
		for _, k := range obj.keys {
			if k != "primary" {
				fe = append(fe, shelter.FieldError{Field: k, Message: msgUnknownField})
			}
		}
		if raw, ok := obj.values["primary"]; !ok || string(raw) != "true" {
			fe = append(fe, shelter.FieldError{Field: "primary", Message: "must be true (choose another photo to change the primary one)"})
		}
		if len(fe) > 0 {
			return &shelter.Error{Code: shelter.EINVALID, Message: "Invalid payload: {primary: true}", Fields: fe}
		}
		ph, err := ps.SetPrimaryPhoto(c.Request().Context(), o, c.Param("id"), c.Param("photoId"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toPhotoJSON(ph))
	}
}

// handlePhotoFile serves one stored copy, GET /photos/:photoId/:file with
// file "<size>-<hash>.jpg". The address changes with the content, so the
// answer may be cached for good.
func (s *Server) handlePhotoFile(c echo.Context) error {
	ps, err := s.photoService()
	if err != nil {
		return err
	}
	size, hash, ok := views.ParsePhotoFile(c.Param("file"))
	if !ok {
		return shelter.ErrNotFound()
	}
	data, err := ps.FindPhotoData(c.Request().Context(), c.Param("photoId"), size, hash)
	if err != nil {
		return err
	}
	return servePhoto(c, data, hash)
}

// servePhoto writes a stored copy with the headers of an immutable file.
func servePhoto(c echo.Context, data []byte, hash string) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+hash+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "image/jpeg", data)
}
