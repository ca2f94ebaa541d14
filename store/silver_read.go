package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	scalefield "github.com/scalefield/scalefield"
)

// eventWhere builds the WHERE clause of a Silver events query; $1 is the
// tenant.
type eventWhere struct {
	where []string
	args  []any
}

func (w *eventWhere) add(cond string, v any) {
	w.args = append(w.args, v)
	w.where = append(w.where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(w.args))))
}

func (w *eventWhere) sql() string { return strings.Join(w.where, " AND ") }

func buildEventWhere(tenantID string, f *scalefield.EventFilter) *eventWhere {
	w := &eventWhere{where: []string{"tenant_id = $1"}, args: []any{tenantID}}
	if len(f.Severity) > 0 {
		sev := make([]string, len(f.Severity))
		for i, v := range f.Severity {
			sev[i] = string(v)
		}
		w.add("severity = ANY(?)", sev)
	}
	if len(f.ClassUID) > 0 {
		w.add("class_uid = ANY(?)", f.ClassUID)
	}
	if f.From != nil {
		w.add("time >= ?", *f.From)
	}
	if f.To != nil {
		w.add("time < ?", *f.To)
	}
	if f.Host != nil && *f.Host != "" {
		w.add("host = ?", *f.Host)
	}
	if f.Sourcetype != nil && *f.Sourcetype != "" {
		w.add("sourcetype = ?", *f.Sourcetype)
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		// Every word of the search, in any order, case-insensitive.
		w.add("to_tsvector('simple', message) @@ plainto_tsquery('simple', ?)", strings.TrimSpace(*f.Search))
	}
	prefix := func(s *string) *netip.Prefix {
		if s == nil || *s == "" {
			return nil
		}
		p, _ := scalefield.ParsePrefix(*s) // Validate checked it
		return &p
	}
	if p := prefix(f.IP); p != nil {
		w.add("(src_ip <<= ? OR dst_ip <<= ?)", *p)
	}
	if p := prefix(f.SrcIP); p != nil {
		w.add("src_ip <<= ?", *p)
	}
	if p := prefix(f.DstIP); p != nil {
		w.add("dst_ip <<= ?", *p)
	}
	if f.User != nil && *f.User != "" {
		// user_name <> '' lets the partial user index serve the filter.
		w.add("user_name <> '' AND lower(user_name) = lower(?)", *f.User)
	}
	if f.Country != nil && *f.Country != "" {
		c := strings.ToUpper(*f.Country)
		w.add("(src_country = ? OR dst_country = ?)", c)
	}
	if f.ThreatMatched != nil {
		w.add("threat_matched = ?", *f.ThreatMatched)
	}
	if f.MaxQuality != nil {
		w.add("quality <= ?", *f.MaxQuality)
	}
	return w
}

const silverSelect = `
	SELECT id, tenant_id, bronze_id, time, received_at, host, source, sourcetype, severity, message, user_name,
	       src_ip, dst_ip, action, class_uid, activity_id, activity_name, status, coalesce(src_port, 0),
	       coalesce(dst_port, 0), src_hostname, dst_hostname, device, vendor_event_id, db_name, db_statement,
	       db_object, coalesce(db_rows, 0), finding_uid, finding_title, enrichment, risk_score, quality,
	       quality_flags, warnings, dup_count, last_seen_at
	FROM silver_security_events`

