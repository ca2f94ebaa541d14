package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/store"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	analyst := b.MustCreateUser(t, "analyst@acme.example", b.tenant, scalefield.RoleAnalyst)
	b.MustCreateUser(t, "admin@acme.example", b.tenant, scalefield.RoleTenantAdmin)

	t.Run("an analyst gets a full session", func(t *testing.T) {
		res := b.MustLogin(t, "Analyst@ACME.example ", "")
		if res.MFARequired || res.Scope != scalefield.ScopeFull || res.Role != scalefield.RoleAnalyst || res.Tenant.ID != b.tenant.ID {
			t.Fatalf("result = %+v", res)
		}
		if !strings.HasPrefix(res.RefreshToken, "rt_") || len(res.RefreshToken) != 3+43 {
			t.Errorf("refresh token %q is not rt_ + 256 bits base64url", res.RefreshToken)
		}
		if !res.RefreshExpiresAt.Equal(b.clock.Now().Add(24 * time.Hour)) {
			t.Errorf("refresh expiry = %v", res.RefreshExpiresAt)
		}
		sess, err := b.svc.Authenticate(context.Background(), res.Token)
		if err != nil {
			t.Fatal(err)
		}
		if sess.UserID != analyst.ID || sess.SessionID != res.SessionID || sess.Scope != scalefield.ScopeFull ||
			len(sess.AMR) != 1 || sess.AMR[0] != "pwd" || sess.TenantID != b.tenant.ID {
			t.Errorf("session = %+v", sess)
		}
		e := b.audit.last(scalefield.AuditLoginSucceeded)
		if e == nil || e.ActorID != analyst.ID || e.IP != "203.0.113.7" || e.TenantID != b.tenant.ID || e.Details["method"] != "password" {
			t.Errorf("audit = %+v", e)
		}
		if got := b.limiter.count("login:ip:203.0.113.7"); got == 0 {
			t.Error("login was not counted by the rate limiter per IP")
		}
	})

	t.Run("an admin without MFA may only enrol", func(t *testing.T) {
		res := b.MustLogin(t, "admin@acme.example", "acme")
		if res.Scope != scalefield.ScopeMFAEnrollment || res.Token == "" {
			t.Fatalf("result = %+v, want an mfa-enrollment session", res)
		}
		sess, err := b.svc.Authenticate(context.Background(), res.Token)
		if err != nil || sess.Scope != scalefield.ScopeMFAEnrollment {
			t.Errorf("session = %+v, %v", sess, err)
		}
	})

	refused := []struct {
		name, email, password, reason string
	}{
		{"a wrong password", "analyst@acme.example", "not the passphrase", "bad_password"},
		{"an unknown email", "nobody@acme.example", testPassword, "unknown_email"},
	}
	for _, tc := range refused {
		t.Run(tc.name+" is refused alike", func(t *testing.T) {
			_, err := b.svc.Login(context.Background(), scalefield.LoginRequest{Email: tc.email, Password: tc.password, RemoteAddr: "198.51.100.1"})
			wantCode(t, err, scalefield.EUNAUTHORIZED)
			if scalefield.ErrorMessage(err) != "invalid email or password" {
				t.Errorf("message %q tells more than it should", scalefield.ErrorMessage(err))
			}
			e := b.audit.last(scalefield.AuditLoginFailed)
			if e == nil || e.Details["reason"] != tc.reason || e.IP != "198.51.100.1" {
				t.Errorf("audit = %+v", e)
			}
		})
	}

	t.Run("missing fields and unknown tenants", func(t *testing.T) {
		_, err := b.svc.Login(context.Background(), scalefield.LoginRequest{Email: "analyst@acme.example"})
		wantCode(t, err, scalefield.EINVALID)
		_, err = b.svc.Login(context.Background(), scalefield.LoginRequest{Email: "analyst@acme.example", Password: testPassword, TenantSlug: "globex"})
		wantCode(t, err, scalefield.EINVALID)
	})
}

