package scalefield

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients match on them, so they never change
// meaning. The GraphQL layer maps them to extensions.code, the HTTP layer to
// status codes.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized" // not signed in, or bad credentials
	EFORBIDDEN    = "forbidden"    // signed in, but not allowed
	ECONFLICT     = "conflict"
	ERATELIMIT    = "rate_limit"
	EUNAVAILABLE  = "unavailable" // temporarily unable to serve; retry later
	EINTERNAL     = "internal"
)

// Error is the one error type of the domain. Message is safe to show to the
// caller; anything else stays in the wrapped error for the log.
type Error struct {
	Code    string
	Message string
	// Err is the cause, never shown to clients.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("scalefield error: code=%s message=%s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("scalefield error: code=%s message=%s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first Error in err's chain, or
// "internal error" for any other error, so causes never leak to clients.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
