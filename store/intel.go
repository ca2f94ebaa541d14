package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

var (
	_ scalefield.ThreatIntelService   = (*IntelService)(nil)
	_ scalefield.UserDirectoryService = (*IntelService)(nil)
)

// IntelService keeps each tenant's threat intel indicators and user
// directory (migrations/00009_enrichment.sql), and loads them for the
// refine stage's enrichment. Every change bumps the tenant's enrichment
// version in its own transaction, which is how the refine stage learns to
// reload.
type IntelService struct{ db *DB }

// NewIntelService returns an IntelService on db.
func NewIntelService(db *DB) *IntelService { return &IntelService{db: db} }

const indicatorColumns = `id::text, tenant_id::text, type, value, source, confidence, labels, name, description,
	valid_from, valid_until, created_at, updated_at`

func scanIndicator(row pgx.Row, in *scalefield.Indicator) error {
	var validFrom *time.Time
	var conf int16
	if err := row.Scan(&in.ID, &in.TenantID, &in.Type, &in.Value, &in.Source, &conf, &in.Labels, &in.Name,
		&in.Description, &validFrom, &in.ValidUntil, &in.CreatedAt, &in.UpdatedAt); err != nil {
		return err
	}
	in.Confidence = int(conf)
	if validFrom != nil {
		in.ValidFrom = *validFrom
	}
	return nil
}

