// Package graph is the GraphQL API of Scalefield: one schema file per domain
// (*.graphqls) with its resolvers beside it. Resolvers convert arguments,
// call a domain service and convert the result; they hold no business logic.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import scalefield "github.com/scalefield/scalefield"

// Resolver holds the services the resolvers call. It is built once by
// cmd/scalefield and shared by every request.
type Resolver struct {
	AuthService   scalefield.AuthService
	TenantService scalefield.TenantService
	UserService   scalefield.UserService
	EventService  scalefield.EventService
	EventBroker   scalefield.EventBroker
}
