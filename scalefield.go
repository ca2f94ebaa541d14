// Package scalefield holds the domain of the Scalefield security data fabric:
// its types, the service interfaces the rest of the system implements, and
// its error codes. It does no I/O and imports nothing of the project's own.
//
// Implementations live in packages named after what they depend on:
// store (PostgreSQL and Redis), server (HTTP), graph (GraphQL), auth
// (passwords and tokens), ingest (receivers) and pipeline (background stages).
package scalefield

import "time"

// Build information, set at link time by the Makefile.
var (
	Version = "dev"
	Commit  = ""
)

// Clock returns the current time. Services take one so tests control time.
type Clock func() time.Time