func TestLockoutAndBackoff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "bob@acme.example", b.tenant, scalefield.RoleAnalyst)
	ctx := context.Background()
	try := func(password string) error {
		_, err := b.svc.Login(ctx, scalefield.LoginRequest{Email: "bob@acme.example", Password: password, RemoteAddr: "192.0.2.9"})
		return err
	}
	for i := 0; i < 4; i++ {
		wantCode(t, try("wrong password!!"), scalefield.EUNAUTHORIZED)
	}
	if b.audit.count(scalefield.AuditLoginLocked) != 0 {
		t.Fatal("locked before the fifth failure")
	}
	wantCode(t, try("wrong password!!"), scalefield.EUNAUTHORIZED)
	if e := b.audit.last(scalefield.AuditLoginLocked); e == nil || e.Details["reason"] != "too_many_failures" {
		t.Fatalf("lock not audited: %+v", e)
	}

	// Locked: even the right password is refused, with a message that
	// says so and that is the same as for a wrong one.
	right, wrong := try(testPassword), try("wrong password!!")
	wantCode(t, right, scalefield.EUNAUTHORIZED)
	if !strings.Contains(scalefield.ErrorMessage(right), "locked") || scalefield.ErrorMessage(right) != scalefield.ErrorMessage(wrong) {
		t.Errorf("while locked: right %q, wrong %q", scalefield.ErrorMessage(right), scalefield.ErrorMessage(wrong))
	}
	if e := b.audit.last(scalefield.AuditLoginLocked); e.Details["reason"] != "refused_while_locked" {
		t.Errorf("refusal while locked not audited: %+v", e)
	}

	// After a minute the lock ends; the next failure locks for two.
	b.clock.Advance(time.Minute + time.Second)
	wantCode(t, try("wrong password!!"), scalefield.EUNAUTHORIZED)
	b.clock.Advance(time.Minute + time.Second)
	if err := try(testPassword); !strings.Contains(scalefield.ErrorMessage(err), "locked") {
		t.Fatalf("second lock shorter than two minutes: %v", err)
	}
	b.clock.Advance(time.Minute)
	if err := try(testPassword); err != nil {
		t.Fatalf("after the doubled lock: %v", err)
	}

	// A success resets the count: four more failures do not lock.
	for i := 0; i < 4; i++ {
		wantCode(t, try("wrong password!!"), scalefield.EUNAUTHORIZED)
	}
	if err := try(testPassword); err != nil {
		t.Fatalf("count was not reset by the success: %v", err)
	}
}