func scanSecurityEvent(row pgx.CollectableRow) (*scalefield.SecurityEvent, error) {
	var e scalefield.SecurityEvent
	var src, dst *netip.Addr
	var enrichment []byte
	var risk, quality float32
	err := row.Scan(&e.ID, &e.TenantID, &e.BronzeID, &e.Time, &e.ReceivedAt, &e.Host, &e.Source, &e.Sourcetype,
		&e.Severity, &e.Message, &e.User, &src, &dst, &e.Action, &e.ClassUID, &e.ActivityID, &e.ActivityName,
		&e.Status, &e.SrcPort, &e.DstPort, &e.SrcHostname, &e.DstHostname, &e.Device, &e.VendorEventID,
		&e.DBName, &e.DBStatement, &e.DBObject, &e.DBRows, &e.FindingUID, &e.FindingTitle, &enrichment,
		&risk, &quality, &e.QualityFlags, &e.Warnings, &e.DupCount, &e.LastSeenAt)
	if err != nil {
		return nil, err
	}
	if src != nil {
		e.SrcIP = src.String()
	}
	if dst != nil {
		e.DstIP = dst.String()
	}
	if len(enrichment) > 0 {
		var doc enrichmentDoc
		if err := json.Unmarshal(enrichment, &doc); err != nil {
			return nil, fmt.Errorf("event %d: enrichment: %w", e.ID, err)
		}
		e.SrcGeo, e.DstGeo, e.ThreatMatch, e.UserContext = doc.SrcGeo, doc.DstGeo, doc.Threats, doc.User
	}
	e.RiskScore, e.Quality = float64(risk), float64(quality)
	e.Time, e.ReceivedAt = e.Time.UTC(), e.ReceivedAt.UTC()
	if e.LastSeenAt != nil {
		t := e.LastSeenAt.UTC()
		e.LastSeenAt = &t
	}
	return &e, nil
}

// FindEvents returns the caller's Silver events matching the filter, newest
// first, with keyset pagination on (time, id). The count stops at
// MaxExactCount so a broad filter over millions of events stays fast.
func (s *EventService) FindEvents(ctx context.Context, f scalefield.EventFilter) (*scalefield.EventPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)

	page := &scalefield.EventPage{}
	countSQL, countByIndexSQL, countArgs, pageSQL, fencedSQL, pageArgs, err := eventsSQL(tenantID, &f)
	if err != nil {
		return nil, err
	}
	if page.TotalCount, _, err = countEvents(ctx, tx, &f, countSQL, countByIndexSQL, countArgs); err != nil {
		return nil, err
	}
	page.TotalExact = page.TotalCount <= scalefield.MaxExactCount
	page.TotalCount = min(page.TotalCount, scalefield.MaxExactCount)
	if page.TotalExact {
		pageSQL = fencedSQL
	}
	rows, err := tx.Query(ctx, pageSQL, pageArgs...)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	events, err := pgx.CollectRows(rows, scanSecurityEvent)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	page.Events, page.Cursors, page.HasNextPage = trimPage(events, f.First,
		func(e *scalefield.SecurityEvent) string { return encodeTimeCursor(e.Time, e.ID) })
	return page, nil
}

// eventsSQL builds the two statements of an events page: the capped count
// and the newest-first page after the cursor.
func eventsSQL(tenantID string, f *scalefield.EventFilter) (countSQL, countByIndexSQL string, countArgs []any, pageSQL, fencedSQL string, pageArgs []any, err error) {
	w := buildEventWhere(tenantID, f)
	countArgs = append(append([]any{}, w.args...), scalefield.MaxExactCount+1)
	// The newest-first order lets the count stop after MaxExactCount rows
	// of the time index instead of reading every match of a broad filter;
	// unordered, the planner counts by the filter's own index, which is
	// what a rare word needs (see countEvents).
	limit := ` LIMIT $` + strconv.Itoa(len(countArgs)) + `) AS m`
	countSQL = `SELECT count(*) FROM (SELECT 1 FROM silver_security_events WHERE ` + w.sql() + ` ORDER BY time DESC, id DESC` + limit
	countByIndexSQL = `SELECT count(*) FROM (SELECT 1 FROM silver_security_events WHERE ` + w.sql() + limit
	if f.After != nil {
		t, id, err := decodeTimeCursor(*f.After)
		if err != nil {
			return "", "", nil, "", "", nil, err
		}
		w.args = append(w.args, t, id)
		w.where = append(w.where, fmt.Sprintf("(time, id) < ($%d, $%d)", len(w.args)-1, len(w.args)))
	}
	w.args = append(w.args, f.First+1)
	pageSQL = silverSelect + ` WHERE ` + w.sql() + `
		ORDER BY time DESC, id DESC
		LIMIT $` + strconv.Itoa(len(w.args))
	// When few events match, reading them by their filter's own index and
	// sorting beats walking the newest-first index past millions of
	// others (which the planner may pick for a rare word). OFFSET 0 keeps
	// the order and limit out of the inner query.
	fencedSQL = `SELECT * FROM (` + silverSelect + ` WHERE ` + w.sql() + ` OFFSET 0) AS m
		ORDER BY time DESC, id DESC
		LIMIT $` + strconv.Itoa(len(w.args))
	return countSQL, countByIndexSQL, countArgs, pageSQL, fencedSQL, w.args, nil
}

