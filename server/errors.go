package server

import (
	"encoding/json"
	"net/http"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph"
)

// writeGraphQLError answers a GraphQL request refused before execution, in
// the GraphQL response shape so clients handle it like any other error.
func writeGraphQLError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    scalefield.ErrorMessage(err),
			"extensions": map[string]any{"code": graph.Code(err)},
		}},
	})
}
