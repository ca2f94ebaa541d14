package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	scalefield "github.com/scalefield/scalefield"
)

// Compile-time check that AuditService implements the domain interface.
var _ scalefield.AuditService = (*AuditService)(nil)

// AuditService appends to and reads the audit log: one hash chain per
// tenant, and one for platform events (no tenant). The chain logic lives in
// the database (scalefield_append_audit and scalefield_audit_hash in
// migrations/00003_rbac_audit.sql), so every replica and every transaction
// appends the same way.
type AuditService struct{ db *DB }

// NewAuditService returns an AuditService on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// Audit actor types (scalefield.AuditEntry.ActorType).
const (
	ActorUser      = "user"
	ActorAPIKey    = "apikey"
	ActorAnonymous = "anonymous"
	ActorSystem    = "system"
)

// AuditExportFormats lists the formats of ExportAudit: CSV, and JSON lines
// (one object per line).
var AuditExportFormats = []string{"csv", "jsonl"}

// AppendAudit records e in its tenant's chain (the platform chain when
// e.TenantID is ""), in a transaction of its own, and fills in ID, At (now,
// unless set), PrevHash and Hash. EINVALID for a bad entry.
func (s *AuditService) AppendAudit(ctx context.Context, e *scalefield.AuditEntry) error {
	var (
		tx  pgx.Tx
		err error
	)
	if e.TenantID == "" {
		// Platform events belong to no tenant: the transaction is unscoped
		// and scalefield_append_audit writes the row as its owner.
		tx, err = s.db.App.Begin(ctx)
	} else {
		tx, err = s.db.beginForTenant(ctx, e.TenantID)
	}
	if err != nil {
		return fmt.Errorf("append audit: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := AppendAuditTx(ctx, tx, e); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("append audit: commit: %w", err)
	}
	return nil
}

// AppendAuditTx records e inside tx, so that a change and its audit entry
// commit together or not at all, and fills in ID, At (now, unless set),
// PrevHash and Hash. tx must be scoped to e.TenantID (as beginForTenant
// does) or to no tenant; a platform entry (TenantID "") may be appended in
// any transaction. The chain's lock is held until tx ends: append late in
// the transaction. tx must be READ COMMITTED (the default). EINVALID for a
// bad entry.
func AppendAuditTx(ctx context.Context, tx pgx.Tx, e *scalefield.AuditEntry) error {
	if err := validateAuditEntry(e); err != nil {
		return err
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	ip, rawIP := parseAuditIP(e.IP)
	if rawIP != "" {
		// Keep an unparsable address, but not in the inet column.
		details = cloneDetails(details)
		details["remote_addr"] = rawIP
	}
	detailsJSON, err := json.Marshal(details)
	if err != nil {
		return scalefield.Errorf(scalefield.EINVALID, "audit details must be JSON: %v", err)
	}
	var at *time.Time
	if !e.At.IsZero() {
		t := e.At.UTC().Truncate(time.Microsecond)
		at = &t
	}
	var tenant *string
	if e.TenantID != "" {
		tenant = &e.TenantID
	}
	err = tx.QueryRow(ctx, `
		SELECT out_id, out_at, out_prev_hash, out_hash
		FROM scalefield_append_audit($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tenant, at, e.ActorType, e.ActorID, e.ActorLabel, ip, e.Action, e.TargetType, e.TargetID, detailsJSON,
	).Scan(&e.ID, &e.At, &e.PrevHash, &e.Hash)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "22P02" {
		return scalefield.Errorf(scalefield.EINVALID, "audit entry: invalid tenant id")
	} else if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	e.At = e.At.UTC()
	return nil
}

func validateAuditEntry(e *scalefield.AuditEntry) error {
	switch e.ActorType {
	case ActorUser, ActorAPIKey, ActorAnonymous, ActorSystem:
	default:
		return scalefield.Errorf(scalefield.EINVALID, "audit entry: unknown actor type %q", e.ActorType)
	}
	if strings.TrimSpace(e.Action) == "" {
		return scalefield.Errorf(scalefield.EINVALID, "audit entry: action is required")
	}
	return nil
}

// parseAuditIP returns the address of s ("ip" or "ip:port"), or nil and s
// itself when s is not empty but not an address.
func parseAuditIP(s string) (*netip.Addr, string) {
	if s == "" {
		return nil, ""
	}
	host := s
	if h, _, err := net.SplitHostPort(s); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return nil, s
	}
	addr = addr.Unmap()
	return &addr, ""
}

func cloneDetails(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// auditColumns are the columns every read selects, in the order scanAudit
// expects.
const auditColumns = `id, coalesce(tenant_id::text, ''), at, actor_type, actor_id, actor_label,
	coalesce(host(ip), ''), action, target_type, target_id, details, prev_hash, hash`

func scanAudit(row pgx.Row) (*scalefield.AuditEntry, error) {
	var e scalefield.AuditEntry
	err := row.Scan(&e.ID, &e.TenantID, &e.At, &e.ActorType, &e.ActorID, &e.ActorLabel,
		&e.IP, &e.Action, &e.TargetType, &e.TargetID, &e.Details, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return &e, err
}

// auditWhere builds the WHERE clause of f for tenantID; the keyset cursor
// is left to the caller.
func auditWhere(tenantID string, f scalefield.AuditFilter) ([]string, []any, error) {
	where, args := []string{"tenant_id = $1"}, []any{tenantID}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != nil {
		add("action = $%d", *f.Action)
	}
	if f.ActorID != nil {
		add("actor_id = $%d", *f.ActorID)
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return nil, nil, scalefield.Errorf(scalefield.EINVALID, "from must not be after to")
	}
	if f.From != nil {
		add("at >= $%d", *f.From)
	}
	if f.To != nil {
		add("at < $%d", *f.To)
	}
	return where, args, nil
}

// FindAuditEntries returns a page of the caller's tenant's entries, newest
// first, with the total count of entries matching f. The filter narrows by
// action, actor ID and time (From inclusive, To exclusive). EINVALID for a
// bad filter or cursor; EUNAUTHORIZED without a session.
func (s *AuditService) FindAuditEntries(ctx context.Context, f scalefield.AuditFilter) (*scalefield.AuditPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	where, args, err := auditWhere(tenantID, f)
	if err != nil {
		return nil, err
	}
	page := &scalefield.AuditPage{}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE `+strings.Join(where, " AND "), args...).
		Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count audit entries: %w", err)
	}
	if f.After != nil {
		after, err := decodeIDCursor(*f.After)
		if err != nil {
			return nil, err
		}
		args = append(args, after)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	args = append(args, f.First+1)
	rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.AuditEntry, error) { return scanAudit(row) })
	if err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	page.Entries, page.Cursors, page.HasNextPage = trimPage(entries, f.First,
		func(e *scalefield.AuditEntry) string { return encodeIDCursor(e.ID) })
	return page, nil
}