// ImportIndicators inserts the indicators into the caller's tenant, or
// updates the stored one of the same type, value and source when anything
// else differs; repeats within the import count once (the last wins). The
// indicators are copied into a temporary table and merged with one
// statement, so a feed of a million indicators is one round trip.
// EINVALID (naming the 1-based position) when one does not normalize;
// EUNAUTHORIZED without a session.
func (s *IntelService) ImportIndicators(ctx context.Context, inds []scalefield.Indicator, audit *scalefield.AuditEntry) (*scalefield.IndicatorImportResult, error) {
	rows := make([][]any, len(inds))
	sources := map[string]int{}
	for i := range inds {
		in := inds[i]
		if err := in.Normalize(); err != nil {
			return nil, scalefield.Errorf(scalefield.EINVALID, "indicator %d: %s", i+1, scalefield.ErrorMessage(err))
		}
		var validFrom *time.Time
		if !in.ValidFrom.IsZero() {
			validFrom = &in.ValidFrom
		}
		labels := in.Labels
		if labels == nil {
			labels = []string{}
		}
		rows[i] = []any{i, string(in.Type), in.Value, in.Source, int16(in.Confidence), labels, in.Name, in.Description, validFrom, in.ValidUntil}
		sources[in.Source]++
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	res := &scalefield.IndicatorImportResult{}
	if len(rows) > 0 {
		if _, err := tx.Exec(ctx, `
			CREATE TEMP TABLE intel_import (
				ord int, type text, value text, source text, confidence smallint, labels text[],
				name text, description text, valid_from timestamptz, valid_until timestamptz
			) ON COMMIT DROP`); err != nil {
			return nil, fmt.Errorf("import indicators: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"intel_import"},
			[]string{"ord", "type", "value", "source", "confidence", "labels", "name", "description", "valid_from", "valid_until"},
			pgx.CopyFromRows(rows)); err != nil {
			return nil, fmt.Errorf("import indicators: copy: %w", err)
		}
		err = tx.QueryRow(ctx, `
			WITH src AS (
				SELECT DISTINCT ON (type, value, source) *
				FROM intel_import ORDER BY type, value, source, ord DESC
			), up AS (
				INSERT INTO threat_indicators AS t (tenant_id, type, value, source, confidence, labels, name, description,
					valid_from, valid_until, created_at, updated_at)
				SELECT $1, type, value, source, confidence, labels, name, description, valid_from, valid_until, $2, $2 FROM src
				ON CONFLICT (tenant_id, type, value, source) DO UPDATE SET
					confidence = EXCLUDED.confidence, labels = EXCLUDED.labels, name = EXCLUDED.name,
					description = EXCLUDED.description, valid_from = EXCLUDED.valid_from,
					valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at
				WHERE (t.confidence, t.labels, t.name, t.description, t.valid_from, t.valid_until) IS DISTINCT FROM
					(EXCLUDED.confidence, EXCLUDED.labels, EXCLUDED.name, EXCLUDED.description, EXCLUDED.valid_from, EXCLUDED.valid_until)
				RETURNING (xmax = 0) AS inserted
			)
			SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`,
			tenantID, s.db.Now().UTC()).Scan(&res.Inserted, &res.Updated)
		if err != nil {
			return nil, constraintError(err, "import indicators")
		}
		res.Skipped = len(rows) - res.Inserted - res.Updated
	}
	if res.Inserted+res.Updated > 0 {
		if err := bumpEnrichmentVersion(ctx, tx, tenantID); err != nil {
			return nil, err
		}
	}
	srcs := make([]string, 0, len(sources))
	for src := range sources {
		srcs = append(srcs, src)
	}
	if err := appendTargetAudit(ctx, tx, audit, "threat_indicators", strings.Join(srcs, ","), map[string]any{
		"inserted": res.Inserted, "updated": res.Updated, "skipped": res.Skipped,
	}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("import indicators: commit: %w", err)
	}
	return res, nil
}

// bumpEnrichmentVersion increments the tenant's enrichment version inside
// the transaction of a change, so the refine stage reloads.
func bumpEnrichmentVersion(ctx context.Context, tx pgx.Tx, tenantID string) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO enrichment_versions (tenant_id, version) VALUES ($1, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET version = enrichment_versions.version + 1`, tenantID); err != nil {
		return fmt.Errorf("bump enrichment version: %w", err)
	}
	return nil
}

// ListIndicators pages through the caller's tenant's indicators, newest
// first, with a keyset cursor on the ID. Expired indicators (at the store's
// clock) are left out unless the filter includes them. EINVALID for a bad
// filter or cursor; EUNAUTHORIZED without a session.
func (s *IntelService) ListIndicators(ctx context.Context, f scalefield.IndicatorFilter) (*scalefield.IndicatorPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)

	where, args := []string{"tenant_id = $1"}, []any{tenantID}
	add := func(cond string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, cond)
	}
	if f.Type != nil {
		add("type = ?", string(*f.Type))
	}
	if f.Source != nil {
		add("source = ?", *f.Source)
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		like := "%" + escapeLike(strings.TrimSpace(*f.Search)) + "%"
		add("(value ILIKE ? OR name ILIKE ?)", like, like)
	}
	if !f.IncludeExpired {
		add("(valid_until IS NULL OR valid_until > ?)", s.db.Now())
	}
	page := &scalefield.IndicatorPage{}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM threat_indicators WHERE `+strings.Join(where, " AND "), args...).
		Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count indicators: %w", err)
	}
	if f.After != nil {
		id, err := decodeIDCursor(*f.After)
		if err != nil {
			return nil, err
		}
		add("id < ?", id)
	}
	args = append(args, f.First+1)
	rows, err := tx.Query(ctx, `SELECT `+indicatorColumns+` FROM threat_indicators WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	inds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.Indicator, error) {
		var in scalefield.Indicator
		return &in, scanIndicator(row, &in)
	})
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	page.Indicators, page.Cursors, page.HasNextPage = trimPage(inds, f.First, func(in *scalefield.Indicator) string {
		id, _ := strconv.ParseInt(in.ID, 10, 64)
		return encodeIDCursor(id)
	})
	return page, nil
}

// DeleteIndicator removes one indicator of the caller's tenant. ENOTFOUND
// (also for a malformed ID); EUNAUTHORIZED without a session.
func (s *IntelService) DeleteIndicator(ctx context.Context, id string, audit *scalefield.AuditEntry) error {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return scalefield.Errorf(scalefield.ENOTFOUND, "indicator not found")
	}
	var typ, value, source string
	err = tx.QueryRow(ctx, `DELETE FROM threat_indicators WHERE tenant_id = $1 AND id = $2 RETURNING type, value, source`,
		tenantID, n).Scan(&typ, &value, &source)
	if errors.Is(err, pgx.ErrNoRows) {
		return scalefield.Errorf(scalefield.ENOTFOUND, "indicator not found")
	} else if err != nil {
		return fmt.Errorf("delete indicator: %w", err)
	}
	if err := bumpEnrichmentVersion(ctx, tx, tenantID); err != nil {
		return err
	}
	if err := appendTargetAudit(ctx, tx, audit, "threat_indicator", id, map[string]any{"type": typ, "value": value, "source": source}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("delete indicator: commit: %w", err)
	}
	return nil
}

// DeleteIndicatorSource removes every indicator of a feed of the caller's
// tenant and returns how many. EINVALID for an empty source; EUNAUTHORIZED
// without a session.
func (s *IntelService) DeleteIndicatorSource(ctx context.Context, source string, audit *scalefield.AuditEntry) (int, error) {
	if strings.TrimSpace(source) == "" {
		return 0, scalefield.Errorf(scalefield.EINVALID, "source is required")
	}
	return s.deleteIndicators(ctx, "delete indicator source", "source = $2", strings.TrimSpace(source), audit, "indicator_source", strings.TrimSpace(source))
}

// PurgeExpiredIndicators removes the caller's tenant's indicators expired
// at the store's clock and returns how many. EUNAUTHORIZED without a
// session.
func (s *IntelService) PurgeExpiredIndicators(ctx context.Context, audit *scalefield.AuditEntry) (int, error) {
	return s.deleteIndicators(ctx, "purge expired indicators", "valid_until <= $2", s.db.Now(), audit, "threat_indicators", "")
}

func (s *IntelService) deleteIndicators(ctx context.Context, what, cond string, arg any, audit *scalefield.AuditEntry, targetType, targetID string) (int, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `DELETE FROM threat_indicators WHERE tenant_id = $1 AND `+cond, tenantID, arg)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n := int(tag.RowsAffected())
	if n > 0 {
		if err := bumpEnrichmentVersion(ctx, tx, tenantID); err != nil {
			return 0, err
		}
	}
	if err := appendTargetAudit(ctx, tx, audit, targetType, targetID, map[string]any{"deleted": n}); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("%s: commit: %w", what, err)
	}
	return n, nil
}

// PruneExpiredIndicators removes, for every tenant, indicators that expired
// before `before`, bumping the enrichment version of each tenant that lost
// some, and returns how many. It spans tenants, so it runs on the
// privileged pool; it is meant for a maintenance job.
func (s *IntelService) PruneExpiredIndicators(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.db.Pool.QueryRow(ctx, `
		WITH d AS (
			DELETE FROM threat_indicators WHERE valid_until < $1 RETURNING tenant_id
		), per_tenant AS (
			SELECT tenant_id, count(*) AS n FROM d GROUP BY tenant_id
		), bump AS (
			INSERT INTO enrichment_versions (tenant_id, version) SELECT tenant_id, 1 FROM per_tenant
			ON CONFLICT (tenant_id) DO UPDATE SET version = enrichment_versions.version + 1
		)
		SELECT coalesce(sum(n), 0)::bigint FROM per_tenant`, before).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("prune expired indicators: %w", err)
	}
	return n, nil
}

const directoryColumns = `user_name, display_name, department, title, privileged, manager, updated_at`

func scanDirectoryEntry(row pgx.Row, d *scalefield.DirectoryEntry) error {
	return row.Scan(&d.UserName, &d.DisplayName, &d.Department, &d.Title, &d.Privileged, &d.Manager, &d.UpdatedAt)
}

// ImportDirectory inserts or updates the caller's tenant's directory
// entries by user name (repeats within the import count once, the last
// wins); with replace, entries not in the import are deleted. EINVALID
// (naming the 1-based position) when one does not normalize; EUNAUTHORIZED
// without a session.
func (s *IntelService) ImportDirectory(ctx context.Context, entries []scalefield.DirectoryEntry, replace bool, audit *scalefield.AuditEntry) (*scalefield.DirectoryImportResult, error) {
	rows := make([][]any, len(entries))
	for i := range entries {
		d := entries[i]
		if err := d.Normalize(); err != nil {
			return nil, scalefield.Errorf(scalefield.EINVALID, "directory entry %d: %s", i+1, scalefield.ErrorMessage(err))
		}
		rows[i] = []any{i, d.UserName, d.DisplayName, d.Department, d.Title, d.Privileged, d.Manager}
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE directory_import (
			ord int, user_name text, display_name text, department text, title text, privileged boolean, manager text
		) ON COMMIT DROP`); err != nil {
		return nil, fmt.Errorf("import directory: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"directory_import"},
		[]string{"ord", "user_name", "display_name", "department", "title", "privileged", "manager"},
		pgx.CopyFromRows(rows)); err != nil {
		return nil, fmt.Errorf("import directory: copy: %w", err)
	}
	res := &scalefield.DirectoryImportResult{}
	err = tx.QueryRow(ctx, `
		WITH src AS (
			SELECT DISTINCT ON (user_name) * FROM directory_import ORDER BY user_name, ord DESC
		), up AS (
			INSERT INTO user_directory AS d (tenant_id, user_name, display_name, department, title, privileged, manager, updated_at)
			SELECT $1, user_name, display_name, department, title, privileged, manager, $2 FROM src
			ON CONFLICT (tenant_id, user_name) DO UPDATE SET
				display_name = EXCLUDED.display_name, department = EXCLUDED.department, title = EXCLUDED.title,
				privileged = EXCLUDED.privileged, manager = EXCLUDED.manager, updated_at = EXCLUDED.updated_at
			WHERE (d.display_name, d.department, d.title, d.privileged, d.manager) IS DISTINCT FROM
				(EXCLUDED.display_name, EXCLUDED.department, EXCLUDED.title, EXCLUDED.privileged, EXCLUDED.manager)
			RETURNING (xmax = 0) AS inserted
		)
		SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`,
		tenantID, s.db.Now().UTC()).Scan(&res.Inserted, &res.Updated)
	if err != nil {
		return nil, constraintError(err, "import directory")
	}
	res.Unchanged = len(rows) - res.Inserted - res.Updated
	if replace {
		tag, err := tx.Exec(ctx, `
			DELETE FROM user_directory d WHERE tenant_id = $1
			AND NOT EXISTS (SELECT 1 FROM directory_import i WHERE i.user_name = d.user_name)`, tenantID)
		if err != nil {
			return nil, fmt.Errorf("import directory: replace: %w", err)
		}
		res.Deleted = int(tag.RowsAffected())
	}
	if res.Inserted+res.Updated+res.Deleted > 0 {
		if err := bumpEnrichmentVersion(ctx, tx, tenantID); err != nil {
			return nil, err
		}
	}
	if err := appendTargetAudit(ctx, tx, audit, "user_directory", "", map[string]any{
		"inserted": res.Inserted, "updated": res.Updated, "unchanged": res.Unchanged, "deleted": res.Deleted, "replace": replace,
	}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("import directory: commit: %w", err)
	}
	return res, nil
}

// ListDirectory pages through the caller's tenant's directory by user name.
// EINVALID for a bad filter or cursor; EUNAUTHORIZED without a session.
func (s *IntelService) ListDirectory(ctx context.Context, f scalefield.DirectoryFilter) (*scalefield.DirectoryPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	where, args := []string{"tenant_id = $1"}, []any{tenantID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		add("(user_name ILIKE ? OR display_name ILIKE ? OR department ILIKE ?)", "%"+escapeLike(strings.TrimSpace(*f.Search))+"%")
	}
	if f.Privileged != nil {
		add("privileged = ?", *f.Privileged)
	}
	page := &scalefield.DirectoryPage{}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM user_directory WHERE `+strings.Join(where, " AND "), args...).
		Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count directory: %w", err)
	}
	if f.After != nil {
		after, err := decodeStringCursor(*f.After)
		if err != nil {
			return nil, err
		}
		add("user_name > ?", after)
	}
	args = append(args, f.First+1)
	rows, err := tx.Query(ctx, `SELECT `+directoryColumns+` FROM user_directory WHERE `+strings.Join(where, " AND ")+
		` ORDER BY user_name LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list directory: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*scalefield.DirectoryEntry, error) {
		var d scalefield.DirectoryEntry
		return &d, scanDirectoryEntry(row, &d)
	})
	if err != nil {
		return nil, fmt.Errorf("list directory: %w", err)
	}
	page.Entries, page.Cursors, page.HasNextPage = trimPage(entries, f.First,
		func(d *scalefield.DirectoryEntry) string { return encodeStringCursor(d.UserName) })
	return page, nil
}

