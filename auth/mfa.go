package auth

import (
	"context"
	"fmt"
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// totpContext binds an encrypted TOTP secret to its user.
func totpContext(userID string) string { return "totp:" + userID }

// BeginMFAEnrollment creates a pending TOTP secret for the user of ctx
// (replacing an earlier pending one) and returns it with its otpauth://
// URI and QR code. Sessions of scope mfa-enrollment may call it.
// EUNAUTHORIZED without a session; EINVALID for an API key; ECONFLICT when
// MFA is already enabled.
func (s *Service) BeginMFAEnrollment(ctx context.Context) (*scalefield.MFAEnrollment, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	sess, err := userSession(ctx)
	if err != nil {
		return nil, err
	}
	acct, err := s.Store.FindAccountByID(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	if acct.MFAEnabled {
		return nil, scalefield.Errorf(scalefield.ECONFLICT, "multi-factor authentication is already enabled")
	}
	secret, uri, qr, err := newTOTPKey(s.Config.TOTPIssuer, acct.User.Email)
	if err != nil {
		return nil, err
	}
	enc, err := s.Secrets.Encrypt([]byte(secret), totpContext(sess.UserID))
	if err != nil {
		return nil, err
	}
	if err := s.Store.SavePendingMFA(ctx, sess.UserID, enc); err != nil {
		return nil, err
	}
	return &scalefield.MFAEnrollment{Secret: secret, URI: uri, QRCodePNG: qr}, nil
}

// ConfirmMFAEnrollment enables MFA when code is valid for the pending
// secret. It returns ten recovery codes (shown only this once) and a new
// full-scope session that replaces the caller's, which is revoked.
// EUNAUTHORIZED without a session or for a wrong code; EINVALID for an API
// key; ENOTFOUND when no enrolment was begun; ECONFLICT when MFA is already
// enabled.
func (s *Service) ConfirmMFAEnrollment(ctx context.Context, code string) (*scalefield.MFAConfirmation, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	sess, err := userSession(ctx)
	if err != nil {
		return nil, err
	}
	mfa, err := s.Store.FindMFA(ctx, sess.UserID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "no enrolment in progress: begin one first")
	} else if err != nil {
		return nil, err
	}
	if mfa.EnabledAt != nil {
		return nil, scalefield.Errorf(scalefield.ECONFLICT, "multi-factor authentication is already enabled")
	}
	secret, err := s.Secrets.Decrypt(mfa.SecretEnc, totpContext(sess.UserID))
	if err != nil {
		return nil, fmt.Errorf("confirm mfa: %w", err)
	}
	step, ok, err := matchTOTP(string(secret), code, s.now(), defaultTOTP)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.audit(ctx, scalefield.AuditEntry{Action: scalefield.AuditMFAFailed, TenantID: sess.TenantID, ActorType: "user",
			ActorID: sess.UserID, TargetType: "user", TargetID: sess.UserID, Details: map[string]any{"reason": "enrolment_code"}})
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "invalid code: check the time on your device and try the current code")
	}
	codes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		n, _ := normalizeRecoveryCode(c)
		hashes[i] = hashRecoveryCode(sess.UserID, n)
	}
	now := s.now()
	if err := s.Store.EnableMFA(ctx, sess.UserID, step, hashes, now); err != nil {
		return nil, err
	}
	acct, err := s.Store.FindAccountByID(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditMFAEnrolled, TenantID: sess.TenantID,
		TargetType: "user", TargetID: sess.UserID, Details: map[string]any{"method": "totp", "recovery_codes": len(codes)}}, acct.User))

	if err := s.Store.RevokeSession(ctx, sess.TenantID, sess.SessionID, "mfa_enrolled", now); err != nil &&
		scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		return nil, err
	}
	m, err := s.membershipIn(ctx, sess.UserID, sess.TenantID)
	if err != nil {
		return nil, err
	}
	amr := withMethods(sess.AMR, "otp", "mfa")
	ip := scalefield.RemoteAddrFromContext(ctx)
	login, err := s.startSession(ctx, acct.User, m, amr, scalefield.ScopeFull, clientIP(ip), "")
	if err != nil {
		return nil, err
	}
	return &scalefield.MFAConfirmation{RecoveryCodes: codes, Login: login}, nil
}

