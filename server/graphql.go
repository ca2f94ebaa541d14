package server

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph"
)

// newGraphQLHandler builds the GraphQL handler with only the transports the
// API offers: POST JSON, GET for queries, and graphql-transport-ws over
// WebSocket (token in connection_init, Origin checked).
func newGraphQLHandler(cfg Config, resolver *graph.Resolver, auth scalefield.AuthService, limiter scalefield.RateLimiter, log *slog.Logger) *handler.Server {
	srv := handler.New(graph.NewSchema(resolver, log))

	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			// The Origin must be this server's own host or one configured.
			OriginPatterns: cfg.AllowedOrigins,
		}},
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			token := bearerToken(payload.Authorization())
			if token == "" {
				if v, ok := payload["authToken"].(string); ok {
					token = v
				}
			}
			session, err := auth.Authenticate(ctx, token)
			if err != nil {
				// graphql-transport-ws: a refused connection_init closes with
				// 4403 Forbidden, which clients treat as final (no retry).
				ctx = transport.WithWebsocketCloseCode(ctx, 4403)
				return transport.AppendCloseReason(ctx, "Forbidden"), nil, err
			}
			// The connection lives as long as its sign-in: cancelling this
			// context closes it, and CloseFunc stops the check.
			ctx, stop := context.WithCancel(scalefield.NewContextWithSession(ctx, session))
			ctx = context.WithValue(ctx, stopCheckKey{}, stop)
			go recheckSession(ctx, stop, auth, token, cmp.Or(cfg.SessionCheck, 30*time.Second), log)
			return ctx, nil, nil
		},
		CloseFunc: func(ctx context.Context, _ int) {
			if stop, ok := ctx.Value(stopCheckKey{}).(context.CancelFunc); ok {
				stop()
			}
		},
		ErrorFunc: func(ctx context.Context, err error) {
			log.DebugContext(ctx, "websocket closed", "error", err)
		},
	})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(cfg.ComplexityLimit))
	presenter := graph.ErrorPresenter(log)
	srv.SetErrorPresenter(presenter)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "graphql panic", "panic", v)
		return scalefield.Errorf(scalefield.EINTERNAL, "internal error")
	})
	srv.AroundRootFields(graph.RequireSession)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		op := "unknown"
		if oc.Operation != nil {
			op = string(oc.Operation.Operation)
		}
		// Operation names come from clients, so they are not a label.
		graphQLOperations.WithLabelValues(op).Inc()
		// Each caller spends the operation's complexity from a shared budget,
		// so aliases and batching cost what they ask for.
		if s := scalefield.SessionFromContext(ctx); s != nil && limiter != nil {
			cost := 1
			if stats := extension.GetComplexityStats(ctx); stats != nil && stats.Complexity > 1 {
				cost = stats.Complexity
			}
			if err := limiter.Allow(ctx, "graphql:"+s.Subject(), cfg.GraphQLRate, cost); err != nil {
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presenter(ctx, err)}})
			}
		}
		return next(ctx)
	})
	return srv
}

// bearerToken returns the token of an "Authorization: Bearer <token>" value.
func bearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

type stopCheckKey struct{}

// recheckSession authenticates token every interval until ctx ends, and
// calls stop (closing the WebSocket) once it is refused: the session was
// signed out or revoked, the API key revoked, or the token expired. A
// failure to check (the database unreachable) keeps the connection until
// the next check.
func recheckSession(ctx context.Context, stop context.CancelFunc, auth scalefield.AuthService, token string, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, err := auth.Authenticate(ctx, token)
		switch {
		case err == nil:
		case scalefield.ErrorCode(err) == scalefield.EUNAUTHORIZED:
			log.InfoContext(ctx, "websocket closed: its sign-in ended", "reason", scalefield.ErrorMessage(err))
			stop()
			return
		case ctx.Err() == nil:
			log.WarnContext(ctx, "websocket: could not check its sign-in", "error", err)
		}
	}
}
