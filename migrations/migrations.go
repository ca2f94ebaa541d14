// Package migrations holds the numbered SQL migrations of the Scalefield
// database, embedded into the binary and applied at start by store.Migrate.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