func TestLockoutIsCappedAtAnHour(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "carol@acme.example", b.tenant, scalefield.RoleAnalyst)
	for i := 0; i < 12; i++ {
		_, _ = b.svc.Login(context.Background(), scalefield.LoginRequest{Email: "carol@acme.example", Password: "wrong password!!"})
		b.clock.Advance(2 * time.Hour) // let every lock pass
	}
	e := b.audit.last(scalefield.AuditLoginLocked)
	until, _ := e.Details["locked_until"].(time.Time)
	if got := until.Sub(b.clock.Now().Add(-2 * time.Hour)); got != time.Hour {
		t.Errorf("lock after 12 failures lasts %v, want the 1h cap", got)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "dave@acme.example", b.tenant, scalefield.RoleAnalyst)
	ctx := context.Background()
	first := b.MustLogin(t, "dave@acme.example", "")

	b.clock.Advance(time.Minute)
	second, err := b.svc.Refresh(ctx, first.RefreshToken, "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == first.RefreshToken || second.SessionID != first.SessionID || second.Token == first.Token {
		t.Fatalf("refresh did not rotate: %+v", second)
	}
	if got := b.limiter.count("refresh:ip:203.0.113.7"); got != 1 {
		t.Errorf("refresh rate-limit count = %d", got)
	}
	third, err := b.svc.Refresh(ctx, second.RefreshToken, "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Authenticate(ctx, third.Token); err != nil {
		t.Fatalf("fresh access token: %v", err)
	}

	// The first token comes back: it leaked. The whole family ends.
	_, err = b.svc.Refresh(ctx, first.RefreshToken, "198.51.100.66")
	wantCode(t, err, scalefield.EUNAUTHORIZED)
	e := b.audit.last(scalefield.AuditRefreshReused)
	if e == nil || e.TargetID != first.SessionID || e.IP != "198.51.100.66" || e.TenantID != b.tenant.ID {
		t.Fatalf("reuse audit = %+v", e)
	}
	_, err = b.svc.Authenticate(ctx, third.Token)
	wantCode(t, err, scalefield.EUNAUTHORIZED)
	_, err = b.svc.Refresh(ctx, third.RefreshToken, "203.0.113.7")
	wantCode(t, err, scalefield.EUNAUTHORIZED)

	for _, bad := range []string{"", "rt_unknown", "not-a-refresh-token"} {
		_, err := b.svc.Refresh(ctx, bad, "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	}
}

func TestRefreshLifetimes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "erin@acme.example", b.tenant, scalefield.RoleAnalyst)
	ctx := context.Background()

	t.Run("idle for a day ends the session", func(t *testing.T) {
		res := b.MustLogin(t, "erin@acme.example", "")
		b.clock.Advance(24*time.Hour + time.Second)
		_, err := b.svc.Refresh(ctx, res.RefreshToken, "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})

	t.Run("rotation never extends past seven days", func(t *testing.T) {
		res := b.MustLogin(t, "erin@acme.example", "")
		start := b.clock.Now()
		for i := 0; i < 7; i++ {
			b.clock.Advance(23 * time.Hour)
			next, err := b.svc.Refresh(ctx, res.RefreshToken, "")
			if err != nil {
				t.Fatalf("refresh %d: %v", i, err)
			}
			if next.RefreshExpiresAt.After(start.Add(7 * 24 * time.Hour)) {
				t.Fatalf("refresh token outlives the session: %v", next.RefreshExpiresAt)
			}
			res = next
		}
		b.clock.Advance(23 * time.Hour) // 7×23h+23h = 184h > 168h
		_, err := b.svc.Refresh(ctx, res.RefreshToken, "")
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	})
}

func TestExpiredAccessTokenIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.MustCreateUser(t, "frank@acme.example", b.tenant, scalefield.RoleViewer)
	res := b.MustLogin(t, "frank@acme.example", "")
	b.clock.Advance(14 * time.Minute)
	if _, err := b.svc.Authenticate(context.Background(), res.Token); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	b.clock.Advance(time.Minute + 6*time.Second) // past the 5 s leeway
	_, err := b.svc.Authenticate(context.Background(), res.Token)
	wantCode(t, err, scalefield.EUNAUTHORIZED)
}

func TestLogout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := MustCreateTenant(t, b.tenants, "globex")
	u := b.MustCreateUser(t, "gina@acme.example", b.tenant, scalefield.RoleAnalyst)
	b.MustAddMember(t, u, other, scalefield.RoleViewer)
	ctx := context.Background()

	a, c := b.MustLogin(t, "gina@acme.example", "acme"), b.MustLogin(t, "gina@acme.example", "acme")
	if err := b.svc.Logout(b.MustAuthenticate(t, a.Token)); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.Authenticate(ctx, a.Token)
	wantCode(t, err, scalefield.EUNAUTHORIZED)
	_, err = b.svc.Refresh(ctx, a.RefreshToken, "")
	wantCode(t, err, scalefield.EUNAUTHORIZED)
	if _, err := b.svc.Authenticate(ctx, c.Token); err != nil {
		t.Fatalf("another session ended with the first: %v", err)
	}
	if e := b.audit.last(scalefield.AuditLogout); e == nil || e.TargetID != a.SessionID || e.ActorLabel != "gina@acme.example" {
		t.Errorf("logout audit = %+v", e)
	}

	g := b.MustLogin(t, "gina@acme.example", "globex")
	if err := b.svc.LogoutEverywhere(b.MustAuthenticate(t, c.Token)); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{c.Token, g.Token} {
		_, err := b.svc.Authenticate(ctx, tok)
		wantCode(t, err, scalefield.EUNAUTHORIZED)
	}
	if e := b.audit.last(scalefield.AuditLogoutEverywhere); e == nil || e.Details["sessions_revoked"] != 2 {
		t.Errorf("logout everywhere audit = %+v", e)
	}
	wantCode(t, b.svc.Logout(ctx), scalefield.EUNAUTHORIZED)
}

func TestRateLimitedLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.limiter.max = 2
	b.MustCreateUser(t, "hank@acme.example", b.tenant, scalefield.RoleAnalyst)
	for i := 0; i < 2; i++ {
		b.MustLogin(t, "hank@acme.example", "")
	}
	_, err := b.svc.Login(context.Background(), scalefield.LoginRequest{Email: "hank@acme.example", Password: testPassword, RemoteAddr: "203.0.113.7"})
	wantCode(t, err, scalefield.ERATELIMIT)
	if _, err := b.svc.Login(context.Background(), scalefield.LoginRequest{Email: "hank@acme.example", Password: testPassword, RemoteAddr: "203.0.113.8"}); err != nil {
		t.Errorf("another address: %v", err)
	}
}

func TestUnconfiguredServiceFailsLoudly(t *testing.T) {
	t.Parallel()
	svc := &auth.Service{Config: auth.DefaultConfig()}
	if err := svc.Validate(); err == nil || !strings.Contains(err.Error(), "Store is required") {
		t.Errorf("Validate = %v", err)
	}
	_, err := svc.Login(context.Background(), scalefield.LoginRequest{Email: "a@b.c", Password: "x"})
	wantCode(t, err, scalefield.EINTERNAL)
	cfg := auth.DefaultConfig()
	cfg.RefreshIdleTTL, cfg.PublicURL, cfg.LockoutThreshold = 30*24*time.Hour, "ftp://x", 0
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "idle") || !strings.Contains(err.Error(), "public URL") || !strings.Contains(err.Error(), "threshold") {
		t.Errorf("Config.Validate = %v", err)
	}
}

