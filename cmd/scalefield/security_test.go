package main

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/golang-jwt/jwt/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/store"
)

// TestSecurityThroughTheAPI tries, through the real API, each attack the
// identity design must stop, and checks the error code and that the audit
// log recorded the attempts that matter.
func TestSecurityThroughTheAPI(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	admin := MustCreateAdmin(t, b.main, b.a.Tenant, "admin@acme.example")

	// Enrol MFA for the admin through the API: login gives an
	// enrolment-only session.
	var login struct {
		Login struct {
			Session  struct{ Token, Scope string }
			MfaToken *string
		}
	}
	b.gql.MustPost(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { session { token scope } mfaToken } }`,
		&login, client.Var("e", admin), client.Var("p", password))
	if login.Login.Session.Scope != "MFA_ENROLLMENT" {
		t.Fatalf("admin without MFA got scope %q, want MFA_ENROLLMENT", login.Login.Session.Scope)
	}
	enrolToken := login.Login.Session.Token

	t.Run("an enrolment-only session can do nothing but enrol", func(t *testing.T) {
		err := b.gql.Post(`{ events { totalCount } }`, &struct{}{}, bearer(enrolToken))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("code = %q, want FORBIDDEN", got)
		}
	})

	var enrol struct{ BeginMfaEnrollment struct{ Secret string } }
	b.gql.MustPost(`mutation { beginMfaEnrollment { secret } }`, &enrol, bearer(enrolToken))
	secret := enrol.BeginMfaEnrollment.Secret
	code := totpCode(t, secret, time.Now())
	var confirm struct {
		ConfirmMfaEnrollment struct {
			RecoveryCodes []string
			Session       struct{ Token, RefreshToken, Scope string }
		}
	}
	b.gql.MustPost(`mutation($c: String!) { confirmMfaEnrollment(code: $c) { recoveryCodes session { token refreshToken scope } } }`,
		&confirm, bearer(enrolToken), client.Var("c", code))
	if n := len(confirm.ConfirmMfaEnrollment.RecoveryCodes); n != 10 || confirm.ConfirmMfaEnrollment.Session.Scope != "FULL" {
		t.Fatalf("confirm: %d recovery codes, scope %q", n, confirm.ConfirmMfaEnrollment.Session.Scope)
	}
	adminToken := confirm.ConfirmMfaEnrollment.Session.Token

	t.Run("a replayed TOTP code is refused", func(t *testing.T) {
		var again struct{ Login struct{ MfaToken string } }
		b.gql.MustPost(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { mfaToken } }`,
			&again, client.Var("e", admin), client.Var("p", password))
		if again.Login.MfaToken == "" {
			t.Fatal("login of a user with MFA did not ask for the second factor")
		}
		err := b.gql.Post(`mutation($t: String!, $c: String!) { verifyMfa(mfaToken: $t, code: $c) { token } }`,
			&struct{}{}, client.Var("t", again.Login.MfaToken), client.Var("c", code))
		if got := errorCode(err); got != "UNAUTHENTICATED" {
			t.Errorf("code = %q, want UNAUTHENTICATED", got)
		}
		MustHaveAudit(t, b, adminToken, scalefield.AuditMFAReplayed)
	})

	t.Run("a reused refresh token signs the session out", func(t *testing.T) {
		rt := confirm.ConfirmMfaEnrollment.Session.RefreshToken
		var first struct{ RefreshSession struct{ Token string } }
		b.gql.MustPost(`mutation($r: String!) { refreshSession(refreshToken: $r) { token } }`, &first, client.Var("r", rt))
		err := b.gql.Post(`mutation($r: String!) { refreshSession(refreshToken: $r) { token } }`, &struct{}{}, client.Var("r", rt))
		if got := errorCode(err); got != "UNAUTHENTICATED" {
			t.Errorf("reuse: code = %q, want UNAUTHENTICATED", got)
		}
		if err := b.gql.Post(`{ tenant { name } }`, &struct{}{}, bearer(first.RefreshSession.Token)); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("access token of the revoked session: got %v, want HTTP 401", err)
		}
		// A fresh sign-in for what follows, with a code of a later step.
		adminToken = MustLoginMFA(t, b, admin, secret, time.Now().Add(30*time.Second))
		MustHaveAudit(t, b, adminToken, scalefield.AuditRefreshReused)
	})

	t.Run("an expired token is refused", func(t *testing.T) {
		key, err := auth.LoadOrCreateKey(b.main.Config.JWTKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		signer := auth.NewSigner(key, time.Minute)
		signer.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		token, _, err := signer.Issue(&scalefield.Session{UserID: "u", TenantID: b.a.Tenant.ID, Role: scalefield.RoleAnalyst,
			Scope: scalefield.ScopeFull, SessionID: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.gql.Post(`{ tenant { name } }`, &struct{}{}, bearer(token)); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("got %v, want HTTP 401", err)
		}
	})

	t.Run("a token signed by another key is refused", func(t *testing.T) {
		_, other, _ := ed25519.GenerateKey(nil)
		token, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"iss": auth.Issuer, "aud": auth.Audience,
			"sub": "x", "tid": b.a.Tenant.ID, "role": "tenant-admin", "exp": time.Now().Add(time.Hour).Unix()}).SignedString(other)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.gql.Post(`{ tenant { name } }`, &struct{}{}, bearer(token)); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("got %v, want HTTP 401", err)
		}
	})

	t.Run("an API key stops working when revoked", func(t *testing.T) {
		var created struct {
			CreateApiKey struct {
				Secret string
				ApiKey struct{ ID string }
			}
		}
		b.gql.MustPost(`mutation { createApiKey(input: {name: "siem", role: ANALYST}) { secret apiKey { id } } }`, &created, bearer(adminToken))
		var tenant struct{ Tenant struct{ Name string } }
		b.gql.MustPost(`{ tenant { name } }`, &tenant, bearer(created.CreateApiKey.Secret))
		if tenant.Tenant.Name != "ACME" {
			t.Fatalf("API key sees tenant %q", tenant.Tenant.Name)
		}
		var revoked struct{ RevokeApiKey struct{ RevokedAt *string } }
		b.gql.MustPost(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, &revoked, bearer(adminToken),
			client.Var("id", created.CreateApiKey.ApiKey.ID))
		if err := b.gql.Post(`{ tenant { name } }`, &struct{}{}, bearer(created.CreateApiKey.Secret)); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("revoked key: got %v, want HTTP 401", err)
		}
		MustHaveAudit(t, b, adminToken, scalefield.AuditAPIKeyRefused)
	})

	t.Run("an analyst cannot run an admin mutation", func(t *testing.T) {
		err := b.gql.Post(`mutation { createApiKey(input: {name: "x", role: VIEWER}) { secret } }`, &struct{}{}, bearer(b.a.Token))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("code = %q, want FORBIDDEN", got)
		}
		err = b.gql.Post(`mutation($e: String!) { addUser(input: {email: $e, role: TENANT_ADMIN, password: "a much longer passphrase"}) { id } }`,
			&struct{}{}, bearer(b.a.Token), client.Var("e", "mallory@acme.example"))
		if got := errorCode(err); got != "FORBIDDEN" {
			t.Errorf("code = %q, want FORBIDDEN", got)
		}
		MustHaveAudit(t, b, adminToken, scalefield.AuditAccessDenied)
	})

	t.Run("another tenant's objects cannot be reached by ID", func(t *testing.T) {
		tokens, err := store.NewHECTokenService(b.main.DB).ListHECTokens(scalefield.NewContextWithSession(ctx,
			&scalefield.Session{TenantID: b.b.Tenant.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull}))
		if err != nil || len(tokens) == 0 {
			t.Fatalf("tenant B tokens: %v %v", tokens, err)
		}
		err = b.gql.Post(`mutation($id: ID!) { revokeHecToken(id: $id) { id } }`, &struct{}{}, bearer(adminToken),
			client.Var("id", tokens[0].ID))
		if got := errorCode(err); got != "NOT_FOUND" {
			t.Errorf("revoking tenant B's HEC token from tenant A: code = %q, want NOT_FOUND", got)
		}
		err = b.gql.Post(`mutation($id: ID!) { setUserRole(userId: $id, role: VIEWER) { id } }`, &struct{}{}, bearer(adminToken),
			client.Var("id", MustUserID(t, b, b.b.Email)))
		if got := errorCode(err); got != "NOT_FOUND" {
			t.Errorf("changing a tenant B member from tenant A: code = %q, want NOT_FOUND", got)
		}
	})

	t.Run("the application role cannot rewrite the audit log", func(t *testing.T) {
		for _, stmt := range []string{`UPDATE audit_log SET action = 'nothing happened'`, `DELETE FROM audit_log`} {
			tx, err := b.main.DB.App.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, b.a.Tenant.ID)
			if _, err := tx.Exec(ctx, stmt); err == nil {
				t.Errorf("%s: succeeded as the application role", stmt)
			}
			_ = tx.Rollback(ctx)
		}
		var verify struct{ VerifyAuditLog struct{ Ok bool } }
		b.gql.MustPost(`{ verifyAuditLog { ok } }`, &verify, bearer(adminToken))
		if !verify.VerifyAuditLog.Ok {
			t.Error("audit chain does not verify")
		}
	})

	t.Run("sign-in attempts are rate limited per address", func(t *testing.T) {
		var last error
		for range 20 {
			last = b.gql.Post(`mutation { login(email: "nobody@acme.example", password: "wrong password!!") { mfaToken } }`,
				&struct{}{}, func(r *client.Request) { r.HTTP.RemoteAddr = "198.51.100.77:5000" })
		}
		if got := errorCode(last); got != "RATE_LIMITED" {
			t.Errorf("code after 20 attempts = %q, want RATE_LIMITED", got)
		}
	})
}

