package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

// refreshPrefix starts every refresh token, so scanners and people
// recognise one.
const refreshPrefix = "rt_"

// errBadCredentials is the one answer to a wrong email or password, so the
// reply does not tell which accounts exist.
var errBadCredentials = scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid email or password")

// errInvalidRefresh answers an unknown or malformed refresh token.
var errInvalidRefresh = scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid or expired refresh token: sign in again")

// unusablePasswordPrefix marks a password hash that no password matches
// (accounts created by single sign-on).
const unusablePasswordPrefix = "!"

// UnusablePasswordHash is stored for accounts that cannot sign in with a
// password.
const UnusablePasswordHash = unusablePasswordPrefix + "no-password"

// hashToken is the stored form of a random token (refresh token, API key):
// 256 random bits leave nothing to brute-force, so SHA-256 is enough.
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// newRefreshToken returns a new refresh token and its hash.
func newRefreshToken() (string, []byte, error) {
	r, err := randomToken(32)
	if err != nil {
		return "", nil, err
	}
	token := refreshPrefix + r
	return token, hashToken(token), nil
}

// passwordMatches verifies password against the stored hash; an unusable
// hash never matches (but costs the same time).
func passwordMatches(hash, password string) (bool, error) {
	if strings.HasPrefix(hash, unusablePasswordPrefix) {
		_, _ = VerifyPassword(dummyHash, password)
		return false, nil
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return false, fmt.Errorf("login: %w", err)
	}
	return ok, nil
}

// lockedError answers a sign-in while the account is locked. It says so
// without checking the password, so it reveals nothing about it.
func lockedError(until time.Time) error {
	return scalefield.Errorf(scalefield.EUNAUTHORIZED,
		"too many failed sign-ins: this account is locked until %s UTC; try again later", until.UTC().Format("15:04:05"))
}

// Login checks the email and password and, for the chosen tenant, returns
// a session, or an MFA challenge when the account has a second factor. An
// administrator without MFA gets a session of scope mfa-enrollment.
// EINVALID for missing fields or when the tenant must be chosen;
// EUNAUTHORIZED for a wrong email or password (the message does not say
// which) or a locked account; EFORBIDDEN without any membership;
// ERATELIMIT when the address tried too often.
func (s *Service) Login(ctx context.Context, req scalefield.LoginRequest) (*scalefield.LoginResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if email == "" || req.Password == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "email and password are required")
	}
	ip := clientIP(req.RemoteAddr)
	if err := s.limit(ctx, "login", ip, s.Config.LoginLimit); err != nil {
		return nil, err
	}
	slug := strings.ToLower(strings.TrimSpace(req.TenantSlug))
	acct, err := s.Store.FindAccountByEmail(ctx, email)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		_, _ = VerifyPassword(dummyHash, req.Password)
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditLoginFailed, IP: ip, ActorLabel: email,
			Details: map[string]any{"email": email, "reason": "unknown_email"}})
		return nil, errBadCredentials
	} else if err != nil {
		return nil, err
	}
	memberships, err := s.Users.FindMemberships(ctx, acct.User.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if acct.LockedUntil != nil && now.Before(*acct.LockedUntil) {
		s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditLoginLocked, IP: ip,
			TenantID: auditTenant(memberships, slug), TargetType: "user", TargetID: acct.User.ID,
			Details: map[string]any{"reason": "refused_while_locked", "locked_until": acct.LockedUntil.UTC()}}, acct.User))
		return nil, lockedError(*acct.LockedUntil)
	}
	ok, err := passwordMatches(acct.PasswordHash, req.Password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.loginFailed(ctx, acct, auditTenant(memberships, slug), ip, "bad_password", scalefield.AuditLoginFailed)
	}
	m, err := chooseTenant(memberships, slug)
	if err != nil {
		return nil, err
	}
	if acct.MFAEnabled {
		// The failure count is not reset yet: only a complete sign-in
		// does, or the password alone could reset the count between
		// guesses of the second factor.
		token, exp, err := s.Signer.issueMFAChallenge(acct.User.ID, m.Tenant.ID, []string{"pwd"}, s.Config.MFAChallengeTTL)
		if err != nil {
			return nil, err
		}
		return &scalefield.LoginResult{MFARequired: true, MFAToken: token, MFATokenExpiresAt: exp,
			User: acct.User, Tenant: m.Tenant, Role: m.Role}, nil
	}
	return s.completeLogin(ctx, acct.User, m, []string{"pwd"}, ip, req.UserAgent, "password")
}

