package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/server"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// auditRecorder keeps appended audit entries in memory.
type auditRecorder struct {
	mu      sync.Mutex
	entries []scalefield.AuditEntry
}

func (r *auditRecorder) AppendAudit(_ context.Context, e *scalefield.AuditEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, *e)
	return nil
}

func (r *auditRecorder) FindAuditEntries(context.Context, scalefield.AuditFilter) (*scalefield.AuditPage, error) {
	return nil, scalefield.Errorf(scalefield.EINTERNAL, "not in the recorder")
}

func (r *auditRecorder) VerifyAuditLog(context.Context) (*scalefield.AuditVerification, error) {
	return nil, scalefield.Errorf(scalefield.EINTERNAL, "not in the recorder")
}

func (r *auditRecorder) last(action string) *scalefield.AuditEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.entries) - 1; i >= 0; i-- {
		if r.entries[i].Action == action {
			e := r.entries[i]
			return &e
		}
	}
	return nil
}

// allowAll is a rate limiter that allows everything.
type allowAll struct{}

func (allowAll) Allow(context.Context, string, scalefield.Limit, int) error { return nil }

type ssoBundle struct {
	svc    *auth.Service
	idp    *mockoidc.MockOIDC
	app    *httptest.Server
	audit  *auditRecorder
	tenant *scalefield.Tenant
	users  *store.UserService
	db     *store.DB
}

// setupSSO starts a mock identity provider and the SSO routes, and
// configures tenant acme to sign in through the provider: example.com
// accounts, group "engineering" → analyst, "secops" → tenant-admin.
func setupSSO(t *testing.T) *ssoBundle {
	t.Helper()
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	db := storetest.NewDB(t)
	b := &ssoBundle{idp: idp, audit: &auditRecorder{}, users: store.NewUserService(db), db: db}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	secret := make([]byte, auth.SecretKeySize)
	_, _ = rand.Read(secret)
	cipher, err := auth.NewCipher(auth.SecretKey{ID: 1, Key: secret})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = &auth.Service{
		Users: b.users, Store: store.NewIdentityStore(db), OneTime: store.NewOneTimeStore(storetest.NewRedis(t)),
		Signer: auth.NewSigner(key, 15*time.Minute), Secrets: cipher, Audit: b.audit, Limiter: allowAll{},
		Config: auth.DefaultConfig(),
	}
	mux := http.NewServeMux()
	(&server.OIDCHandlers{SSO: b.svc}).Register(mux)
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("login page")) })
	mux.HandleFunc("GET /login/sso", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("sso page")) })
	b.app = httptest.NewServer(mux)
	t.Cleanup(b.app.Close)
	b.svc.Config.PublicURL = b.app.URL

	b.tenant = &scalefield.Tenant{Slug: "acme", Name: "Acme"}
	if err := store.NewTenantService(db).CreateTenant(context.Background(), b.tenant); err != nil {
		t.Fatal(err)
	}
	cfg := idp.Config()
	owner := &scalefield.User{Email: "owner@acme.example"}
	if err := b.users.CreateUser(context.Background(), owner, "!none"); err != nil {
		t.Fatal(err)
	}
	admin := scalefield.NewContextWithSession(context.Background(), &scalefield.Session{
		UserID: owner.ID, TenantID: b.tenant.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
	enabled, issuer, claim := true, cfg.Issuer, "groups"
	domains, scopes := []string{"Example.com"}, []string{"groups"}
	roles := map[string]scalefield.Role{"engineering": scalefield.RoleAnalyst, "secops": scalefield.RoleTenantAdmin}
	if _, err := b.svc.UpdateSSOSettings(admin, scalefield.SSOSettingsUpdate{
		Enabled: &enabled, IssuerURL: &issuer, ClientID: &cfg.ClientID, ClientSecret: &cfg.ClientSecret,
		AllowedDomains: &domains, GroupsClaim: &claim, GroupRoles: &roles, ExtraScopes: &scopes,
	}); err != nil {
		t.Fatalf("configure SSO: %v", err)
	}
	return b
}

// browser returns a client with a cookie jar that follows redirects until
// the SPA's /login or /login/sso, or until stop says so.
func browser(t *testing.T, stop func(*http.Request) bool) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.Path, "/login") || (stop != nil && stop(req)) || len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// MustGet returns the Location of the redirect that ended the walk.
func MustGet(t *testing.T, c *http.Client, u string) *url.URL {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: status %d, want a redirect", u, resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func wantSSOError(t *testing.T, loc *url.URL, reason string) {
	t.Helper()
	if loc.Path != "/login" || loc.Query().Get("sso_error") != reason {
		t.Fatalf("redirected to %s, want /login?sso_error=%s", loc, reason)
	}
}

