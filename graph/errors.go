package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	scalefield "github.com/scalefield/scalefield"
)

// GraphQL error codes in extensions.code, one per domain error code. They
// are part of the API contract.
var graphQLCodes = map[string]string{
	scalefield.EINVALID:      "INVALID",
	scalefield.ENOTFOUND:     "NOT_FOUND",
	scalefield.EUNAUTHORIZED: "UNAUTHENTICATED",
	scalefield.EFORBIDDEN:    "FORBIDDEN",
	scalefield.ECONFLICT:     "CONFLICT",
	scalefield.ERATELIMIT:    "RATE_LIMITED",
	scalefield.EUNAVAILABLE:  "UNAVAILABLE",
	scalefield.EINTERNAL:     "INTERNAL",
}

// Code returns the GraphQL extensions.code for err.
func Code(err error) string { return graphQLCodes[scalefield.ErrorCode(err)] }

// ErrorPresenter maps errors to GraphQL errors with a stable
// extensions.code. Domain errors keep their safe message; anything else is
// logged and shown as "internal error".
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		// Errors gqlgen raises itself (parse, validation, complexity) carry
		// their own code and no domain error.
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			return gqlErr
		}
		presented := graphql.DefaultErrorPresenter(ctx, err)
		code := scalefield.ErrorCode(err)
		if code == scalefield.EINTERNAL {
			log.ErrorContext(ctx, "graphql resolver failed", "path", presented.Path.String(), "error", err)
		}
		presented.Message = scalefield.ErrorMessage(err)
		if presented.Extensions == nil {
			presented.Extensions = map[string]any{}
		}
		presented.Extensions["code"] = Code(err)
		return presented
	}
}

// RequireSession refuses every root field without a session unless the
// schema marks it @public, and every field but those marked
// @allowMfaEnrollment to a session that must enrol MFA first. It is the
// single entry check for signed-in access; permissions (@hasPermission)
// build on the session it guarantees.
func RequireSession(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rc := graphql.GetRootFieldContext(ctx)
	s := scalefield.SessionFromContext(ctx)
	switch {
	case hasDirective(rc, "public"):
	case s == nil:
		graphql.AddError(ctx, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required"))
		return graphql.Null
	case s.Scope == scalefield.ScopeMFAEnrollment && !hasDirective(rc, "allowMfaEnrollment"):
		graphql.AddError(ctx, scalefield.Errorf(scalefield.EFORBIDDEN, "enrol a second factor (MFA) first"))
		return graphql.Null
	}
	return next(ctx)
}

// hasDirective reports whether the root field's definition carries the
// directive; introspection fields count as public.
func hasDirective(rc *graphql.RootFieldContext, name string) bool {
	if rc == nil || rc.Field.Field == nil || rc.Field.Definition == nil {
		return false
	}
	if rc.Field.Name == "__typename" || rc.Field.Name == "__schema" || rc.Field.Name == "__type" {
		return true
	}
	return rc.Field.Definition.Directives.ForName(name) != nil
}