// VerifyAuditLog recomputes the hash of every entry of the caller's
// tenant's chain, oldest first, and checks that each names its
// predecessor's hash. It reports the first row that fails, and why.
// EUNAUTHORIZED without a session.
func (s *AuditService) VerifyAuditLog(ctx context.Context) (*scalefield.AuditVerification, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	return verifyAuditChain(ctx, tx, "tenant_id = $1", tenantID)
}

// VerifyPlatformAuditLog checks the platform chain (entries without a
// tenant) as VerifyAuditLog checks a tenant's. It reads through the
// privileged connection, because no tenant's row-level security policy
// admits those rows: the caller must first check that the session holds
// tenants:manage.
func (s *AuditService) VerifyPlatformAuditLog(ctx context.Context) (*scalefield.AuditVerification, error) {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify platform audit log: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	return verifyAuditChain(ctx, tx, "tenant_id IS NULL")
}

// genesisHash is the prev_hash of the first row of every chain.
var genesisHash = make([]byte, 32)

func verifyAuditChain(ctx context.Context, tx pgx.Tx, where string, args ...any) (*scalefield.AuditVerification, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, prev_hash, hash,
			scalefield_audit_hash(prev_hash, tenant_id, at, actor_type, actor_id, actor_label, ip,
				action, target_type, target_id, details)
		FROM audit_log WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	v := &scalefield.AuditVerification{OK: true}
	prev := genesisHash
	var (
		id                   int64
		prevHash, hash, want []byte
	)
	for rows.Next() {
		if err := rows.Scan(&id, &prevHash, &hash, &want); err != nil {
			return nil, fmt.Errorf("verify audit log: %w", err)
		}
		v.Checked++
		switch {
		case !bytes.Equal(prevHash, prev):
			v.Reason = "prev_hash does not match the hash of the previous entry: an entry was removed, inserted or rewritten before this one"
		case !bytes.Equal(hash, want):
			v.Reason = "hash does not match the entry's contents: the entry was changed"
		}
		if v.Reason != "" {
			v.OK, v.FirstBadID = false, id
			return v, nil
		}
		prev = bytes.Clone(hash)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify audit log: %w", err)
	}
	return v, nil
}