// MustCreateAdmin adds a tenant administrator with the test password.
func MustCreateAdmin(t *testing.T, m *Main, tn *scalefield.Tenant, email string) string {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	ctx := scalefield.NewContextWithSession(context.Background(), &scalefield.Session{TenantID: tn.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
	if _, err := store.NewUserService(m.DB).AddMember(ctx, scalefield.AddMemberRequest{Email: email, PasswordHash: hash, Role: scalefield.RoleTenantAdmin}, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Authorizer.Invalidate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return email
}

// MustLoginMFA signs in with password and the TOTP code of time at.
func MustLoginMFA(t *testing.T, b *bundle, email, secret string, at time.Time) string {
	t.Helper()
	var login struct{ Login struct{ MfaToken string } }
	b.gql.MustPost(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { mfaToken } }`,
		&login, client.Var("e", email), client.Var("p", password))
	var verify struct{ VerifyMfa struct{ Token string } }
	b.gql.MustPost(`mutation($t: String!, $c: String!) { verifyMfa(mfaToken: $t, code: $c) { token } }`,
		&verify, client.Var("t", login.Login.MfaToken), client.Var("c", totpCode(t, secret, at)))
	return verify.VerifyMfa.Token
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// MustHaveAudit checks that the tenant's audit log holds an entry of action.
func MustHaveAudit(t *testing.T, b *bundle, token, action string) {
	t.Helper()
	var resp struct{ AuditLog struct{ TotalCount int } }
	b.gql.MustPost(`query($a: String!) { auditLog(filter: {action: $a}) { totalCount } }`, &resp, bearer(token), client.Var("a", action))
	if resp.AuditLog.TotalCount == 0 {
		t.Errorf("audit log has no %s entry", action)
	}
}

func MustUserID(t *testing.T, b *bundle, email string) string {
	t.Helper()
	var id string
	if err := b.main.DB.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestGraphQLComplexityBudgetPerCaller(t *testing.T) {
	// A small complexity limit makes the per-caller budget small: five
	// maximal operations at once.
	b := setupWith(t, func(cfg *Config) { cfg.ComplexityLimit = 20 })
	query := `{ a: tenant { id slug name createdAt } b: tenant { id slug name createdAt } c: tenant { id slug name createdAt } }`
	var last error
	refused := 0
	for range 12 {
		if last = b.gql.Post(query, &struct {
			A, B, C struct{ ID, Slug, Name, CreatedAt string }
		}{}, bearer(b.a.Token)); last != nil {
			refused++
		}
	}
	if got := errorCode(last); refused == 0 || got != "RATE_LIMITED" {
		t.Fatalf("after 12 operations: %d refused, last code %q; want RATE_LIMITED", refused, got)
	}
	// The budget is per caller: another user is not affected.
	var other struct{ Tenant struct{ Slug string } }
	b.gql.MustPost(`{ tenant { slug } }`, &other, bearer(b.b.Token))
}

// A GraphQL WebSocket lives only as long as its sign-in: once the session
// signs out, the next check closes the socket, and reconnecting with the
// same token is refused.
func TestWebSocketClosesWhenItsSessionEnds(t *testing.T) {
	b := setupWith(t, func(cfg *Config) { cfg.SessionCheck = 50 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn := MustSubscribe(t, ctx, b.main, b.a.Token, "")
	waitSubscribers(t, b.main, b.a.Tenant.ID, 1)

	// Several checks pass while the session is valid: events still arrive.
	time.Sleep(300 * time.Millisecond)
	MustPostHEC(t, b.main, b.a.Secret, `{"event":{"message":"still signed in"}}`)
	if got := nextEvent(t, ctx, conn); got != "still signed in" {
		t.Fatalf("event = %q", got)
	}

	var out struct{ Logout bool }
	b.gql.MustPost(`mutation { logout }`, &out, bearer(b.a.Token))
	start := time.Now()
	for {
		var msg map[string]any
		err := wsjson.Read(ctx, conn, &msg)
		if err == nil {
			if msg["type"] == "ping" {
				_ = wsjson.Write(ctx, conn, map[string]any{"type": "pong"})
			}
			continue
		}
		if ctx.Err() != nil {
			t.Fatalf("the socket of a signed-out session is still open after %s", time.Since(start))
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusNormalClosure {
			t.Errorf("close status = %d (%v), want 1000", got, err)
		}
		t.Logf("closed %s after sign-out", time.Since(start).Round(time.Millisecond))
		break
	}

	again := dial(t, ctx, b.main)
	_ = wsjson.Write(ctx, again, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + b.a.Token}})
	var msg map[string]any
	err := wsjson.Read(ctx, again, &msg)
	if got := websocket.CloseStatus(err); err == nil || got != 4403 {
		t.Errorf("reconnect with the signed-out token: %v %v (close %d), want 4403", msg, err, got)
	}
}

// A user changes their password through the API: the current one is
// checked, the policy applies, the other sessions end and this one stays.
func TestChangePasswordThroughTheAPI(t *testing.T) {
	b := setup(t)
	other := MustLogin(t, b.gql, b.a.Email)
	const next = "a fresh and long passphrase"
	change := func(current, newPassword string) error {
		var out struct{ ChangePassword bool }
		return b.gql.Post(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
			&out, bearer(b.a.Token), client.Var("c", current), client.Var("n", newPassword))
	}
	if got := errorCode(change("wrong password here", next)); got != "UNAUTHENTICATED" {
		t.Errorf("wrong current password: code %q, want UNAUTHENTICATED", got)
	}
	if got := errorCode(change(password, "password123456")); got != "INVALID" {
		t.Errorf("a common password: code %q, want INVALID", got)
	}
	if err := change(password, next); err != nil {
		t.Fatalf("change: %v", err)
	}
	if err := b.gql.Post(`{ me { email } }`, &struct{ Me struct{ Email string } }{}, bearer(b.a.Token)); err != nil {
		t.Errorf("the session that changed the password: %v", err)
	}
	if err := b.gql.Post(`{ me { email } }`, &struct{ Me struct{ Email string } }{}, bearer(other)); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("another session after the change: %v, want HTTP 401", err)
	}
	var login struct {
		Login struct{ Session *struct{ Token string } }
	}
	if err := b.gql.Post(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { session { token } } }`, &login,
		client.Var("e", b.a.Email), client.Var("p", next)); err != nil || login.Login.Session == nil {
		t.Errorf("sign-in with the new password: %v", err)
	}
	// An analyst may not read the audit log; the owner connection may.
	var n int
	if err := b.main.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND tenant_id = $2`,
		scalefield.AuditPasswordChanged, b.a.Tenant.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries %s: %d, %v; want 1", scalefield.AuditPasswordChanged, n, err)
	}
}
