package activityfile

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Manifest describes one activity file. It is stored as JSON next to the
// file under ManifestName(File) and written only after the file is complete,
// so the import stage lists manifests, never bare files.
type Manifest struct {
	SchemaVersion int `json:"schema_version"`
	// File is the Parquet file's base name (no directory), ending in .parquet.
	File string `json:"file"`
	// Rows is the number of rows, Bytes the file's size, SHA256 the hex
	// sha256 of its bytes.
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// MinTime and MaxTime bound the rows' times (UTC, microseconds); zero
	// when the file has no rows.
	MinTime time.Time `json:"min_time"`
	MaxTime time.Time `json:"max_time"`
	// Source names the collector; Engine and Host the database it reads.
	Source string `json:"source"`
	Engine string `json:"engine,omitempty"`
	Host   string `json:"host,omitempty"`
	// FirstPosition and LastPosition are the Position of the first and last
	// row written (an LSN, or "file:offset"): the collector's resume point
	// is LastPosition once the file is stored.
	FirstPosition string    `json:"first_position,omitempty"`
	LastPosition  string    `json:"last_position,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	AgentID       string    `json:"agent_id,omitempty"`
}

// minFileSize is the size of an empty Parquet file's framing: magic, footer
// length, magic.
const minFileSize = 12

// Validate reports a *CorruptError with ReasonBadManifest when m is not a
// manifest this build can import.
func (m *Manifest) Validate() error {
	bad := func(format string, args ...any) error {
		return corrupt(ReasonBadManifest, nil, format, args...)
	}
	switch {
	case m.SchemaVersion != SchemaVersion:
		return bad("schema version %d, this build reads %d", m.SchemaVersion, SchemaVersion)
	case m.File == "" || !strings.HasSuffix(m.File, FileExt) || len(m.File) == len(FileExt):
		return bad("file %q is not a .parquet name", m.File)
	case strings.ContainsAny(m.File, `/\`) || m.File == ".." || strings.HasPrefix(m.File, "."):
		return bad("file %q is not a base name", m.File)
	case m.Rows < 0:
		return bad("rows %d is negative", m.Rows)
	case m.Bytes < minFileSize:
		return bad("bytes %d is too small for a Parquet file", m.Bytes)
	case !isSHA256Hex(m.SHA256):
		return bad("sha256 %q is not 64 lowercase hex digits", m.SHA256)
	case m.Source == "":
		return bad("source is empty")
	case m.CreatedAt.IsZero():
		return bad("created_at is missing")
	}
	if m.Rows > 0 {
		if m.MinTime.IsZero() || m.MaxTime.IsZero() {
			return bad("time range is missing for %d rows", m.Rows)
		}
		if m.MaxTime.Before(m.MinTime) {
			return bad("max_time %s is before min_time %s", m.MaxTime, m.MinTime)
		}
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Marshal returns m as indented JSON with a trailing newline, after Validate.
func (m *Manifest) Marshal() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// ParseManifest decodes and validates a manifest. Unknown fields are
// ignored so newer agents may add some; a schema version this build does not
// read is an error. Errors are *CorruptError with ReasonBadManifest.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, corrupt(ReasonBadManifest, err, "decode manifest")
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// sumHex formats a sha256 sum as the manifest stores it.
func sumHex(sum []byte) string { return hex.EncodeToString(sum) }