// DeleteDirectoryEntry removes one user's entry (the name matched
// case-insensitively) from the caller's tenant's directory. ENOTFOUND;
// EUNAUTHORIZED without a session.
func (s *IntelService) DeleteDirectoryEntry(ctx context.Context, userName string, audit *scalefield.AuditEntry) error {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	name := strings.ToLower(strings.TrimSpace(userName))
	tag, err := tx.Exec(ctx, `DELETE FROM user_directory WHERE tenant_id = $1 AND user_name = $2`, tenantID, name)
	if err != nil {
		return fmt.Errorf("delete directory entry: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return scalefield.Errorf(scalefield.ENOTFOUND, "directory entry not found")
	}
	if err := bumpEnrichmentVersion(ctx, tx, tenantID); err != nil {
		return err
	}
	if err := appendTargetAudit(ctx, tx, audit, "user_directory", name, nil); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("delete directory entry: commit: %w", err)
	}
	return nil
}

// EnrichmentVersions returns the enrichment version of each tenant; a
// tenant with no data (or a malformed ID) has version 0. The refine stage
// calls it before each batch for the batch's tenants, so it runs on the
// privileged pool as one indexed query.
func (s *IntelService) EnrichmentVersions(ctx context.Context, tenantIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(tenantIDs))
	ids := make([]string, 0, len(tenantIDs))
	for _, id := range tenantIDs {
		out[id] = 0
		if isUUID(id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.Pool.Query(ctx, `SELECT tenant_id::text, version FROM enrichment_versions WHERE tenant_id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("enrichment versions: %w", err)
	}
	var id string
	var v int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &v}, func() error { out[id] = v; return nil }); err != nil {
		return nil, fmt.Errorf("enrichment versions: %w", err)
	}
	return out, nil
}

// LoadEnrichment returns a tenant's unexpired indicators and its user
// directory, with the version they are at, read in one snapshot. It runs on
// the privileged pool for the refine stage, which works across tenants;
// every query names the tenant. EINVALID for a malformed tenant ID.
func (s *IntelService) LoadEnrichment(ctx context.Context, tenantID string) (int64, []scalefield.Indicator, []scalefield.DirectoryEntry, error) {
	if !isUUID(tenantID) {
		return 0, nil, nil, scalefield.Errorf(scalefield.EINVALID, "invalid tenant id")
	}
	tx, err := s.db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var version int64
	err = tx.QueryRow(ctx, `SELECT version FROM enrichment_versions WHERE tenant_id = $1`, tenantID).Scan(&version)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil, fmt.Errorf("load enrichment: version: %w", err)
	}
	var count int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM threat_indicators WHERE tenant_id = $1`, tenantID).Scan(&count); err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: count: %w", err)
	}
	inds := make([]scalefield.Indicator, 0, count)
	rows, err := tx.Query(ctx, `SELECT `+indicatorColumns+` FROM threat_indicators
		WHERE tenant_id = $1 AND (valid_until IS NULL OR valid_until > $2)`, tenantID, s.db.Now())
	if err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: indicators: %w", err)
	}
	for rows.Next() {
		inds = append(inds, scalefield.Indicator{})
		if err := scanIndicator(rows, &inds[len(inds)-1]); err != nil {
			rows.Close()
			return 0, nil, nil, fmt.Errorf("load enrichment: indicators: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: indicators: %w", err)
	}
	rows, err = tx.Query(ctx, `SELECT `+directoryColumns+` FROM user_directory WHERE tenant_id = $1`, tenantID)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: directory: %w", err)
	}
	dir, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (scalefield.DirectoryEntry, error) {
		var d scalefield.DirectoryEntry
		err := scanDirectoryEntry(row, &d)
		return d, err
	})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("load enrichment: directory: %w", err)
	}
	return version, inds, dir, nil
}
