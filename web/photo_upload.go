package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/petstore/petstore/internal/photo"
	"github.com/petstore/petstore/internal/shelter"
)

// maxUploadBody is the body limit of a photo upload: the photo and the
// multipart envelope with its few other fields.
const maxUploadBody = photo.MaxBytes + 256<<10

// isPhotoUpload reports whether the request is a photo upload (API or
// dashboard), whose body may be larger than any other's.
func isPhotoUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && strings.HasSuffix(c.Path(), "/photos")
}

// bodyLimit caps request bodies: 64 KiB, or maxUploadBody for a photo
// upload. It runs before the CSRF check, which may read a form.
func bodyLimit() echo.MiddlewareFunc {
	small := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64KiB", Skipper: isPhotoUpload}) // = MaxBodyBytes ("64K" would mean 64,000)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := small(next)
		return func(c echo.Context) error {
			if !isPhotoUpload(c) {
				return limited(c)
			}
			req := c.Request()
			if req.ContentLength > maxUploadBody {
				return errPhotoTooLarge()
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, maxUploadBody)
			return next(c)
		}
	}
}

func errPhotoTooLarge() error {
	return shelter.Errorf(shelter.ETOOLARGE, "Photo too large: at most 10 MB")
}

// readUpload reads the photo from the multipart field "file" and turns it
// into the stored copies.
func readUpload(c echo.Context) (shelter.NewPhoto, error) {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEMultipartForm {
		return shelter.NewPhoto{}, shelter.Errorf(shelter.EUNSUPPORTED, "Unsupported media type: send multipart/form-data with the photo in the field file")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return shelter.NewPhoto{}, errPhotoTooLarge()
		}
		if errors.Is(err, http.ErrMissingFile) {
			return shelter.NewPhoto{}, &shelter.Error{Code: shelter.EINVALID, Message: "No photo: send it in the multipart field file",
				Fields: []shelter.FieldError{{Field: "file", Message: "is required"}}}
		}
		return shelter.NewPhoto{}, shelter.Errorf(shelter.EINVALID, "Invalid multipart body")
	}
	if fh.Size > photo.MaxBytes {
		return shelter.NewPhoto{}, errPhotoTooLarge()
	}
	if form, err := c.MultipartForm(); err == nil && len(form.File["file"]) > 1 {
		return shelter.NewPhoto{}, &shelter.Error{Code: shelter.EINVALID, Message: "One photo per request: send the others one by one",
			Fields: []shelter.FieldError{{Field: "file", Message: "must be sent once"}}}
	}
	if fh.Size == 0 {
		return shelter.NewPhoto{}, &shelter.Error{Code: shelter.EINVALID, Message: "The photo is empty (0 bytes)",
			Fields: []shelter.FieldError{{Field: "file", Message: "is empty"}}}
	}
	f, err := fh.Open()
	if err != nil {
		return shelter.NewPhoto{}, shelter.Errorf(shelter.EINVALID, "Invalid multipart body")
	}
	defer f.Close()
	data, err := photo.ReadLimited(f)
	if err != nil {
		return shelter.NewPhoto{}, err
	}
	p, err := photo.Process(req.Context(), data)
	if err != nil {
		return shelter.NewPhoto{}, err
	}
	return shelter.NewPhoto{
		Format: p.Format, Bytes: len(data),
		Thumb: shelter.PhotoCopy{Data: p.Thumb.Data, Width: p.Thumb.Width, Height: p.Thumb.Height, Hash: p.Thumb.Hash},
		Large: shelter.PhotoCopy{Data: p.Large.Data, Width: p.Large.Width, Height: p.Large.Height, Hash: p.Large.Hash},
	}, nil
}