// auditTenant is the tenant a failed sign-in is recorded under: the one
// asked for or the only one, else none (the platform chain). It never
// changes the answer to the caller.
func auditTenant(ms []scalefield.TenantMembership, slug string) string {
	if m, err := chooseTenant(ms, slug); err == nil {
		return m.Tenant.ID
	}
	return ""
}

// loginFailed counts a failed first or second factor, audits it (and the
// lock it may start) and returns the answer for the caller.
func (s *Service) loginFailed(ctx context.Context, acct *scalefield.Account, tenantID, ip, reason, action string) error {
	lockedUntil, err := s.Store.RecordLoginFailure(ctx, acct.User.ID, s.now(), s.Config.LockoutThreshold, s.Config.LockoutBase, s.Config.LockoutMax)
	if err != nil {
		return err
	}
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: action, IP: ip, TenantID: tenantID,
		TargetType: "user", TargetID: acct.User.ID, Details: map[string]any{"reason": reason}}, acct.User))
	if lockedUntil != nil {
		s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditLoginLocked, IP: ip, TenantID: tenantID,
			TargetType: "user", TargetID: acct.User.ID,
			Details: map[string]any{"reason": "too_many_failures", "locked_until": lockedUntil.UTC()}}, acct.User))
	}
	if action == scalefield.AuditMFAFailed {
		return scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid code")
	}
	return errBadCredentials
}

// completeLogin ends a successful sign-in: it clears the failed attempts,
// starts the session and audits it.
func (s *Service) completeLogin(ctx context.Context, user *scalefield.User, m *scalefield.TenantMembership,
	amr []string, ip, userAgent, method string) (*scalefield.LoginResult, error) {
	if err := s.Store.RecordLoginSuccess(ctx, user.ID); err != nil {
		return nil, err
	}
	res, err := s.startSession(ctx, user, m, amr, scopeFor(m.Role, amr), ip, userAgent)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditLoginSucceeded, IP: ip, TenantID: m.Tenant.ID,
		TargetType: "session", TargetID: res.SessionID,
		Details: map[string]any{"method": method, "amr": amr, "scope": string(res.Scope), "role": string(m.Role)}}, user))
	return res, nil
}

// startSession stores a new session with its first refresh token and
// issues its first access token.
func (s *Service) startSession(ctx context.Context, user *scalefield.User, m *scalefield.TenantMembership,
	amr []string, scope scalefield.SessionScope, ip, userAgent string) (*scalefield.LoginResult, error) {
	now := s.now()
	refresh, refreshHash, err := newRefreshToken()
	if err != nil {
		return nil, err
	}
	stored := &scalefield.AuthSession{
		TenantID: m.Tenant.ID, UserID: user.ID, AMR: amr, Scope: scope,
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(s.Config.SessionTTL),
		IP: ip, UserAgent: truncate(userAgent, 512),
	}
	refreshExp := now.Add(s.Config.RefreshIdleTTL)
	if refreshExp.After(stored.ExpiresAt) {
		refreshExp = stored.ExpiresAt
	}
	if err := s.Store.CreateSession(ctx, stored, refreshHash, refreshExp); err != nil {
		return nil, err
	}
	return s.issue(user, m, stored, scope, refresh, refreshExp)
}