// checkedAudit passes entries to the real audit log and fails the test
// when it refuses one.
type checkedAudit struct {
	*store.AuditService
	t *testing.T
}

func (a checkedAudit) AppendAudit(ctx context.Context, e *scalefield.AuditEntry) error {
	if err := a.AuditService.AppendAudit(ctx, e); err != nil {
		a.t.Errorf("audit log refused %s: %v", e.Action, err)
	}
	return nil
}

func TestEntriesFitTheAuditLog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.Audit = checkedAudit{store.NewAuditService(b.db), t}
	ctx := context.Background()
	u := b.MustCreateUser(t, "ivan@acme.example", b.tenant, scalefield.RoleManager)
	_, _ = b.svc.Login(ctx, scalefield.LoginRequest{Email: "nobody@acme.example", Password: "x", RemoteAddr: "not an address"})
	for i := 0; i < 6; i++ {
		_, _ = b.svc.Login(ctx, scalefield.LoginRequest{Email: "ivan@acme.example", Password: "wrong", RemoteAddr: "[2001:db8::1]:443"})
	}
	b.clock.Advance(time.Hour)
	res := b.MustLogin(t, "ivan@acme.example", "")
	next, err := b.svc.Refresh(ctx, res.RefreshToken, "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = b.svc.Refresh(ctx, res.RefreshToken, "203.0.113.7")
	sessCtx := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: u.ID, TenantID: b.tenant.ID, Role: scalefield.RoleManager,
		SessionID: next.SessionID, Scope: scalefield.ScopeFull})
	exp := b.clock.Now().Add(time.Hour)
	k, secret, err := b.svc.CreateAPIKey(sessCtx, "k", scalefield.RoleViewer, &exp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.RevokeAPIKey(sessCtx, k.ID); err != nil {
		t.Fatal(err)
	}
	_, _ = b.svc.Authenticate(ctx, secret)
	_ = b.svc.Logout(sessCtx)
	_ = b.svc.LogoutEverywhere(sessCtx)
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := MustCreateTenant(t, b.tenants, "globex")
	u := b.MustCreateUser(t, "hana@acme.example", b.tenant, scalefield.RoleAnalyst)
	b.MustAddMember(t, u, other, scalefield.RoleViewer)
	ctx := context.Background()
	const next = "a different long passphrase"

	here, elsewhere := b.MustLogin(t, "hana@acme.example", "acme"), b.MustLogin(t, "hana@acme.example", "globex")
	hereCtx := b.MustAuthenticate(t, here.Token)

	t.Run("a wrong current password counts as a failed sign-in", func(t *testing.T) {
		wantCode(t, b.svc.ChangePassword(hereCtx, "not the password", next), scalefield.EUNAUTHORIZED)
		if e := b.audit.last(scalefield.AuditLoginFailed); e == nil || e.Details["reason"] != "bad_current_password" {
			t.Errorf("failed-attempt audit = %+v", e)
		}
	})
	t.Run("the policy applies to the new password", func(t *testing.T) {
		for _, bad := range []string{"short", testPassword, "hana@acme.example is me"} {
			err := b.svc.ChangePassword(hereCtx, testPassword, bad)
			wantCode(t, err, scalefield.EINVALID)
		}
	})
	t.Run("the change signs out the other sessions and keeps this one", func(t *testing.T) {
		if err := b.svc.ChangePassword(hereCtx, testPassword, next); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Authenticate(ctx, here.Token); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		_, err := b.svc.Authenticate(ctx, elsewhere.Token)
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		_, err = b.svc.Login(ctx, scalefield.LoginRequest{Email: "hana@acme.example", Password: testPassword, TenantSlug: "acme"})
		wantCode(t, err, scalefield.EUNAUTHORIZED)
		if _, err := b.svc.Login(ctx, scalefield.LoginRequest{Email: "hana@acme.example", Password: next, TenantSlug: "acme"}); err != nil {
			t.Errorf("sign-in with the new password: %v", err)
		}
		if e := b.audit.last(scalefield.AuditPasswordChanged); e == nil || e.TargetID != u.ID || e.Details["sessions_revoked"] != 1 {
			t.Errorf("password change audit = %+v", e)
		}
	})
	t.Run("without a user session it is refused", func(t *testing.T) {
		wantCode(t, b.svc.ChangePassword(ctx, next, "yet another long passphrase"), scalefield.EUNAUTHORIZED)
	})
}
