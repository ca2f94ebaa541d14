package graph

import "context"

type remoteAddrKey struct{}

// WithRemoteAddr returns a copy of ctx carrying the client's address, which
// the HTTP layer sets for the audit trail and rate limits.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteAddrKey{}, addr)
}

// RemoteAddrFromContext returns the client's address, or "".
func RemoteAddrFromContext(ctx context.Context) string {
	s, _ := ctx.Value(remoteAddrKey{}).(string)
	return s
}
