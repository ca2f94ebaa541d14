package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

// The store implements what the Service needs.
var (
	_ auth.Store           = (*store.IdentityStore)(nil)
	_ auth.OneTimeStore    = (*store.OneTimeStore)(nil)
	_ auth.CredentialStore = (*store.UserService)(nil)
)

// clock is a settable clock shared by the service and its signer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// auditRecorder keeps appended entries in memory.
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

// last returns the newest entry with the action, or nil.
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

func (r *auditRecorder) count(action string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

// limiter counts events per key and refuses past max (0: never).
type limiter struct {
	mu     sync.Mutex
	max    int
	counts map[string]int
}

func (l *limiter) Allow(_ context.Context, key string, _ scalefield.Limit, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	l.counts[key] += n
	if l.max > 0 && l.counts[key] > l.max {
		return scalefield.Errorf(scalefield.ERATELIMIT, "too many attempts: retry in a minute")
	}
	return nil
}

func (l *limiter) count(key string) int { l.mu.Lock(); defer l.mu.Unlock(); return l.counts[key] }

type bundle struct {
	svc     *auth.Service
	db      *store.DB
	users   *store.UserService
	tenants *store.TenantService
	audit   *auditRecorder
	limiter *limiter
	clock   *clock
	tenant  *scalefield.Tenant
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := storetest.NewDB(t)
	rdb := storetest.NewRedis(t)
	b := &bundle{db: db, users: store.NewUserService(db), tenants: store.NewTenantService(db), audit: &auditRecorder{},
		limiter: &limiter{}, clock: &clock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := auth.NewSigner(key, 15*time.Minute)
	signer.Now = b.clock.Now
	secret := make([]byte, auth.SecretKeySize)
	_, _ = rand.Read(secret)
	cipher, err := auth.NewCipher(auth.SecretKey{ID: 1, Key: secret})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = &auth.Service{
		Users: b.users, Store: store.NewIdentityStore(db), OneTime: store.NewOneTimeStore(rdb),
		Signer: signer, Secrets: cipher, Audit: b.audit, Limiter: b.limiter, Config: auth.DefaultConfig(), Now: b.clock.Now,
	}
	if err := b.svc.Validate(); err != nil {
		t.Fatal(err)
	}
	b.tenant = MustCreateTenant(t, b.tenants, "acme")
	return b
}

func MustCreateTenant(t *testing.T, s *store.TenantService, slug string) *scalefield.Tenant {
	t.Helper()
	tn := &scalefield.Tenant{Slug: slug, Name: slug}
	if err := s.CreateTenant(context.Background(), tn); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return tn
}

const testPassword = "a long enough passphrase"

// MustCreateUser creates a user with testPassword, a member of the tenant
// with the role.
func (b *bundle) MustCreateUser(t *testing.T, email string, tenant *scalefield.Tenant, role scalefield.Role) *scalefield.User {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &scalefield.User{Email: email}
	if err := b.users.CreateUser(context.Background(), u, hash); err != nil {
		t.Fatalf("create user: %v", err)
	}
	b.MustAddMember(t, u, tenant, role)
	return u
}

func (b *bundle) MustAddMember(t *testing.T, u *scalefield.User, tenant *scalefield.Tenant, role scalefield.Role) {
	t.Helper()
	if err := b.users.AddMembership(context.Background(), scalefield.Membership{TenantID: tenant.ID, UserID: u.ID, Role: role}); err != nil {
		t.Fatalf("add membership: %v", err)
	}
}

func (b *bundle) MustLogin(t *testing.T, email, tenantSlug string) *scalefield.LoginResult {
	t.Helper()
	res, err := b.svc.Login(context.Background(), scalefield.LoginRequest{Email: email, Password: testPassword,
		TenantSlug: tenantSlug, RemoteAddr: "203.0.113.7:4242", UserAgent: "test"})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return res
}

// MustAuthenticate returns ctx carrying the session of the access token.
func (b *bundle) MustAuthenticate(t *testing.T, token string) context.Context {
	t.Helper()
	sess, err := b.svc.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return scalefield.NewContextWithSession(context.Background(), sess)
}

// code returns the TOTP code of secret for the step `steps` away from now.
func (b *bundle) code(t *testing.T, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, b.clock.Now().Add(time.Duration(steps)*30*time.Second),
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// MustEnrolMFA enrols a TOTP authenticator for the user signed in with
// res and returns its secret, recovery codes and the new session.
func (b *bundle) MustEnrolMFA(t *testing.T, res *scalefield.LoginResult) (string, *scalefield.MFAConfirmation) {
	t.Helper()
	ctx := b.MustAuthenticate(t, res.Token)
	enr, err := b.svc.BeginMFAEnrollment(ctx)
	if err != nil {
		t.Fatalf("begin enrolment: %v", err)
	}
	conf, err := b.svc.ConfirmMFAEnrollment(ctx, b.code(t, enr.Secret, 0))
	if err != nil {
		t.Fatalf("confirm enrolment: %v", err)
	}
	// The enrolment code's step is used: move on to the next one.
	b.clock.Advance(30 * time.Second)
	return enr.Secret, conf
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := scalefield.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}
