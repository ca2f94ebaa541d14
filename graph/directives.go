package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"

	scalefield "github.com/scalefield/scalefield"
)

// NewSchema returns the executable schema with its directives bound:
// @hasPermission asks the Authorizer, and records refusals in the audit log.
func NewSchema(r *Resolver, log *slog.Logger) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{
		Resolvers: r,
		Directives: DirectiveRoot{
			HasPermission: func(ctx context.Context, obj any, next graphql.Resolver, resource, action string) (any, error) {
				perm := scalefield.Permission(resource + ":" + action)
				if err := r.Authorizer.Authorize(ctx, perm); err != nil {
					if scalefield.ErrorCode(err) == scalefield.EFORBIDDEN {
						e := auditEntry(ctx, scalefield.AuditAccessDenied)
						e.Details = map[string]any{"permission": string(perm), "field": graphql.GetFieldContext(ctx).Field.Name}
						if aerr := r.AuditService.AppendAudit(ctx, e); aerr != nil {
							log.ErrorContext(ctx, "audit access denied", "error", aerr)
						}
					}
					return nil, err
				}
				return next(ctx)
			},
		},
	})
}