func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	b := setupSSO(t)
	ctx := context.Background()

	info, err := b.svc.SSOLogin(ctx, "acme")
	if err != nil || !info.Enabled || info.LoginURL != b.app.URL+"/auth/oidc/acme/login" {
		t.Fatalf("SSOLogin = %+v, %v", info, err)
	}
	loc := MustGet(t, browser(t, nil), info.LoginURL)
	if loc.Path != "/login/sso" || !strings.HasPrefix(loc.Fragment, "code=") {
		t.Fatalf("redirected to %s, want /login/sso#code=…", loc)
	}
	code := strings.TrimPrefix(loc.Fragment, "code=")
	res, err := b.svc.CompleteSSOLogin(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Email != "jane.doe@example.com" || res.Role != scalefield.RoleAnalyst || res.Scope != scalefield.ScopeFull ||
		len(res.AMR) != 1 || res.AMR[0] != "fed" || res.Tenant.ID != b.tenant.ID || res.RefreshToken == "" {
		t.Fatalf("login = %+v", res)
	}
	if _, err := b.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("SSO session: %v", err)
	}
	e := b.audit.last(scalefield.AuditSSOLogin)
	if e == nil || e.TenantID != b.tenant.ID || e.Details["role"] != "analyst" || e.Details["email"] != "jane.doe@example.com" {
		t.Errorf("sso audit = %+v", e)
	}
	if e := b.audit.last(scalefield.AuditLoginSucceeded); e == nil || e.Details["method"] != "sso" {
		t.Errorf("login audit = %+v", e)
	}
	if _, err := b.svc.CompleteSSOLogin(ctx, code); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("code used twice: %v, want EUNAUTHORIZED", err)
	}
	// The account SSO made has no usable password.
	_, err = b.svc.Login(ctx, scalefield.LoginRequest{Email: "jane.doe@example.com", Password: "!sso"})
	if scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("password login of an SSO account: %v", err)
	}

	t.Run("an administrator's group grants tenant-admin without local MFA", func(t *testing.T) {
		b.idp.QueueUser(&mockoidc.MockUser{Subject: "42", Email: "sam@example.com", EmailVerified: true, Groups: []string{"engineering", "secops"}})
		loc := MustGet(t, browser(t, nil), info.LoginURL)
		res, err := b.svc.CompleteSSOLogin(ctx, strings.TrimPrefix(loc.Fragment, "code="))
		if err != nil {
			t.Fatal(err)
		}
		if res.Role != scalefield.RoleTenantAdmin || res.Scope != scalefield.ScopeFull {
			t.Errorf("login = role %s scope %s", res.Role, res.Scope)
		}
	})
}

