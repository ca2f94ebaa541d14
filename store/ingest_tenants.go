package store

import (
	"context"

	scalefield "github.com/scalefield/scalefield"
)

// ResolveIngestTenant returns the tenant a receiver is configured for, by
// slug or, when slug is empty, by ID. Receivers resolve their tenant once
// at start, before any request, so this is a lookup on the privileged pool.
// ENOTFOUND if no such tenant exists.
func (s *TenantService) ResolveIngestTenant(ctx context.Context, slug, id string) (*scalefield.Tenant, error) {
	if slug != "" {
		return findTenant(ctx, s.db.Pool, "slug = $1", slug)
	}
	if !uuidForm(id) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "tenant not found")
	}
	return findTenant(ctx, s.db.Pool, "id = $1::uuid", id)
}

// uuidForm reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form,
// so a malformed ID reads as not found instead of failing the query.
func uuidForm(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
