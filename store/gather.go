package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// The gather zone's private constants; the exported ones and its types are
// in the domain package (gather.go).
const (
	gatherTokenPrefix       = "sfg_"
	gatherDatabaseRetention = 7 * 24 * time.Hour
)

// GatherService stores the gather zone: the CA, enrollment tokens, nodes
// with their inventory, and the import queue.
type GatherService struct{ db *DB }

// NewGatherService returns a GatherService on db.
func NewGatherService(db *DB) *GatherService { return &GatherService{db: db} }

// LoadGatherCA returns the stored CA. ENOTFOUND when there is none. The
// table is the privileged connection's alone.
func (s *GatherService) LoadGatherCA(ctx context.Context) ([]byte, []byte, error) {
	var cert string
	var key []byte
	err := s.db.Pool.QueryRow(ctx, `SELECT cert_pem, key_sealed FROM gather_ca`).Scan(&cert, &key)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, scalefield.Errorf(scalefield.ENOTFOUND, "no gather CA")
	} else if err != nil {
		return nil, nil, fmt.Errorf("load gather CA: %w", err)
	}
	return []byte(cert), key, nil
}

// CreateGatherCA stores the CA unless one exists and returns the stored one.
func (s *GatherService) CreateGatherCA(ctx context.Context, certPEM, sealedKey []byte, at time.Time) ([]byte, []byte, error) {
	if _, err := s.db.Pool.Exec(ctx, `INSERT INTO gather_ca (cert_pem, key_sealed, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, string(certPEM), sealedKey, at); err != nil {
		return nil, nil, fmt.Errorf("create gather CA: %w", err)
	}
	return s.LoadGatherCA(ctx)
}

func hashGatherToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateGatherEnrollmentToken creates a token in the caller's tenant valid
// for ttl (DefaultGatherTokenTTL when 0) and returns its secret, which is not
// kept. audit, if any, is appended in the same transaction. EINVALID for a
// blank name or a ttl outside (0, MaxGatherTokenTTL].
func (s *GatherService) CreateGatherEnrollmentToken(ctx context.Context, name string, ttl time.Duration, audit *scalefield.AuditEntry) (*scalefield.GatherEnrollmentToken, string, error) {
	name = strings.TrimSpace(name)
	if ttl == 0 {
		ttl = scalefield.DefaultGatherTokenTTL
	}
	switch {
	case name == "" || len(name) > 200:
		return nil, "", scalefield.Errorf(scalefield.EINVALID, "token name must be 1 to 200 characters")
	case ttl < time.Minute || ttl > scalefield.MaxGatherTokenTTL:
		return nil, "", scalefield.Errorf(scalefield.EINVALID, "token lifetime must be between 1 minute and %d hours", int(scalefield.MaxGatherTokenTTL.Hours()))
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback(ctx)
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret := gatherTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := s.db.Now().UTC().Truncate(time.Microsecond)
	t := &scalefield.GatherEnrollmentToken{TenantID: tenantID, Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if sess := scalefield.SessionFromContext(ctx); sess != nil {
		t.CreatedBy = sess.Subject()
	}
	err = tx.QueryRow(ctx, `INSERT INTO gather_enrollment_tokens (tenant_id, name, token_hash, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tenantID, name, hashGatherToken(secret), t.CreatedBy, t.CreatedAt, t.ExpiresAt).Scan(&t.ID)
	if err != nil {
		return nil, "", constraintError(err, "create enrollment token")
	}
	if err := appendTargetAudit(ctx, tx, audit, "gather_enrollment_token", t.ID,
		map[string]any{"name": name, "expires_at": t.ExpiresAt}); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, "", fmt.Errorf("create enrollment token: commit: %w", err)
	}
	return t, secret, nil
}

