//go:build tools

// Package scalefield's tools file pins code generators in go.mod.
package scalefield

import _ "github.com/99designs/gqlgen"
