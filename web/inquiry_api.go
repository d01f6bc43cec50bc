package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// inquiryService returns the inquiries, or ENOTIMPLEMENTED without them.
func (s *Server) inquiryService() (shelter.InquiryService, error) {
	if s.inquiries == nil {
		return nil, shelter.Errorf(shelter.ENOTIMPLEMENTED, "Inquiries are not available on this server")
	}
	return s.inquiries, nil
}

// handleInquiryList answers GET /api/inquiries?state=open|closed&petId=:
// newest first.
func (s *Server) handleInquiryList(c echo.Context) error {
	is, err := s.inquiryService()
	if err != nil {
		return err
	}
	q, err := apiQuery(c, "state", "petId", "limit", "before")
	if err != nil {
		return err
	}
	f := shelter.InquiryFilter{State: shelter.InquiryState(q.Get("state")), PetID: q.Get("petId")}
	var fe []shelter.FieldError
	f.Before, fe = queryBefore(q, "an inquiry's id")
	if f.State != "" && f.State != shelter.InquiryOpen && f.State != shelter.InquiryClosed {
		fe = append(fe, shelter.FieldError{Field: "state", Message: "must be open or closed"})
	}
	if n, err := strconv.ParseInt(f.PetID, 10, 64); f.PetID != "" && (err != nil || n <= 0) {
		fe = append(fe, shelter.FieldError{Field: "petId", Message: "must be a pet's id (a whole number)"})
	}
	limit, ferr := queryLimit(q)
	if ferr != nil {
		fe = append(fe, *ferr)
	}
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}
	f.Limit = limit
	list, err := is.FindInquiries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(list) == limit && limit > 0 {
		id, _ := strconv.ParseInt(list[len(list)-1].ID, 10, 64)
		linkBefore(c, q, []string{"state", "petId", "limit"}, id)
	}
	return c.JSON(http.StatusOK, list)
}

// handleInquiryClose answers POST /api/inquiries/:id/close with
// {"reason": "…"}: the inquiry, declined.
func (s *Server) handleInquiryClose(c echo.Context) error {
	o, err := origin(c, "api")
	if err != nil {
		return err
	}
	is, err := s.inquiryService()
	if err != nil {
		return err
	}
	obj, err := readJSONObject(c)
	if err != nil {
		return err
	}
	var fe []shelter.FieldError
	for _, k := range obj.keys {
		if k != "reason" {
			fe = append(fe, shelter.FieldError{Field: k, Message: msgUnknownField})
		}
	}
	reason, ok := jsonString(obj.values["reason"])
	if !ok {
		fe = append(fe, shelter.FieldError{Field: "reason", Message: "is required: a string of 1 to 500 characters"})
	}
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: "Invalid payload: {reason}", Fields: fe}
	}
	in, err := is.CloseInquiry(c.Request().Context(), o, c.Param("id"), reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}
