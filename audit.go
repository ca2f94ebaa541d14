package scalefield

import (
	"context"
	"time"
)

// Audit actions. Every security-relevant change and every sign-in attempt
// is recorded under one of these.
const (
	AuditLoginSucceeded   = "auth.login.succeeded"
	AuditLoginFailed      = "auth.login.failed"
	AuditLoginLocked      = "auth.login.locked"
	AuditLogout           = "auth.logout"
	AuditLogoutEverywhere = "auth.logout_everywhere"
	AuditPasswordChanged  = "auth.password.changed"
	AuditRefreshReused    = "auth.refresh.reused" // a rotated refresh token came back: family revoked
	AuditMFAEnrolled      = "mfa.enrolled"
	AuditMFAVerified      = "mfa.verified"
	AuditMFAFailed        = "mfa.failed"
	AuditMFAReplayed      = "mfa.replayed"
	AuditRecoveryCodeUsed = "mfa.recovery_code_used"
	AuditSSOLogin         = "sso.login"
	AuditSSOSettings      = "sso.settings_changed"
	AuditAPIKeyCreated    = "apikey.created"
	AuditAPIKeyRevoked    = "apikey.revoked"
	AuditAPIKeyRefused    = "apikey.refused"
	AuditHECTokenCreated  = "hectoken.created"
	AuditHECTokenRevoked  = "hectoken.revoked"
	AuditTenantCreated    = "tenant.created"
	AuditUserCreated      = "user.created"
	AuditRoleChanged      = "membership.role_changed"
	AuditMemberRemoved    = "membership.removed"
	AuditAccessDenied     = "access.denied"
	AuditExported         = "data.exported"
	AuditReprocessed      = "quarantine.reprocessed"
)

// AuditEntry is one row of the append-only audit log. Each row carries the
// hash of the previous row of its tenant's chain, so a rewritten row breaks
// the chain.
type AuditEntry struct {
	ID int64
	// TenantID is "" for platform-level events (e.g. a failed sign-in of an
	// unknown email).
	TenantID string
	At       time.Time
	// ActorType is "user", "apikey", "anonymous" or "system".
	ActorType string
	ActorID   string
	// ActorLabel is a human-readable actor (an email, a key name).
	ActorLabel string
	IP         string
	Action     string
	TargetType string
	TargetID   string
	Details    map[string]any
	PrevHash   []byte
	Hash       []byte
}

// AuditFilter narrows an audit log query. Nil fields do not filter.
type AuditFilter struct {
	Action   *string
	ActorID  *string
	From, To *time.Time
	First    int
	After    *string
}

// Validate checks the filter and applies the default page size.
func (f *AuditFilter) Validate() error { return validatePage(&f.First) }

// AuditPage is one page of audit entries, newest first.
type AuditPage struct {
	Entries     []*AuditEntry
	Cursors     []string
	TotalCount  int
	HasNextPage bool
}

// AuditVerification is the result of checking a tenant's hash chain.
type AuditVerification struct {
	OK      bool
	Checked int
	// FirstBadID is the first row whose hash does not match, when !OK.
	FirstBadID int64
	Reason     string
}

// AuditService appends to and reads the audit log.
type AuditService interface {
	// AppendAudit records an entry, filling in ID, At, PrevHash and Hash.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// FindAuditEntries returns the caller's tenant's entries, newest first.
	// EINVALID for a bad filter; EUNAUTHORIZED without a session.
	FindAuditEntries(ctx context.Context, f AuditFilter) (*AuditPage, error)
	// VerifyAuditLog recomputes the caller's tenant's chain.
	VerifyAuditLog(ctx context.Context) (*AuditVerification, error)
}

// NewAuditEntry starts an audit entry for an action of the caller of ctx:
// tenant and actor from the session (anonymous without one) and the
// client address ip. Stores complete the target.
func NewAuditEntry(ctx context.Context, action, ip string) *AuditEntry {
	e := &AuditEntry{Action: action, IP: ip, ActorType: "anonymous"}
	if s := SessionFromContext(ctx); s != nil {
		e.TenantID = s.TenantID
		if s.APIKeyID != "" {
			e.ActorType, e.ActorID = "apikey", s.APIKeyID
		} else {
			e.ActorType, e.ActorID = "user", s.UserID
		}
	}
	return e
}