// issue signs an access token for a stored session.
func (s *Service) issue(user *scalefield.User, m *scalefield.TenantMembership, stored *scalefield.AuthSession,
	scope scalefield.SessionScope, refresh string, refreshExp time.Time) (*scalefield.LoginResult, error) {
	token, exp, err := s.Signer.Issue(&scalefield.Session{
		UserID: user.ID, TenantID: m.Tenant.ID, Role: m.Role, SessionID: stored.ID, AMR: stored.AMR, Scope: scope,
	})
	if err != nil {
		return nil, err
	}
	return &scalefield.LoginResult{
		Token: token, ExpiresAt: exp, RefreshToken: refresh, RefreshExpiresAt: refreshExp,
		SessionID: stored.ID, Scope: scope, AMR: stored.AMR, User: user, Tenant: m.Tenant, Role: m.Role,
	}, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Refresh exchanges a refresh token for a new access token and a new
// refresh token (rotation); the old one stops working. Presenting a
// refresh token again after its exchange revokes the whole session and is
// audited, since only a leaked copy can do that. The member's current role
// is re-read, and a session whose membership is gone ends. EUNAUTHORIZED
// for an unknown, expired, reused or revoked token; ERATELIMIT when the
// address tried too often.
func (s *Service) Refresh(ctx context.Context, refreshToken, remoteAddr string) (*scalefield.LoginResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	ip := clientIP(remoteAddr)
	if err := s.limit(ctx, "refresh", ip, s.Config.RefreshLimit); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(refreshToken, refreshPrefix) {
		return nil, errInvalidRefresh
	}
	next, nextHash, err := newRefreshToken()
	if err != nil {
		return nil, err
	}
	now := s.now()
	rot, err := s.Store.RotateRefreshToken(ctx, hashToken(refreshToken), nextHash, now, s.Config.RefreshIdleTTL)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, errInvalidRefresh
	} else if err != nil {
		return nil, err
	}
	stored := rot.Session
	if rot.Reused {
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditRefreshReused, IP: ip, TenantID: stored.TenantID,
			ActorType: "user", ActorID: stored.UserID, TargetType: "session", TargetID: stored.ID,
			Details: map[string]any{"session_created_at": stored.CreatedAt.UTC(), "session_ip": stored.IP}})
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "this refresh token was already used: the session has been signed out; sign in again")
	}
	acct, err := s.Store.FindAccountByID(ctx, stored.UserID)
	if err != nil {
		return nil, err
	}
	m, err := s.membershipIn(ctx, stored.UserID, stored.TenantID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		if err := s.Store.RevokeSession(ctx, stored.TenantID, stored.ID, "membership_removed", now); err != nil {
			return nil, err
		}
		return nil, errSessionEnded
	} else if err != nil {
		return nil, err
	}
	scope := stored.Scope
	if scope == scalefield.ScopeFull {
		// The role may have grown to an administrator's since sign-in.
		scope = scopeFor(m.Role, stored.AMR)
	}
	return s.issue(acct.User, m, stored, scope, next, rot.ExpiresAt)
}

// Logout revokes the session of ctx: its access and refresh tokens stop
// working. EUNAUTHORIZED without a session; EINVALID for an API key.
func (s *Service) Logout(ctx context.Context) error {
	if err := s.ready(); err != nil {
		return err
	}
	sess, err := userSession(ctx)
	if err != nil {
		return err
	}
	if err := s.Store.RevokeSession(ctx, sess.TenantID, sess.SessionID, "logout", s.now()); err != nil {
		return err
	}
	s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditLogout, TenantID: sess.TenantID,
		ActorType: "user", ActorID: sess.UserID, TargetType: "session", TargetID: sess.SessionID})
	return nil
}

// LogoutEverywhere revokes every active session of the user of ctx, in
// every tenant. EUNAUTHORIZED without a session; EINVALID for an API key.
func (s *Service) LogoutEverywhere(ctx context.Context) error {
	if err := s.ready(); err != nil {
		return err
	}
	sess, err := userSession(ctx)
	if err != nil {
		return err
	}
	n, err := s.Store.RevokeUserSessions(ctx, sess.UserID, "logout_everywhere", s.now())
	if err != nil {
		return err
	}
	s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditLogoutEverywhere, TenantID: sess.TenantID,
		ActorType: "user", ActorID: sess.UserID, TargetType: "user", TargetID: sess.UserID,
		Details: map[string]any{"sessions_revoked": n}})
	return nil
}

// ChangePassword implements scalefield.AuthService.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	if err := s.ready(); err != nil {
		return err
	}
	sess, err := userSession(ctx)
	if err != nil {
		return err
	}
	acct, err := s.Store.FindAccountByID(ctx, sess.UserID)
	if err != nil {
		return err
	}
	if strings.HasPrefix(acct.PasswordHash, unusablePasswordPrefix) {
		return scalefield.Errorf(scalefield.EINVALID, "this account signs in with single sign-on and has no password to change")
	}
	if acct.LockedUntil != nil && acct.LockedUntil.After(s.now()) {
		return lockedError(*acct.LockedUntil)
	}
	ok, err := passwordMatches(acct.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.loginFailed(ctx, acct, sess.TenantID, "", "bad_current_password", scalefield.AuditLoginFailed); err != nil &&
			err != errBadCredentials {
			return err
		}
		return scalefield.Errorf(scalefield.EUNAUTHORIZED, "the current password is wrong")
	}
	if current == next {
		return scalefield.Errorf(scalefield.EINVALID, "the new password must differ from the current one")
	}
	if err := CheckPassword(next, acct.User.Email); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	n, err := s.Store.ChangePassword(ctx, acct.User.ID, hash, sess.SessionID, s.now())
	if err != nil {
		return err
	}
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditPasswordChanged, TenantID: sess.TenantID,
		TargetType: "user", TargetID: acct.User.ID, Details: map[string]any{"sessions_revoked": n}}, acct.User))
	return nil
}
