package shelter

import (
	"errors"
	"fmt"
)

// Error codes. Each is translated to an HTTP status in exactly one place
// (package web); everything else only returns them.
const (
	ECONFLICT       = "conflict"        // the request conflicts with the current state
	EINTERNAL       = "internal"        // a bug or an unavailable dependency
	EINVALID        = "invalid"         // the input fails validation
	ENOTFOUND       = "not_found"       // the thing asked for does not exist
	ETOOLARGE       = "too_large"       // the request body is too large
	EUNSUPPORTED    = "unsupported"     // the request's media type is not accepted
	EUNAVAILABLE    = "unavailable"     // a dependency (the database) does not answer
	ENOTIMPLEMENTED = "not_implemented" // the feature is switched off
)

// FieldError names one problem with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type of the application. Code says what kind of
// failure it is; Message is safe to show to the user.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("shelter error: code=%s message=%s", e.Code, e.Message)
	}
	return fmt.Sprintf("shelter error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's message,
// or "Internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error"
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrNotFound is the error for a pet, job or event that does not exist.
func ErrNotFound() *Error { return &Error{Code: ENOTFOUND, Message: "Not found"} }
