package auth

import (
	"context"
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// CredentialStore is what the AuthService reads about users.
type CredentialStore interface {
	// FindCredentials returns the user with the email and its password
	// hash; ENOTFOUND if none.
	FindCredentials(ctx context.Context, email string) (*scalefield.User, string, error)
	// FindMemberships returns the tenants the user belongs to.
	FindMemberships(ctx context.Context, userID string) ([]scalefield.TenantMembership, error)
}

var _ scalefield.AuthService = (*Service)(nil)

// Service signs users in with a password and verifies access tokens.
type Service struct {
	Users  CredentialStore
	Signer *Signer
}

// errBadCredentials is the one answer to a wrong email or password, so the
// reply does not tell which accounts exist.
var errBadCredentials = scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid email or password")

// Login checks the password and issues a token for the chosen tenant.
func (s *Service) Login(ctx context.Context, req scalefield.LoginRequest) (*scalefield.LoginResult, error) {
	if strings.TrimSpace(req.Email) == "" || req.Password == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "email and password are required")
	}
	user, hash, err := s.Users.FindCredentials(ctx, req.Email)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		_, _ = VerifyPassword(dummyHash, req.Password)
		return nil, errBadCredentials
	} else if err != nil {
		return nil, err
	}
	ok, err := VerifyPassword(hash, req.Password)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	} else if !ok {
		return nil, errBadCredentials
	}

	memberships, err := s.Users.FindMemberships(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	m, err := chooseTenant(memberships, strings.ToLower(strings.TrimSpace(req.TenantSlug)))
	if err != nil {
		return nil, err
	}
	token, exp, err := s.Signer.Issue(user.ID, m.Tenant.ID, m.Role)
	if err != nil {
		return nil, err
	}
	return &scalefield.LoginResult{Token: token, ExpiresAt: exp, User: user, Tenant: m.Tenant, Role: m.Role}, nil
}

func chooseTenant(ms []scalefield.TenantMembership, slug string) (*scalefield.TenantMembership, error) {
	switch {
	case len(ms) == 0:
		return nil, scalefield.Errorf(scalefield.EFORBIDDEN, "this account is not a member of any tenant")
	case slug == "" && len(ms) == 1:
		return &ms[0], nil
	case slug == "":
		return nil, scalefield.Errorf(scalefield.EINVALID, "this account belongs to several tenants: choose one")
	}
	for i := range ms {
		if ms[i].Tenant.Slug == slug {
			return &ms[i], nil
		}
	}
	return nil, scalefield.Errorf(scalefield.EINVALID, "this account is not a member of tenant %q", slug)
}

// Authenticate verifies an access token.
func (s *Service) Authenticate(ctx context.Context, token string) (*scalefield.Session, error) {
	if token == "" {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "sign in required")
	}
	return s.Signer.Verify(token)
}