// ExportAudit writes the caller's tenant's entries matching f (action,
// actor and time; First and After are ignored) to w, oldest first, as CSV
// with a header row or as JSON lines, and returns how many it wrote. Each
// row carries prev_hash and hash (hex), so the chain's links can be
// followed in the export; CSV holds details exactly as PostgreSQL renders
// them (the text the hash covers), JSON lines as an object. CSV cells that
// a spreadsheet would run as a formula are prefixed with an apostrophe.
// EINVALID for an unknown format or a bad filter; EUNAUTHORIZED without a
// session.
func (s *AuditService) ExportAudit(ctx context.Context, f scalefield.AuditFilter, w io.Writer, format string) (int, error) {
	var out auditWriter
	switch format {
	case "csv":
		out = newAuditCSV(w)
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		out = &auditJSONL{enc: enc}
	default:
		return 0, scalefield.Errorf(scalefield.EINVALID, "unknown export format %q (want csv or jsonl)", format)
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	where, args, err := auditWhere(tenantID, f)
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `
		SELECT id, coalesce(tenant_id::text, ''), at, actor_type, actor_id, actor_label,
			coalesce(host(ip), ''), action, target_type, target_id, details::text, prev_hash, hash
		FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY id`, args...)
	if err != nil {
		return 0, fmt.Errorf("export audit: %w", err)
	}
	defer rows.Close()
	n := 0
	var r auditRecord
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.TenantID, &r.At, &r.ActorType, &r.ActorID, &r.ActorLabel, &r.IP,
			&r.Action, &r.TargetType, &r.TargetID, &r.Details, &r.PrevHash, &r.Hash); err != nil {
			return n, fmt.Errorf("export audit: %w", err)
		}
		if err := out.write(&r); err != nil {
			return n, fmt.Errorf("export audit: write: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export audit: %w", err)
	}
	if err := out.flush(); err != nil {
		return n, fmt.Errorf("export audit: write: %w", err)
	}
	return n, nil
}

// auditRecord is one exported row.
type auditRecord struct {
	ID         int64
	TenantID   string
	At         time.Time
	ActorType  string
	ActorID    string
	ActorLabel string
	IP         string
	Action     string
	TargetType string
	TargetID   string
	Details    string
	PrevHash   []byte
	Hash       []byte
}

type auditWriter interface {
	write(r *auditRecord) error
	flush() error
}

type auditCSV struct {
	w      *csv.Writer
	header bool
}

func newAuditCSV(w io.Writer) *auditCSV { return &auditCSV{w: csv.NewWriter(w)} }

var auditCSVHeader = []string{"id", "tenant_id", "at", "actor_type", "actor_id", "actor_label", "ip",
	"action", "target_type", "target_id", "details", "prev_hash", "hash"}

func (c *auditCSV) write(r *auditRecord) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(auditCSVHeader); err != nil {
			return err
		}
	}
	return c.w.Write([]string{
		strconv.FormatInt(r.ID, 10), r.TenantID, r.At.UTC().Format(time.RFC3339Nano), r.ActorType,
		csvSafe(r.ActorID), csvSafe(r.ActorLabel), r.IP, csvSafe(r.Action), csvSafe(r.TargetType),
		csvSafe(r.TargetID), r.Details, hex.EncodeToString(r.PrevHash), hex.EncodeToString(r.Hash),
	})
}

func (c *auditCSV) flush() error {
	if !c.header {
		c.header = true
		if err := c.w.Write(auditCSVHeader); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

// csvSafe defuses a cell a spreadsheet would evaluate as a formula (OWASP
// "CSV injection"): the labels and targets come from user input.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type auditJSONL struct{ enc *json.Encoder }

func (j *auditJSONL) write(r *auditRecord) error {
	return j.enc.Encode(struct {
		ID         int64           `json:"id"`
		TenantID   string          `json:"tenant_id"`
		At         string          `json:"at"`
		ActorType  string          `json:"actor_type"`
		ActorID    string          `json:"actor_id"`
		ActorLabel string          `json:"actor_label"`
		IP         string          `json:"ip"`
		Action     string          `json:"action"`
		TargetType string          `json:"target_type"`
		TargetID   string          `json:"target_id"`
		Details    json.RawMessage `json:"details"`
		PrevHash   string          `json:"prev_hash"`
		Hash       string          `json:"hash"`
	}{r.ID, r.TenantID, r.At.UTC().Format(time.RFC3339Nano), r.ActorType, r.ActorID, r.ActorLabel, r.IP,
		r.Action, r.TargetType, r.TargetID, json.RawMessage(r.Details),
		hex.EncodeToString(r.PrevHash), hex.EncodeToString(r.Hash)})
}

func (j *auditJSONL) flush() error { return nil }
