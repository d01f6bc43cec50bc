package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// codes translates the domain's error codes to HTTP statuses: the only
// place that does.
var codes = map[string]int{
	shelter.ECONFLICT:       http.StatusConflict,
	shelter.EPRECONDITION:   http.StatusPreconditionFailed,
	shelter.EINVALID:        http.StatusBadRequest,
	shelter.ENOTFOUND:       http.StatusNotFound,
	shelter.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	shelter.EUNSUPPORTED:    http.StatusUnsupportedMediaType,
	shelter.EUNAVAILABLE:    http.StatusServiceUnavailable,
	shelter.ENOTIMPLEMENTED: http.StatusNotImplemented,
	shelter.EINTERNAL:       http.StatusInternalServerError,
	shelter.EUNAUTHORIZED:   http.StatusUnauthorized,
	shelter.EFORBIDDEN:      http.StatusForbidden,
	shelter.ETHROTTLED:      http.StatusTooManyRequests,
}

// retryAfterUnavailable is the Retry-After (seconds) of a 503: the
// database is busy, or a storage fault waits for an operator.
const retryAfterUnavailable = "5"

// errorBody is the JSON of every error answer.
type errorBody struct {
	Message string               `json:"message"`
	Errors  []shelter.FieldError `json:"errors,omitempty"`
}

// asDomainError turns echo's own errors (unknown route, wrong method, body
// too large) into the domain's, so one table decides every status.
func asDomainError(err error) (*shelter.Error, int) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return shelter.ErrNotFound(), he.Code
		case http.StatusMethodNotAllowed:
			return &shelter.Error{Code: "method_not_allowed", Message: "Method not allowed"}, he.Code
		case http.StatusRequestEntityTooLarge:
			return &shelter.Error{Code: shelter.ETOOLARGE, Message: "Request body too large (limit 64 KiB)"}, he.Code
		case http.StatusForbidden: // the CSRF check refusing a cross-site request
			return errCSRF(), he.Code
		case http.StatusUnsupportedMediaType:
			return &shelter.Error{Code: shelter.EUNSUPPORTED, Message: "Unsupported media type: send application/json"}, he.Code
		}
		if he.Code < 500 {
			msg := http.StatusText(he.Code)
			if m, ok := he.Message.(string); ok {
				msg = m
			}
			return &shelter.Error{Code: "http", Message: msg}, he.Code
		}
	}
	code := shelter.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return &shelter.Error{Code: code, Message: shelter.ErrorMessage(err), Fields: shelter.ErrorFields(err)}, status
}

// handleError is echo's HTTPErrorHandler: every error a handler returns is
// answered here. Internal errors are logged and shown as "Internal error".
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	de, status := asDomainError(err)
	var te *shelter.ThrottledError
	if errors.As(err, &te) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
	}
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", retryAfterUnavailable)
	}
	// The store logs a storage fault itself, once a minute while it lasts;
	// a line per request would bury everything else.
	if status >= 500 && de.Code != shelter.EUNAVAILABLE {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(status)
	} else if wantsHTML(c) {
		err = s.renderError(c, status, de) // the dashboard: a toast or a page
	} else {
		err = c.JSON(status, errorBody{Message: de.Message, Errors: de.Fields})
	}
	if err != nil {
		s.log.Error("write error response", "err", err)
	}
}