func TestSSOFailures(t *testing.T) {
	t.Parallel()
	b := setupSSO(t)
	loginURL := b.app.URL + "/auth/oidc/acme/login"
	isCallback := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/callback") }

	t.Run("a bad state", func(t *testing.T) {
		c := browser(t, isCallback)
		cb := MustGet(t, c, loginURL) // stops before the callback
		q := cb.Query()
		q.Set("state", "forged")
		cb.RawQuery = q.Encode()
		wantSSOError(t, MustGet(t, c, cb.String()), "state")
	})

	t.Run("a reused state", func(t *testing.T) {
		c := browser(t, isCallback)
		cb := MustGet(t, c, loginURL)
		jar := c.Jar
		if loc := MustGet(t, c, cb.String()); loc.Path != "/login/sso" {
			t.Fatalf("first callback: %s", loc)
		}
		// Replay in the same browser, cookie restored.
		u, _ := url.Parse(b.app.URL + "/auth/oidc/acme/")
		jar.SetCookies(u, []*http.Cookie{{Name: "scalefield_sso_state", Value: cb.Query().Get("state"), Path: "/auth/oidc/acme/"}})
		wantSSOError(t, MustGet(t, c, cb.String()), "state")
	})

	t.Run("a callback in another browser", func(t *testing.T) {
		cb := MustGet(t, browser(t, isCallback), loginURL)
		wantSSOError(t, MustGet(t, browser(t, nil), cb.String()), "state")
	})

	t.Run("a wrong nonce", func(t *testing.T) {
		isAuthorize := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, mockoidc.AuthorizationEndpoint) }
		c := browser(t, isAuthorize)
		authz := MustGet(t, c, loginURL)
		q := authz.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
			t.Fatalf("authorization request lacks PKCE S256 or nonce: %s", authz)
		}
		q.Set("nonce", "attacker-chosen")
		authz.RawQuery = q.Encode()
		wantSSOError(t, MustGet(t, c, authz.String()), "nonce")
		if e := b.audit.last(scalefield.AuditLoginFailed); e == nil || e.Details["reason"] != "nonce" {
			t.Errorf("failure audit = %+v", e)
		}
	})

	t.Run("a disallowed domain", func(t *testing.T) {
		b.idp.QueueUser(&mockoidc.MockUser{Subject: "7", Email: "eve@evil.example", EmailVerified: true, Groups: []string{"secops"}})
		wantSSOError(t, MustGet(t, browser(t, nil), loginURL), "domain")
	})

	t.Run("no mapped group and no default role", func(t *testing.T) {
		b.idp.QueueUser(&mockoidc.MockUser{Subject: "8", Email: "max@example.com", EmailVerified: true, Groups: []string{"sales"}})
		wantSSOError(t, MustGet(t, browser(t, nil), loginURL), "no_role")
	})

	t.Run("an account of another tenant", func(t *testing.T) {
		globex := &scalefield.Tenant{Slug: "initech", Name: "Initech"}
		if err := store.NewTenantService(b.db).CreateTenant(context.Background(), globex); err != nil {
			t.Fatal(err)
		}
		victim := &scalefield.User{Email: "victim@example.com"}
		if err := b.users.CreateUser(context.Background(), victim, "!none"); err != nil {
			t.Fatal(err)
		}
		if err := b.users.AddMembership(context.Background(), scalefield.Membership{TenantID: globex.ID, UserID: victim.ID, Role: scalefield.RoleTenantAdmin}); err != nil {
			t.Fatal(err)
		}
		b.idp.QueueUser(&mockoidc.MockUser{Subject: "9", Email: "victim@example.com", EmailVerified: true, Groups: []string{"secops"}})
		wantSSOError(t, MustGet(t, browser(t, nil), loginURL), "account_elsewhere")
	})

	t.Run("the identity provider refuses", func(t *testing.T) {
		c := browser(t, isCallback)
		cb := MustGet(t, c, loginURL)
		q := cb.Query()
		q.Del("code")
		q.Set("error", "access_denied")
		cb.RawQuery = q.Encode()
		wantSSOError(t, MustGet(t, c, cb.String()), "idp_error")
	})

	t.Run("a tenant without SSO and an unknown tenant", func(t *testing.T) {
		other := &scalefield.Tenant{Slug: "globex", Name: "Globex"}
		if err := store.NewTenantService(b.db).CreateTenant(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		wantSSOError(t, MustGet(t, browser(t, nil), b.app.URL+"/auth/oidc/globex/login"), "disabled")
		wantSSOError(t, MustGet(t, browser(t, nil), b.app.URL+"/auth/oidc/nope/login"), "unknown_tenant")
		if info, err := b.svc.SSOLogin(context.Background(), "nope"); err != nil || info.Enabled {
			t.Errorf("SSOLogin of an unknown tenant = %+v, %v", info, err)
		}
	})
}