// wordCountBudget is how long the newest-first count of a word search may
// run before the count falls back to the word index.
const wordCountBudget = "60ms"

// countEvents counts matches up to MaxExactCount+1 and returns the
// statement that did. A common word is counted fastest on the time index
// (its first thousand matches are near the top), a rare one on the word
// index, and the planner cannot tell which a word is; so a word search
// tries the time index under a short statement timeout and, when that
// runs out, counts by the word index.
func countEvents(ctx context.Context, tx pgx.Tx, f *scalefield.EventFilter, ordered, byIndex string, args []any) (int, string, error) {
	var n int
	if f.Search == nil || strings.TrimSpace(*f.Search) == "" {
		if err := tx.QueryRow(ctx, ordered, args...).Scan(&n); err != nil {
			return 0, "", fmt.Errorf("count events: %w", err)
		}
		return n, ordered, nil
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("count events: %w", err)
	}
	if _, err := sp.Exec(ctx, `SET LOCAL statement_timeout = '`+wordCountBudget+`'`); err != nil {
		_ = sp.Rollback(ctx)
		return 0, "", fmt.Errorf("count events: %w", err)
	}
	err = sp.QueryRow(ctx, ordered, args...).Scan(&n)
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		// Releasing keeps SET LOCAL for the transaction: put it back.
		if _, err := sp.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			_ = sp.Rollback(ctx)
			return 0, "", fmt.Errorf("count events: %w", err)
		}
		if err := sp.Commit(ctx); err != nil {
			return 0, "", fmt.Errorf("count events: %w", err)
		}
		return n, ordered, nil
	case errors.As(err, &pgErr) && pgErr.Code == "57014": // query_canceled
		// Rolling back the savepoint also undoes its SET LOCAL.
		if err := sp.Rollback(ctx); err != nil {
			return 0, "", fmt.Errorf("count events: %w", err)
		}
		if err := tx.QueryRow(ctx, byIndex, args...).Scan(&n); err != nil {
			return 0, "", fmt.Errorf("count events: %w", err)
		}
		return n, byIndex, nil
	default:
		_ = sp.Rollback(ctx)
		return 0, "", fmt.Errorf("count events: %w", err)
	}
}

