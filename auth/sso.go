package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	scalefield "github.com/scalefield/scalefield"
)

// FinishSSOLogin handles the identity provider's redirect back: it takes
// the state (once), exchanges the code with the PKCE verifier, verifies the
// ID token with the provider's keys and its nonce, checks email_verified
// (when present) and the allowed domains, maps the groups to a role, finds
// or creates the user and upserts the membership, and returns a one-time
// code (SSOCodeTTL) for CompleteSSOLogin. Every failure is an *SSOError
// whose Reason names it (EUNAUTHORIZED, EFORBIDDEN for no role or a
// disallowed domain, EUNAVAILABLE when the provider cannot be reached) and
// is audited; ERATELIMIT when the address tried too often.
func (s *Service) FinishSSOLogin(ctx context.Context, tenantSlug, state, code, remoteAddr string) (string, error) {
	if err := s.ready(); err != nil {
		return "", err
	}
	ip := clientIP(remoteAddr)
	if err := s.limit(ctx, "sso", ip, s.Config.SSOLimit); err != nil {
		return "", err
	}
	var st ssoState
	raw, err := s.OneTime.TakeOnce(ctx, "sso:state:"+state)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND || state == "" {
		return "", ssoError("state", scalefield.EUNAUTHORIZED, "this sign-in attempt expired or was already used: start again")
	} else if err != nil {
		return "", err
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return "", fmt.Errorf("sso state: %w", err)
	}
	t, settings, cfg, provider, err := s.ssoTenant(ctx, tenantSlug)
	if err != nil {
		return "", err
	}
	fail := func(e *SSOError, details map[string]any) (string, error) {
		if details == nil {
			details = map[string]any{}
		}
		details["method"], details["reason"], details["issuer"] = "sso", e.Reason, settings.IssuerURL
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditLoginFailed, IP: ip, TenantID: t.ID, Details: details})
		return "", e
	}
	if st.TenantID != t.ID {
		return fail(ssoError("state", scalefield.EUNAUTHORIZED, "this sign-in attempt belongs to another tenant: start again"), nil)
	}
	if code == "" {
		return fail(ssoError("idp_error", scalefield.EUNAUTHORIZED, "the identity provider did not sign you in"), nil)
	}

	octx := oidc.ClientContext(ctx, s.httpClient())
	tok, err := cfg.Exchange(octx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		e := ssoError("exchange", scalefield.EUNAUTHORIZED, "the identity provider refused the sign-in code")
		e.Err.(*scalefield.Error).Err = err
		return fail(e, nil)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return fail(ssoError("id_token", scalefield.EUNAUTHORIZED, "the identity provider sent no ID token"), nil)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: settings.ClientID, Now: s.now}).Verify(octx, rawID)
	if err != nil {
		e := ssoError("id_token", scalefield.EUNAUTHORIZED, "the ID token could not be verified")
		e.Err.(*scalefield.Error).Err = err
		return fail(e, nil)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return fail(ssoError("nonce", scalefield.EUNAUTHORIZED, "the ID token does not belong to this sign-in attempt"), map[string]any{"subject": idt.Subject})
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("sso claims: %w", err)
	}
	email, _ := claims["email"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	details := map[string]any{"subject": idt.Subject, "email": email}
	_, domain, ok := strings.Cut(email, "@")
	if !ok || domain == "" {
		return fail(ssoError("email", scalefield.EUNAUTHORIZED, "the identity provider did not share an email address"), details)
	}
	if v, present := claims["email_verified"]; present && !truthy(v) {
		return fail(ssoError("email_unverified", scalefield.EFORBIDDEN, "your email address is not verified at the identity provider"), details)
	}
	if !domainAllowed(domain, settings.AllowedDomains) {
		return fail(ssoError("domain", scalefield.EFORBIDDEN, "accounts of %s may not sign in to this tenant", domain), details)
	}
	groups := claimStrings(claims[settings.GroupsClaim])
	details["groups"] = groups
	role := mapRole(groups, settings)
	if role == "" {
		return fail(ssoError("no_role", scalefield.EFORBIDDEN, "your groups at the identity provider give you no role in this tenant: ask your administrator"), details)
	}
	name, _ := claims["name"].(string)
	if name == "" {
		name, _ = claims["preferred_username"].(string)
	}
	user, now, before, err := s.Store.UpsertSSOMember(ctx, t.ID, email, truncate(strings.TrimSpace(name), 200), role)
	if scalefield.ErrorCode(err) == scalefield.EFORBIDDEN {
		return fail(&SSOError{Reason: "account_elsewhere", Err: err}, details)
	} else if err != nil {
		return "", err
	}
	details["role"], details["previous_role"], details["issuer"] = string(now), string(before), settings.IssuerURL
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditSSOLogin, IP: ip, TenantID: t.ID,
		TargetType: "user", TargetID: user.ID, Details: details}, user))
	if before != "" && before != now {
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditRoleChanged, IP: ip, TenantID: t.ID, ActorType: "system",
			ActorLabel: "sso", TargetType: "user", TargetID: user.ID,
			Details: map[string]any{"from": string(before), "to": string(now), "source": "sso_groups"}})
	}

	loginCode, err := randomToken(32)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(ssoCode{UserID: user.ID, TenantID: t.ID})
	if err != nil {
		return "", fmt.Errorf("sso code: %w", err)
	}
	if err := s.OneTime.PutOnce(ctx, "sso:code:"+loginCode, data, s.Config.SSOCodeTTL); err != nil {
		return "", err
	}
	return loginCode, nil
}