// EnrollGatherNode spends an enrollment token and creates the node it
// enrolls, with the certificate e.Sign issues, in one transaction (audited
// as gather.node_enrolled). It runs on the privileged connection: the
// tenant is known only from the token. EUNAUTHORIZED for an unknown or
// expired token, ECONFLICT for a spent one; e.Sign's errors as they are.
func (s *GatherService) EnrollGatherNode(ctx context.Context, e scalefield.GatherEnrollment) (*scalefield.GatherNode, error) {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("enroll: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var tokenID, tenantID, name string
	var expires time.Time
	var used *time.Time
	err = tx.QueryRow(ctx, `SELECT id, tenant_id, name, expires_at, used_at FROM gather_enrollment_tokens
		WHERE token_hash = $1 FOR UPDATE`, hashGatherToken(e.Token)).Scan(&tokenID, &tenantID, &name, &expires, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "unknown enrollment token")
	} else if err != nil {
		return nil, fmt.Errorf("enroll: find token: %w", err)
	}
	now := s.db.Now().UTC().Truncate(time.Microsecond)
	switch {
	case used != nil:
		return nil, scalefield.Errorf(scalefield.ECONFLICT, "enrollment token already used")
	case !now.Before(expires):
		return nil, scalefield.Errorf(scalefield.EUNAUTHORIZED, "enrollment token expired")
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
		return nil, fmt.Errorf("enroll: set tenant: %w", err)
	}
	var nodeID string
	if err := tx.QueryRow(ctx, `SELECT gen_random_uuid()::text`).Scan(&nodeID); err != nil {
		return nil, fmt.Errorf("enroll: node id: %w", err)
	}
	cert, err := e.Sign(nodeID, tenantID)
	if err != nil {
		return nil, err
	}
	n := &scalefield.GatherNode{ID: nodeID, TenantID: tenantID, Name: name, Hostname: clip(e.Hostname, 255), Version: clip(e.Version, 64),
		CertSerial: cert.Serial, CertFingerprint: cert.Fingerprint, CertNotAfter: cert.NotAfter.UTC(), EnrolledAt: now,
		HeartbeatInterval: scalefield.DefaultHeartbeatInterval, Inventory: json.RawMessage(`{}`)}
	_, err = tx.Exec(ctx, `INSERT INTO gather_nodes (id, tenant_id, name, hostname, version, cert_serial, cert_fingerprint,
		cert_not_after, enrolled_at, heartbeat_interval_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		n.ID, tenantID, n.Name, n.Hostname, n.Version, n.CertSerial, n.CertFingerprint, n.CertNotAfter, now, int(n.HeartbeatInterval.Seconds()))
	if err != nil {
		return nil, constraintError(err, "enroll node")
	}
	if _, err := tx.Exec(ctx, `UPDATE gather_enrollment_tokens SET used_at = $2, node_id = $3 WHERE id = $1`, tokenID, now, nodeID); err != nil {
		return nil, fmt.Errorf("enroll: spend token: %w", err)
	}
	audit := &scalefield.AuditEntry{TenantID: tenantID, ActorType: ActorSystem, ActorID: "gather-node:" + nodeID,
		ActorLabel: n.Hostname, IP: e.IP, Action: scalefield.AuditGatherNodeEnrolled}
	if err := appendTargetAudit(ctx, tx, audit, "gather_node", nodeID, map[string]any{"token": name, "token_id": tokenID,
		"hostname": n.Hostname, "version": n.Version, "cert_serial": n.CertSerial}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("enroll: commit: %w", err)
	}
	return n, nil
}

func clip(s string, n int) string {
	s = cleanText(strings.TrimSpace(s))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

const gatherNodeColumns = `id::text, tenant_id::text, name, hostname, version, os, ips, cert_serial, cert_fingerprint, cert_not_after,
	enrolled_at, revoked_at, last_heartbeat_at, heartbeat_interval_seconds, inventory, location_lat, location_lon, location_label`

func scanGatherNode(row pgx.CollectableRow) (*scalefield.GatherNode, error) {
	var n scalefield.GatherNode
	var interval int
	var lat, lon *float64
	var label string
	err := row.Scan(&n.ID, &n.TenantID, &n.Name, &n.Hostname, &n.Version, &n.OS, &n.IPs, &n.CertSerial, &n.CertFingerprint,
		&n.CertNotAfter, &n.EnrolledAt, &n.RevokedAt, &n.LastHeartbeatAt, &interval, &n.Inventory, &lat, &lon, &label)
	if err != nil {
		return nil, err
	}
	n.HeartbeatInterval = time.Duration(interval) * time.Second
	if lat != nil && lon != nil {
		n.Location = &scalefield.GatherLocation{Lat: *lat, Lon: *lon, Label: label}
	}
	return &n, nil
}

// FindGatherNodeForCert returns the node a verified client certificate
// names, for the gather listener (before a tenant is known, so on the
// privileged connection). ENOTFOUND when there is no such node in that
// tenant.
func (s *GatherService) FindGatherNodeForCert(ctx context.Context, tenantID, nodeID string) (*scalefield.GatherNode, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+gatherNodeColumns+` FROM gather_nodes WHERE id = $1 AND tenant_id = $2`, nodeID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("find gather node: %w", err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, scanGatherNode)
	if errors.Is(err, pgx.ErrNoRows) || isInvalidUUID(err) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "gather node not found")
	} else if err != nil {
		return nil, fmt.Errorf("find gather node: %w", err)
	}
	return n, nil
}

func isInvalidUUID(err error) bool {
	return err != nil && strings.Contains(err.Error(), "SQLSTATE 22P02")
}

// RecordGatherHeartbeat stores what a node's heartbeat says: its inventory
// and location, and its databases (upserted; those unseen for a week are
// pruned).
func (s *GatherService) RecordGatherHeartbeat(ctx context.Context, tenantID, nodeID string, hb scalefield.GatherHeartbeat) error {
	tx, err := s.db.beginForTenantPool(ctx, tenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := s.db.Now().UTC()
	var lat, lon *float64
	label := ""
	if hb.Location != nil {
		lat, lon, label = &hb.Location.Lat, &hb.Location.Lon, clip(hb.Location.Label, 200)
	}
	inv := hb.Inventory
	if len(inv) == 0 {
		inv = json.RawMessage(`{}`)
	}
	ips := make([]string, 0, len(hb.IPs))
	for _, ip := range hb.IPs {
		ips = append(ips, clip(ip, 64))
	}
	tag, err := tx.Exec(ctx, `UPDATE gather_nodes SET hostname = $3, version = $4, os = $5, ips = $6, inventory = $7,
		location_lat = $8, location_lon = $9, location_label = $10, last_heartbeat_at = $11
		WHERE id = $1 AND tenant_id = $2`, nodeID, tenantID, clip(hb.Hostname, 255), clip(hb.Version, 64), clip(hb.OS, 200),
		ips, inv, lat, lon, label, now)
	if err != nil {
		return constraintError(err, "record heartbeat")
	}
	if tag.RowsAffected() == 0 {
		return scalefield.Errorf(scalefield.ENOTFOUND, "gather node not found")
	}
	if len(hb.Databases) > 0 {
		n := len(hb.Databases)
		engines, versions, names, hosts, ports := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int32, n)
		for i, d := range hb.Databases {
			engines[i], versions[i], names[i], hosts[i], ports[i] = strings.ToLower(clip(d.Engine, 32)), clip(d.Version, 200), clip(d.Name, 200), clip(d.Host, 255), int32(d.Port)
		}
		_, err = tx.Exec(ctx, `INSERT INTO gather_databases AS d (tenant_id, node_id, engine, version, name, host, port, first_seen, last_seen)
			SELECT DISTINCT ON (e, h, p, nm) $1::uuid, $2::uuid, e, v, nm, h, p, $8::timestamptz, $8::timestamptz
			FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) AS u(e, v, nm, h, p)
			ON CONFLICT (node_id, engine, host, port, name) DO UPDATE SET version = EXCLUDED.version, last_seen = EXCLUDED.last_seen`,
			tenantID, nodeID, engines, versions, names, hosts, ports, now)
		if err != nil {
			return constraintError(err, "record databases")
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM gather_databases WHERE node_id = $1 AND tenant_id = $2 AND last_seen < $3`,
		nodeID, tenantID, now.Add(-gatherDatabaseRetention)); err != nil {
		return fmt.Errorf("prune databases: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("record heartbeat: commit: %w", err)
	}
	return nil
}

