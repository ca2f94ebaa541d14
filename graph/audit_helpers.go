package graph

import (
	"context"

	scalefield "github.com/scalefield/scalefield"
)

// auditEntry starts an audit entry for an action of the caller, with the
// client address of the request.
func auditEntry(ctx context.Context, action string) *scalefield.AuditEntry {
	return scalefield.NewAuditEntry(ctx, action, scalefield.RemoteAddrFromContext(ctx))
}

type userAgentKey struct{}

// WithUserAgent returns a copy of ctx carrying the client's User-Agent,
// which sessions record.
func WithUserAgent(ctx context.Context, ua string) context.Context {
	return context.WithValue(ctx, userAgentKey{}, ua)
}

// UserAgentFromContext returns the client's User-Agent, or "".
func UserAgentFromContext(ctx context.Context) string {
	s, _ := ctx.Value(userAgentKey{}).(string)
	return s
}