// ExplainEvents runs EXPLAIN (ANALYZE, BUFFERS) on the statements an events
// page of the caller's tenant runs, for diagnosing slow filters.
func (s *EventService) ExplainEvents(ctx context.Context, f scalefield.EventFilter) (string, error) {
	if err := f.Validate(); err != nil {
		return "", err
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	countSQL, countByIndexSQL, countArgs, pageSQL, fencedSQL, pageArgs, err := eventsSQL(tenantID, &f)
	if err != nil {
		return "", err
	}
	total, countSQL, err := countEvents(ctx, tx, &f, countSQL, countByIndexSQL, countArgs)
	if err != nil {
		return "", err
	}
	if total <= scalefield.MaxExactCount {
		pageSQL = fencedSQL
	}
	count, err := explain(ctx, tx, countSQL, countArgs)
	if err != nil {
		return "", err
	}
	page, err := explain(ctx, tx, pageSQL, pageArgs)
	if err != nil {
		return "", err
	}
	return "-- count\n" + count + "\n-- page\n" + page, nil
}

func explain(ctx context.Context, tx pgx.Tx, sql string, args []any) (string, error) {
	rows, err := tx.Query(ctx, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) `+sql, args...)
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	return strings.Join(lines, "\n"), nil
}

// FindEvent returns one of the caller's Silver events.
func (s *EventService) FindEvent(ctx context.Context, id int64, at time.Time) (*scalefield.SecurityEvent, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, silverSelect+` WHERE tenant_id = $1 AND id = $2 AND time = $3`, tenantID, id, at)
	if err != nil {
		return nil, fmt.Errorf("find event: %w", err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanSecurityEvent)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "event %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find event: %w", err)
	}
	return e, nil
}

// FindBronzeEvent returns one of the caller's Bronze records.
func (s *EventService) FindBronzeEvent(ctx context.Context, id int64) (*scalefield.BronzeEvent, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	page, err := findBronze(ctx, tx, tenantID, id+1, 1)
	if err != nil {
		return nil, err
	}
	if len(page) == 0 || page[0].ID != id {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "Bronze record %d not found", id)
	}
	return page[0], nil
}

// facetColumns are the SQL expressions facets count by.
var facetColumns = map[scalefield.FacetField]string{
	scalefield.FacetSeverity:   "severity",
	scalefield.FacetClass:      "class_uid::text",
	scalefield.FacetSourcetype: "sourcetype",
	scalefield.FacetHost:       "host",
	scalefield.FacetUser:       "user_name",
	scalefield.FacetSrcIP:      "host(src_ip)",
	scalefield.FacetDstIP:      "host(dst_ip)",
	scalefield.FacetCountry:    "src_country",
	scalefield.FacetStatus:     "status",
	scalefield.FacetDevice:     "device",
}

// CountFacets counts the newest MaxFacetRows events matching the filter by
// each field, in one pass over them.
func (s *EventService) CountFacets(ctx context.Context, f scalefield.EventFilter, fields []scalefield.FacetField, limit int) (*scalefield.Facets, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 10
	}
	if limit < 1 || limit > 50 {
		return nil, scalefield.Errorf(scalefield.EINVALID, "limit must be between 1 and 50")
	}
	if len(fields) == 0 {
		return nil, scalefield.Errorf(scalefield.EINVALID, "name at least one facet field")
	}
	var sets []string
	for _, fd := range fields {
		col, ok := facetColumns[fd]
		if !ok {
			return nil, scalefield.Errorf(scalefield.EINVALID, "unknown facet field %q", fd)
		}
		sets = append(sets, "("+col+")")
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	w := buildEventWhere(tenantID, &f)
	w.args = append(w.args, scalefield.MaxFacetRows)
	// GROUPING SETS counts every field in one scan of the matching rows;
	// grouping id tells which field a row counts.
	var cols []string
	for _, fd := range fields {
		cols = append(cols, facetColumns[fd]+" AS f_"+string(fd))
	}
	var groupingArgs []string
	for _, fd := range fields {
		groupingArgs = append(groupingArgs, "f_"+string(fd))
	}
	q := `
		WITH m AS (
			SELECT ` + strings.Join(cols, ", ") + `
			FROM silver_security_events
			WHERE ` + w.sql() + `
			ORDER BY time DESC, id DESC
			LIMIT $` + strconv.Itoa(len(w.args)) + `
		)
		SELECT GROUPING(` + strings.Join(groupingArgs, ", ") + `) AS g, ` + strings.Join(groupingArgs, ", ") + `, count(*)
		FROM m
		GROUP BY GROUPING SETS ((` + strings.Join(groupingArgs, "), (") + `), ())`
	rows, err := tx.Query(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	defer rows.Close()
	out := &scalefield.Facets{Fields: map[scalefield.FacetField][]scalefield.FacetValue{}}
	all := (1 << len(fields)) - 1
	for rows.Next() {
		vals := make([]any, len(fields)+2)
		var g int
		var count int64
		strs := make([]*string, len(fields))
		vals[0] = &g
		for i := range fields {
			vals[i+1] = &strs[i]
		}
		vals[len(fields)+1] = &count
		if err := rows.Scan(vals...); err != nil {
			return nil, fmt.Errorf("count facets: %w", err)
		}
		if g == all {
			out.Total = count
			continue
		}
		// In GROUPING's bit mask the first argument is the highest bit; the
		// field counted is the one whose bit is clear.
		for i, fd := range fields {
			if g&(1<<(len(fields)-1-i)) == 0 {
				v := ""
				if strs[i] != nil {
					v = *strs[i]
				}
				if v == "" {
					break // events without the field are not a value of it
				}
				out.Fields[fd] = append(out.Fields[fd], scalefield.FacetValue{Value: v, Count: count})
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	for fd, vs := range out.Fields {
		slices.SortFunc(vs, func(a, b scalefield.FacetValue) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(vs) > limit {
			out.Fields[fd] = vs[:limit]
		}
	}
	out.Approximate = out.Total >= scalefield.MaxFacetRows
	return out, nil
}