// beginForTenantPool starts a transaction on the privileged connection
// that still carries the tenant setting, for work done for a tenant known
// from a credential other than a session (a node certificate).
func (db *DB) beginForTenantPool(ctx context.Context, tenantID string) (pgx.Tx, error) {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('scalefield.tenant_id', $1, true)`, tenantID); err != nil {
		_ = tx.Rollback(ctx)
		return nil, fmt.Errorf("set tenant: %w", err)
	}
	return tx, nil
}

// ListGatherNodes pages through the caller's tenant's nodes in enrollment
// order, with their databases.
func (s *GatherService) ListGatherNodes(ctx context.Context, first int, after *string) ([]*scalefield.GatherNode, []string, bool, int, error) {
	if err := scalefield.ValidatePage(&first); err != nil {
		return nil, nil, false, 0, err
	}
	var afterAt time.Time
	var afterID string
	if after != nil {
		raw, err := decodeStringCursor(*after)
		at, id, ok := strings.Cut(raw, "|")
		t, terr := time.Parse(time.RFC3339Nano, at)
		if err != nil || !ok || terr != nil {
			return nil, nil, false, 0, scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
		}
		afterAt, afterID = t, id
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, nil, false, 0, err
	}
	defer tx.Rollback(ctx)
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM gather_nodes WHERE tenant_id = $1`, tenantID).Scan(&total); err != nil {
		return nil, nil, false, 0, fmt.Errorf("count gather nodes: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+gatherNodeColumns+` FROM gather_nodes WHERE tenant_id = $1
		AND ($2::text = '' OR (enrolled_at, id) > ($3, $2::uuid)) ORDER BY enrolled_at, id LIMIT $4`, tenantID, afterID, afterAt, first+1)
	if err != nil {
		return nil, nil, false, 0, fmt.Errorf("list gather nodes: %w", err)
	}
	nodes, err := pgx.CollectRows(rows, scanGatherNode)
	if isInvalidUUID(err) {
		return nil, nil, false, 0, scalefield.Errorf(scalefield.EINVALID, "invalid cursor")
	} else if err != nil {
		return nil, nil, false, 0, fmt.Errorf("list gather nodes: %w", err)
	}
	nodes, cursors, hasNext := trimPage(nodes, first, func(n *scalefield.GatherNode) string {
		return encodeStringCursor(n.EnrolledAt.UTC().Format(time.RFC3339Nano) + "|" + n.ID)
	})
	if err := loadGatherDatabases(ctx, tx, tenantID, nodes); err != nil {
		return nil, nil, false, 0, err
	}
	return nodes, cursors, hasNext, total, nil
}

func loadGatherDatabases(ctx context.Context, tx pgx.Tx, tenantID string, nodes []*scalefield.GatherNode) error {
	if len(nodes) == 0 {
		return nil
	}
	byID := make(map[string]*scalefield.GatherNode, len(nodes))
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		byID[n.ID], ids[i] = n, n.ID
	}
	rows, err := tx.Query(ctx, `SELECT node_id::text, engine, version, name, host, port, first_seen, last_seen FROM gather_databases
		WHERE tenant_id = $1 AND node_id = ANY($2::uuid[]) ORDER BY engine, host, port, name`, tenantID, ids)
	if err != nil {
		return fmt.Errorf("list gather databases: %w", err)
	}
	var nodeID string
	var d scalefield.GatherDatabase
	_, err = pgx.ForEachRow(rows, []any{&nodeID, &d.Engine, &d.Version, &d.Name, &d.Host, &d.Port, &d.FirstSeen, &d.LastSeen}, func() error {
		byID[nodeID].Databases = append(byID[nodeID].Databases, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list gather databases: %w", err)
	}
	return nil
}

// RevokeGatherNode revokes a node of the caller's tenant: its certificate
// is refused from then on. audit, if any, is appended in the same
// transaction. ENOTFOUND for no such node; revoking twice is not an error.
func (s *GatherService) RevokeGatherNode(ctx context.Context, id string, audit *scalefield.AuditEntry) (*scalefield.GatherNode, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := s.db.Now().UTC()
	rows, err := tx.Query(ctx, `UPDATE gather_nodes SET status = 'revoked', revoked_at = coalesce(revoked_at, $3)
		WHERE id = $1 AND tenant_id = $2 RETURNING `+gatherNodeColumns, id, tenantID, now)
	if err != nil {
		return nil, fmt.Errorf("revoke gather node: %w", err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, scanGatherNode)
	if errors.Is(err, pgx.ErrNoRows) || isInvalidUUID(err) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "gather node not found")
	} else if err != nil {
		return nil, fmt.Errorf("revoke gather node: %w", err)
	}
	if err := appendTargetAudit(ctx, tx, audit, "gather_node", n.ID, map[string]any{"hostname": n.Hostname, "cert_serial": n.CertSerial}); err != nil {
		return nil, err
	}
	if err := loadGatherDatabases(ctx, tx, tenantID, []*scalefield.GatherNode{n}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("revoke gather node: commit: %w", err)
	}
	return n, nil
}