// truthy reads a boolean claim that some providers send as a string.
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true")
	}
	return false
}

// claimStrings reads a claim that is a string or a list of strings.
func claimStrings(v any) []string {
	switch c := v.(type) {
	case string:
		return []string{c}
	case []any:
		out := make([]string, 0, len(c))
		for _, e := range c {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// domainAllowed reports whether the email domain is one of allowed.
func domainAllowed(domain string, allowed []string) bool {
	for _, a := range allowed {
		if domain == a {
			return true
		}
	}
	return false
}

// mapRole returns the most privileged role the groups map to, else the
// default role (possibly none). It never returns platform-admin.
func mapRole(groups []string, st *scalefield.SSOSettings) scalefield.Role {
	var best scalefield.Role
	for _, g := range groups {
		if r, ok := st.GroupRoles[g]; ok && r.Valid() && r != scalefield.RolePlatformAdmin &&
			(best == "" || roleRank(r) < roleRank(best)) {
			best = r
		}
	}
	if best == "" && st.DefaultRole != scalefield.RolePlatformAdmin {
		best = st.DefaultRole
	}
	return best
}

// CompleteSSOLogin exchanges the one-time code the SSO callback handed to
// the browser for a session. A sign-in through the tenant's identity
// provider counts as that provider's authentication (amr "fed"): no local
// second factor is asked. EUNAUTHORIZED for an unknown, expired or used
// code, or a membership removed since.
func (s *Service) CompleteSSOLogin(ctx context.Context, code string) (*scalefield.LoginResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	expired := scalefield.Errorf(scalefield.EUNAUTHORIZED, "this sign-in code expired or was already used: sign in again")
	if code == "" {
		return nil, expired
	}
	raw, err := s.OneTime.TakeOnce(ctx, "sso:code:"+code)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, expired
	} else if err != nil {
		return nil, err
	}
	var c ssoCode
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("sso code: %w", err)
	}
	acct, err := s.Store.FindAccountByID(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	m, err := s.membershipIn(ctx, c.UserID, c.TenantID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, expired
	} else if err != nil {
		return nil, err
	}
	ip := clientIP(scalefield.RemoteAddrFromContext(ctx))
	return s.completeLogin(ctx, acct.User, m, []string{"fed"}, ip, "", "sso")
}

// SSOErrorReason returns the short reason of an SSO failure for the
// sign-in page: the Reason of an *SSOError, "rate_limit" for ERATELIMIT,
// else "internal".
func SSOErrorReason(err error) string {
	var e *SSOError
	switch {
	case errors.As(err, &e):
		return e.Reason
	case scalefield.ErrorCode(err) == scalefield.ERATELIMIT:
		return "rate_limit"
	}
	return "internal"
}
