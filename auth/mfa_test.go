package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
)

func TestMFA(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.MustCreateUser(t, "ada@acme.example", b.tenant, scalefield.RoleTenantAdmin)
	ctx := context.Background()

	enrolment := b.MustLogin(t, "ada@acme.example", "")
	if enrolment.Scope != scalefield.ScopeMFAEnrollment {
		t.Fatalf("admin without MFA: scope %q", enrolment.Scope)
	}
	enrolCtx := b.MustAuthenticate(t, enrolment.Token)
	enr, err := b.svc.BeginMFAEnrollment(enrolCtx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enr.URI, "otpauth://totp/Scalefield:ada@acme.example?") || !strings.Contains(enr.URI, enr.Secret) ||
		!strings.HasPrefix(string(enr.QRCodePNG), "\x89PNG") {
		t.Fatalf("enrolment = %q %q %d bytes", enr.Secret, enr.URI, len(enr.QRCodePNG))
	}

	_, err = b.svc.ConfirmMFAEnrollment(enrolCtx, b.code(t, enr.Secret, 3))
	wantCode(t, err, scalefield.EUNAUTHORIZED)
	conf, err := b.svc.ConfirmMFAEnrollment(enrolCtx, b.code(t, enr.Secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(conf.RecoveryCodes) != 10 || conf.Login.Scope != scalefield.ScopeFull || conf.Login.SessionID == enrolment.SessionID {
		t.Fatalf("confirmation = %+v", conf)
	}
	if e := b.audit.last(scalefield.AuditMFAEnrolled); e == nil || e.ActorID != admin.ID {
		t.Errorf("enrolment audit = %+v", e)
	}
	_, err = b.svc.Authenticate(ctx, enrolment.Token)
	wantCode(t, err, scalefield.EUNAUTHORIZED) // the enrolment session was replaced
	full := b.MustAuthenticate(t, conf.Login.Token)
	if s := scalefield.SessionFromContext(full); s.Scope != scalefield.ScopeFull || !contains(s.AMR, "otp") {
		t.Errorf("new session = %+v", s)
	}
	_, err = b.svc.BeginMFAEnrollment(full)
	wantCode(t, err, scalefield.ECONFLICT)
	b.clock.Advance(30 * time.Second)

	login := func(t *testing.T) *scalefield.LoginResult {
		t.Helper()
		res := b.MustLogin(t, "ada@acme.example", "")
		if !res.MFARequired || res.Token != "" || res.RefreshToken != "" || res.MFAToken == "" ||
			!res.MFATokenExpiresAt.Equal(b.clock.Now().Add(5*time.Minute)) {
			t.Fatalf("login with MFA = %+v", res)
		}
		return res
	}

	t.Run("a TOTP code signs in once", func(t *testing.T) {
		challenge := login(t)
		code := b.code(t, enr.Secret, 0)
		res, err := b.svc.VerifyMFA(ctx, challenge.MFAToken, code, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		if res.Scope != scalefield.ScopeFull || !contains(res.AMR, "pwd") || !contains(res.AMR, "otp") || !contains(res.AMR, "mfa") {
			t.Errorf("session = %+v", res)
		}
		if b.limiter.count("mfa:ip:203.0.113.7") == 0 {
			t.Error("MFA verification is not rate-limited per IP")
		}
		// The same code again, even within its step, is a replay.
		_, err = b.svc.VerifyMFA(ctx, login(t).MFAToken, code, "203.0.113.7")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if e := b.audit.last(scalefield.AuditMFAReplayed); e == nil || e.ActorID != admin.ID {
			t.Errorf("replay audit = %+v", e)
		}
		// So is an earlier step's code, within the skew.
		_, err = b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, -1), "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})

	t.Run("skew of one step is accepted, two are not", func(t *testing.T) {
		b.clock.Advance(90 * time.Second)
		_, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, 2), "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if _, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, 1), ""); err != nil {
			t.Errorf("one step ahead: %v", err)
		}
		b.clock.Advance(90 * time.Second)
		_, err = b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, -2), "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if _, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, -1), ""); err != nil {
			t.Errorf("one step behind: %v", err)
		}
		if _, err := b.svc.Login(ctx, scalefield.LoginRequest{Email: "ada@acme.example", Password: testPassword}); err != nil {
			t.Fatalf("failures left the account locked: %v", err)
		}
	})

	t.Run("a recovery code works once", func(t *testing.T) {
		rc := strings.ToUpper(conf.RecoveryCodes[3])
		res, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, rc, "")
		if err != nil {
			t.Fatal(err)
		}
		if !contains(res.AMR, "mfa") || contains(res.AMR, "otp") {
			t.Errorf("amr = %v", res.AMR)
		}
		if e := b.audit.last(scalefield.AuditRecoveryCodeUsed); e == nil || e.Details["remaining"] != 9 {
			t.Errorf("recovery audit = %+v", e)
		}
		_, err = b.svc.VerifyMFA(ctx, login(t).MFAToken, rc, "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		_, err = b.svc.VerifyMFA(ctx, login(t).MFAToken, "aaaa-bbbb-cccc-dddd", "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})

	t.Run("wrong codes count towards the lockout", func(t *testing.T) {
		b.clock.Advance(time.Hour)
		// A complete sign-in resets the count of the failures above.
		if _, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, b.code(t, enr.Secret, 0), ""); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			_, err := b.svc.VerifyMFA(ctx, login(t).MFAToken, "000000", "")
			wantCode(t, err, scalefield.EUNAUTHORIZED)
		}
		if b.audit.count(scalefield.AuditMFAFailed) < 5 || b.audit.last(scalefield.AuditLoginLocked) == nil {
			t.Fatal("MFA failures not audited or no lock")
		}
		b.clock.Advance(30 * time.Second)
		_, err := b.svc.Login(ctx, scalefield.LoginRequest{Email: "ada@acme.example", Password: testPassword})
		if !strings.Contains(scalefield.ErrorMessage(err), "locked") {
			t.Fatalf("after five wrong codes: %v, want locked", err)
		}
	})

	t.Run("a challenge is not a token, and expires", func(t *testing.T) {
		b.clock.Advance(2 * time.Hour)
		challenge := login(t)
		_, err := b.svc.Authenticate(ctx, challenge.MFAToken)
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		b.clock.Advance(5*time.Minute + 10*time.Second)
		_, err = b.svc.VerifyMFA(ctx, challenge.MFAToken, b.code(t, enr.Secret, 0), "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		_, err = b.svc.VerifyMFA(ctx, "garbage", "123456", "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})
}

func TestMFAForNonAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "ann@acme.example", b.tenant, scalefield.RoleAnalyst)
	res := b.MustLogin(t, "ann@acme.example", "")
	ctx := b.MustAuthenticate(t, res.Token)
	_, err := b.svc.ConfirmMFAEnrollment(ctx, "123456")
	wantCode(t, err, scalefield.ENOTFOUND)
	secret, _ := b.MustEnrolMFA(t, res)
	challenge := b.MustLogin(t, "ann@acme.example", "")
	if !challenge.MFARequired {
		t.Fatal("an analyst with MFA signed in without it")
	}
	if _, err := b.svc.VerifyMFA(context.Background(), challenge.MFAToken, b.code(t, secret, 0), ""); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.BeginMFAEnrollment(context.Background())
	wantCode(t, err, scalefield.EUNAUTHORIZED)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