// withMethods returns amr with the methods added, without repeats.
func withMethods(amr []string, methods ...string) []string {
	out := append([]string(nil), amr...)
	for _, m := range methods {
		if !hasAny(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// VerifyMFA completes a sign-in that returned MFARequired: code is a TOTP
// code of the user's authenticator (each time step accepted once) or one
// of the recovery codes (each accepted once). Failures count towards the
// account's lockout. EUNAUTHORIZED for an expired challenge, a wrong,
// replayed or used code, or a locked account; ERATELIMIT when the address
// tried too often.
func (s *Service) VerifyMFA(ctx context.Context, mfaToken, code, remoteAddr string) (*scalefield.LoginResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	ip := clientIP(remoteAddr)
	if err := s.limit(ctx, "mfa", ip, s.Config.MFALimit); err != nil {
		return nil, err
	}
	userID, tenantID, amr, err := s.Signer.verifyMFAChallenge(mfaToken)
	if err != nil {
		return nil, err
	}
	acct, err := s.Store.FindAccountByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if acct.LockedUntil != nil && now.Before(*acct.LockedUntil) {
		s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditLoginLocked, IP: ip, TenantID: tenantID,
			TargetType: "user", TargetID: userID, Details: map[string]any{"reason": "refused_while_locked", "step": "mfa"}}, acct.User))
		return nil, lockedError(*acct.LockedUntil)
	}
	mfa, err := s.Store.FindMFA(ctx, userID)
	if err != nil || mfa.EnabledAt == nil {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "multi-factor authentication is not set up for this account: sign in again")
	}
	m, err := s.membershipIn(ctx, userID, tenantID)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "the sign-in expired: sign in again")
	} else if err != nil {
		return nil, err
	}

	method := "totp"
	if normalized, isRecovery := normalizeRecoveryCode(code); isRecovery {
		method = "recovery_code"
		remaining, err := s.Store.UseRecoveryCode(ctx, userID, hashRecoveryCode(userID, normalized), now)
		if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
			return nil, s.loginFailed(ctx, acct, tenantID, ip, "bad_recovery_code", scalefield.AuditMFAFailed)
		} else if err != nil {
			return nil, err
		}
		s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditRecoveryCodeUsed, IP: ip, TenantID: tenantID,
			TargetType: "user", TargetID: userID, Details: map[string]any{"remaining": remaining}}, acct.User))
		amr = withMethods(amr, "mfa")
	} else {
		secret, err := s.Secrets.Decrypt(mfa.SecretEnc, totpContext(userID))
		if err != nil {
			return nil, fmt.Errorf("verify mfa: %w", err)
		}
		step, ok, err := matchTOTP(string(secret), strings.ReplaceAll(code, " ", ""), now, defaultTOTP)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.loginFailed(ctx, acct, tenantID, ip, "bad_code", scalefield.AuditMFAFailed)
		}
		fresh, err := s.Store.UseTOTPStep(ctx, userID, step)
		if err != nil {
			return nil, err
		}
		if !fresh {
			s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditMFAReplayed, IP: ip, TenantID: tenantID,
				TargetType: "user", TargetID: userID, Details: map[string]any{"step": step, "last_step": mfa.LastStep}}, acct.User))
			return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "this code was already used: wait for the next one")
		}
		amr = withMethods(amr, "otp", "mfa")
	}
	s.audit(ctx, userActor(scalefield.AuditEntry{Action: scalefield.AuditMFAVerified, IP: ip, TenantID: tenantID,
		TargetType: "user", TargetID: userID, Details: map[string]any{"method": method}}, acct.User))
	return s.completeLogin(ctx, acct.User, m, amr, ip, "", "password+"+method)
}
