package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// IngestToken is an HEC token as the receivers see it: the domain token and
// its ingest settings.
type IngestToken struct {
	scalefield.HECToken
	// AckEnabled makes every request name a channel, so it can be
	// acknowledged (Splunk's useACK).
	AckEnabled bool
}

// AuthenticateIngestToken returns the token with the given secret for the
// HEC receiver. ENOTFOUND if none matches; EFORBIDDEN if it is revoked
// (HEC answers "Token disabled").
func (s *HECTokenService) AuthenticateIngestToken(ctx context.Context, secret string) (*IngestToken, error) {
	t, err := s.lookupIngestToken(ctx, secret)
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, scalefield.Errorf(scalefield.EFORBIDDEN, "HEC token disabled")
	}
	return t, nil
}

// lookupIngestToken finds the token with the given secret, revoked or not.
// ENOTFOUND if none.
func (s *HECTokenService) lookupIngestToken(ctx context.Context, secret string) (*IngestToken, error) {
	var t IngestToken
	// Pre-authentication lookup: the token names the tenant, so it runs on
	// the privileged pool before any tenant is known.
	err := s.db.Pool.QueryRow(ctx, `
		SELECT id, tenant_id, name, prefix, source, sourcetype, created_at, revoked_at, ack_enabled
		FROM hec_tokens WHERE token_hash = $1`, hashSecret(secret)).
		Scan(&t.ID, &t.TenantID, &t.Name, &t.Prefix, &t.Source, &t.Sourcetype, &t.CreatedAt, &t.RevokedAt, &t.AckEnabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "HEC token not found")
	} else if err != nil {
		return nil, fmt.Errorf("authenticate HEC token: %w", err)
	}
	return &t, nil
}

// SetHECTokenAck turns indexer acknowledgement on or off for a token of the
// caller's tenant, and appends audit (if any) in the same transaction. With
// it on, requests without a channel are refused (HEC code 10).
// ENOTFOUND, EUNAUTHORIZED without a session.
func (s *HECTokenService) SetHECTokenAck(ctx context.Context, id string, enabled bool, audit *scalefield.AuditEntry) error {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE hec_tokens SET ack_enabled = $3 WHERE tenant_id = $1 AND id::text = $2`, tenantID, id, enabled)
	if err != nil {
		return fmt.Errorf("set HEC token ack: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return scalefield.Errorf(scalefield.ENOTFOUND, "HEC token not found")
	}
	if err := appendTargetAudit(ctx, tx, audit, "hec_token", id, map[string]any{"ack_enabled": enabled}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("set HEC token ack: commit: %w", err)
	}
	return nil
}

// IngestAcks reports which of the ack ids of a tenant's HEC channel belong
// to committed requests. It runs as the application role, confined to the
// tenant of the verified token. Ack ids older than the request retention
// (see PruneIngest) report false.
func (s *EventService) IngestAcks(ctx context.Context, tenantID, channel string, ackIDs []int64) (map[int64]bool, error) {
	acks := make(map[int64]bool, len(ackIDs))
	for _, id := range ackIDs {
		acks[id] = false
	}
	if len(ackIDs) == 0 {
		return acks, nil
	}
	tx, err := s.db.beginForTenant(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("ingest acks: %w", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT ack_id FROM ingest_requests WHERE tenant_id = $1 AND channel = $2 AND ack_id = ANY($3)`,
		tenantID, channel, ackIDs)
	if err != nil {
		return nil, fmt.Errorf("ingest acks: %w", err)
	}
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { acks[id] = true; return nil }); err != nil {
		return nil, fmt.Errorf("ingest acks: %w", err)
	}
	return acks, nil
}

// PruneResult counts what PruneIngest removed.
type PruneResult struct {
	Requests, Channels, Minutes int64
}

// PruneIngest removes, for every tenant, request rows (acks and dedup keys)
// created before requestsBefore, channels unused since channelsBefore, and
// per-minute source totals before minutesBefore. It spans tenants, so it
// runs on the privileged pool.
func (s *EventService) PruneIngest(ctx context.Context, requestsBefore, channelsBefore, minutesBefore time.Time) (PruneResult, error) {
	var res PruneResult
	for _, q := range []struct {
		n   *int64
		sql string
		at  time.Time
	}{
		{&res.Requests, `DELETE FROM ingest_requests WHERE created_at < $1`, requestsBefore},
		{&res.Channels, `DELETE FROM ingest_channels WHERE last_used_at < $1`, channelsBefore},
		{&res.Minutes, `DELETE FROM ingest_source_minutes WHERE minute < $1`, minutesBefore},
	} {
		tag, err := s.db.Pool.Exec(ctx, q.sql, q.at)
		if err != nil {
			return res, fmt.Errorf("prune ingest: %w", err)
		}
		*q.n = tag.RowsAffected()
	}
	return res, nil
}
