package activityfile

import (
	"errors"
	"fmt"

	"github.com/scalefield/scalefield"
)

// Reason says why a file is corrupt. Reasons are stable strings: the import
// stage stores them with the quarantined file.
type Reason string

// Reasons a file is corrupt.
const (
	// ReasonTruncated: the file is shorter than it should be (no footer,
	// fewer bytes than its manifest says, or data cut off mid-page).
	ReasonTruncated Reason = "truncated"
	// ReasonBadMagic: the file does not start with Parquet's magic bytes.
	ReasonBadMagic Reason = "bad_magic"
	// ReasonBadFooter: the footer (file metadata) cannot be decoded.
	ReasonBadFooter Reason = "bad_footer"
	// ReasonSchemaMismatch: the file is Parquet but not an activity file of a
	// schema version this build reads.
	ReasonSchemaMismatch Reason = "schema_mismatch"
	// ReasonChecksumMismatch: the bytes do not hash to the manifest's sha256.
	ReasonChecksumMismatch Reason = "checksum_mismatch"
	// ReasonBadData: a page fails its CRC or cannot be decoded.
	ReasonBadData Reason = "bad_data"
	// ReasonBadManifest: the manifest is not valid JSON or fails Validate.
	ReasonBadManifest Reason = "bad_manifest"
)

// ErrCorrupt matches every CorruptError with errors.Is.
var ErrCorrupt = errors.New("corrupt activity file")

// CorruptError reports a file (or manifest) that cannot be imported as it
// is. It is not worth retrying: the same bytes fail the same way. Besides
// ErrCorrupt and its cause it matches a *scalefield.Error with code
// EINVALID, so scalefield.ErrorCode(err) is "invalid".
type CorruptError struct {
	Reason Reason
	// Detail says what was found, for the quarantine record and the log.
	Detail string
	// Err is the cause, if any.
	Err error
}

// Error implements the error interface.
func (e *CorruptError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("corrupt activity file (%s): %s: %v", e.Reason, e.Detail, e.Err)
	}
	return fmt.Sprintf("corrupt activity file (%s): %s", e.Reason, e.Detail)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the domain error for the code and the cause.
func (e *CorruptError) Unwrap() []error {
	errs := []error{&scalefield.Error{
		Code:    scalefield.EINVALID,
		Message: fmt.Sprintf("corrupt activity file: %s", e.Reason),
	}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func corrupt(reason Reason, err error, format string, args ...any) *CorruptError {
	return &CorruptError{Reason: reason, Detail: fmt.Sprintf(format, args...), Err: err}
}

// ReasonOf returns the Reason of the first CorruptError in err's chain, or ""
// if there is none.
func ReasonOf(err error) Reason {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}
