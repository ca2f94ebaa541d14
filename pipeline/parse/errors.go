package parse

import "fmt"

// Format names a wire format a parser reads.
type Format string

// Formats.
const (
	RFC5424   Format = "rfc5424"
	RFC3164   Format = "rfc3164"
	CEFFormat Format = "cef"
)

// Error says why an input could not be parsed and where.
type Error struct {
	// Format is the format being parsed when the problem was found.
	Format Format
	// Offset is the byte offset in the input at which the problem was found.
	Offset int
	// Reason says what is wrong, in words safe to show to a user.
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (at byte %d)", e.Format, e.Reason, e.Offset)
}

func errorf(f Format, off int, format string, args ...any) *Error {
	return &Error{Format: f, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// trimTrailer drops the line feeds, carriage returns and NULs that framing
// leaves at the end of a message.
func trimTrailer(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case '\n', '\r', 0:
			b = b[:len(b)-1]
		default:
			return b
		}
	}
	return b
}
