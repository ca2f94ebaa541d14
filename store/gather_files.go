package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
)

// BronzeKindGather is the Bronze kind of imported database activity.
const BronzeKindGather = "gather"

// manifestExt ends every manifest key (activityfile.ManifestExt).
const manifestExt = ".manifest.json"

// EnqueueGatherFiles queues files of a node found by a notice or a scan
// (foundBy "notice" or "scan"); files already known are left as they are.
// It returns how many were new. EINVALID for a key outside the node's
// prefix or not ending in .manifest.json.
func (s *GatherService) EnqueueGatherFiles(ctx context.Context, tenantID, nodeID, foundBy string, files []scalefield.GatherFileNotice) (int, error) {
	if len(files) == 0 {
		return 0, nil
	}
	prefix := scalefield.GatherKeyPrefix(tenantID, nodeID)
	n := len(files)
	keys, fileKeys, shas, sources, engines := make([]string, n), make([]string, n), make([]*string, n), make([]string, n), make([]string, n)
	rows, bytes := make([]*int64, n), make([]*int64, n)
	minT, maxT := make([]*time.Time, n), make([]*time.Time, n)
	for i, f := range files {
		if !strings.HasPrefix(f.ManifestKey, prefix) || !strings.HasSuffix(f.ManifestKey, manifestExt) ||
			len(f.ManifestKey) > 1024 || !utf8.ValidString(f.ManifestKey) || strings.Contains(f.ManifestKey, "..") {
			return 0, scalefield.Errorf(scalefield.EINVALID, "manifest key %q: must be under %s and end in %s", clip(f.ManifestKey, 200), prefix, manifestExt)
		}
		keys[i], fileKeys[i] = f.ManifestKey, strings.TrimSuffix(f.ManifestKey, manifestExt)
		if m := f.Manifest; m != nil {
			if m.File != fileKeys[i][strings.LastIndexByte(fileKeys[i], '/')+1:] {
				return 0, scalefield.Errorf(scalefield.EINVALID, "manifest of %q names another file (%q)", clip(f.ManifestKey, 200), clip(m.File, 200))
			}
			shas[i], rows[i], bytes[i] = &m.SHA256, &m.Rows, &m.Bytes
			sources[i], engines[i] = clip(m.Source, 200), clip(m.Engine, 32)
			if !m.MinTime.IsZero() {
				minT[i], maxT[i] = &m.MinTime, &m.MaxTime
			}
		}
	}
	tx, err := s.db.beginForTenantPool(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	now := s.db.Now().UTC()
	tag, err := tx.Exec(ctx, `INSERT INTO gather_files (tenant_id, node_id, manifest_key, file_key, sha256, rows, bytes,
		    min_time, max_time, source, engine, found_by, next_attempt_at, created_at, updated_at)
		SELECT $1, $2, k, fk, sha, r, b, mn, mx, src, eng, $3, $4, $4, $4
		FROM unnest($5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::timestamptz[], $11::timestamptz[],
		            $12::text[], $13::text[]) AS u(k, fk, sha, r, b, mn, mx, src, eng)
		ORDER BY k
		ON CONFLICT (manifest_key) DO NOTHING`, tenantID, nodeID, foundBy, now,
		keys, fileKeys, shas, rows, bytes, minT, maxT, sources, engines)
	if err != nil {
		return 0, constraintError(err, "queue gather files")
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("queue gather files: commit: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// ListActiveGatherNodes returns every node not revoked, of every tenant,
// for the scanner (privileged connection).
func (s *GatherService) ListActiveGatherNodes(ctx context.Context) ([]scalefield.GatherNodeRef, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT tenant_id::text, id::text FROM gather_nodes WHERE status = 'active' ORDER BY tenant_id, id`)
	if err != nil {
		return nil, fmt.Errorf("list gather nodes: %w", err)
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (scalefield.GatherNodeRef, error) {
		var ref scalefield.GatherNodeRef
		return ref, r.Scan(&ref.TenantID, &ref.NodeID)
	})
	if err != nil {
		return nil, fmt.Errorf("list gather nodes: %w", err)
	}
	return refs, nil
}

const gatherFileColumns = `id, tenant_id::text, node_id::text, manifest_key, file_key, sha256, rows, bytes, min_time, max_time,
	source, engine, status, error, found_by, attempts, imported_rows, created_at, updated_at, next_attempt_at, done_at`

func scanGatherFile(row pgx.CollectableRow) (*scalefield.GatherFile, error) {
	var f scalefield.GatherFile
	var sha *string
	var rows, bytes *int64
	var minT, maxT *time.Time
	var source, engine string
	err := row.Scan(&f.ID, &f.TenantID, &f.NodeID, &f.ManifestKey, &f.FileKey, &sha, &rows, &bytes, &minT, &maxT,
		&source, &engine, &f.Status, &f.Error, &f.FoundBy, &f.Attempts, &f.ImportedRows, &f.CreatedAt, &f.UpdatedAt, &f.NextAttemptAt, &f.DoneAt)
	if err != nil {
		return nil, err
	}
	if sha != nil && rows != nil && bytes != nil {
		f.Manifest = &scalefield.GatherManifest{File: f.FileKey[strings.LastIndexByte(f.FileKey, '/')+1:], SHA256: *sha, Rows: *rows, Bytes: *bytes,
			Source: source, Engine: engine}
		if minT != nil && maxT != nil {
			f.Manifest.MinTime, f.Manifest.MaxTime = *minT, *maxT
		}
	}
	return &f, nil
}

// ClaimGatherFile claims the oldest queued file that is due, or one whose
// claim expired (its replica died), for lease: it becomes importing with
// one more attempt. Claims skip rows other replicas hold, so each file is
// claimed by one replica at a time. ok is false when nothing is due.
func (s *GatherService) ClaimGatherFile(ctx context.Context, lease time.Duration) (f *scalefield.GatherFile, ok bool, err error) {
	now := s.db.Now().UTC()
	rows, err := s.db.Pool.Query(ctx, `
		WITH c AS (
		    SELECT id FROM gather_files
		    WHERE (status = 'queued' AND next_attempt_at <= $1) OR (status = 'importing' AND lease_until < $1)
		    ORDER BY next_attempt_at, id
		    LIMIT 1 FOR UPDATE SKIP LOCKED
		)
		UPDATE gather_files g SET status = 'importing', attempts = g.attempts + 1, lease_until = $2, updated_at = $1
		FROM c WHERE g.id = c.id
		RETURNING `+prefixColumns("g.", gatherFileColumns), now, now.Add(lease))
	if err != nil {
		return nil, false, fmt.Errorf("claim gather file: %w", err)
	}
	f, err = pgx.CollectExactlyOneRow(rows, scanGatherFile)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("claim gather file: %w", err)
	}
	return f, true, nil
}

// prefixColumns qualifies each column of a column list with p.
func prefixColumns(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ErrGatherClaimLost reports that a file's claim expired and another
// replica claimed it: the work done under the old claim is rolled back.
var ErrGatherClaimLost = scalefield.Errorf(scalefield.ECONFLICT, "gather file claimed by another replica")

// ImportGatherFile imports a claimed file in one transaction: load writes
// its rows (with CopyGatherBronze) and returns how many; then the file is
// marked done with the manifest m, the source registry counts the rows,
// and the refine stage is woken. Nothing of it is visible until the commit,
// so a crash imports the whole file again. ErrGatherClaimLost when the
// claim is no longer f's; load's error as it is.
func (s *GatherService) ImportGatherFile(ctx context.Context, f *scalefield.GatherFile, m scalefield.GatherManifest, load func(ctx context.Context, tx pgx.Tx) (int64, error)) error {
	tx, err := s.db.beginForTenantPool(ctx, f.TenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := lockClaim(ctx, tx, f); err != nil {
		return err
	}
	n, err := load(ctx, tx)
	if err != nil {
		return err
	}
	now := s.db.Now().UTC()
	_, err = tx.Exec(ctx, `UPDATE gather_files SET status = 'done', imported_rows = $2, done_at = $3, updated_at = $3, lease_until = NULL,
		error = '', sha256 = $4, rows = $5, bytes = $6, min_time = $7, max_time = $8, source = $9, engine = $10 WHERE id = $1`,
		f.ID, n, now, m.SHA256, m.Rows, m.Bytes, nullTime(m.MinTime), nullTime(m.MaxTime), clip(m.Source, 200), clip(m.Engine, 32))
	if err != nil {
		return fmt.Errorf("mark gather file done: %w", err)
	}
	if n > 0 {
		_, err = tx.Exec(ctx, `
			WITH s AS (
			    INSERT INTO ingest_sources AS s (tenant_id, kind, name, first_seen, last_seen, events_total, bytes_total)
			    VALUES ($1, $2, $3, $4, $4, $5, $6)
			    ON CONFLICT (tenant_id, kind, name) DO UPDATE SET last_seen = greatest(s.last_seen, EXCLUDED.last_seen),
			        events_total = s.events_total + EXCLUDED.events_total, bytes_total = s.bytes_total + EXCLUDED.bytes_total
			)
			INSERT INTO ingest_source_minutes AS m (tenant_id, kind, name, minute, events, bytes) VALUES ($1, $2, $3, $7, $5, $6)
			ON CONFLICT (tenant_id, minute, kind, name) DO UPDATE SET events = m.events + EXCLUDED.events, bytes = m.bytes + EXCLUDED.bytes`,
			f.TenantID, BronzeKindGather, clip(m.Source, 200), now, n, m.Bytes, now.Truncate(time.Minute))
		if err != nil {
			return fmt.Errorf("count gather source: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, BronzeChannel); err != nil {
			return fmt.Errorf("notify refine: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("import gather file: commit: %w", err)
	}
	f.Status, f.ImportedRows, f.DoneAt, f.Manifest = scalefield.GatherFileDone, n, &now, &m
	return nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// lockClaim locks f's row for the transaction and checks the claim is
// still f's.
func lockClaim(ctx context.Context, tx pgx.Tx, f *scalefield.GatherFile) error {
	var status string
	var attempts int
	err := tx.QueryRow(ctx, `SELECT status, attempts FROM gather_files WHERE id = $1 FOR UPDATE`, f.ID).Scan(&status, &attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return scalefield.Errorf(scalefield.ENOTFOUND, "gather file %d not found", f.ID)
	} else if err != nil {
		return fmt.Errorf("lock gather file: %w", err)
	}
	if status != scalefield.GatherFileImporting || attempts != f.Attempts {
		return ErrGatherClaimLost
	}
	return nil
}

// FinishGatherFile ends a claim without importing: status is
// GatherFileQueued (a transient failure: tried again at retryAt) or
// GatherFileQuarantined (the file cannot be imported as it is); reason says
// why. m, when known, is kept. ErrGatherClaimLost when the claim is no
// longer f's.
func (s *GatherService) FinishGatherFile(ctx context.Context, f *scalefield.GatherFile, status, reason string, retryAt time.Time, m *scalefield.GatherManifest) error {
	if status != scalefield.GatherFileQueued && status != scalefield.GatherFileQuarantined {
		return scalefield.Errorf(scalefield.EINVALID, "a claim ends queued or quarantined, not %q", status)
	}
	tx, err := s.db.beginForTenantPool(ctx, f.TenantID)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := lockClaim(ctx, tx, f); err != nil {
		return err
	}
	now := s.db.Now().UTC()
	if retryAt.IsZero() {
		retryAt = now
	}
	reason = clip(reason, 2000)
	if _, err := tx.Exec(ctx, `UPDATE gather_files SET status = $2, error = $3, next_attempt_at = $4, lease_until = NULL, updated_at = $5
		WHERE id = $1`, f.ID, status, reason, retryAt, now); err != nil {
		return fmt.Errorf("finish gather file: %w", err)
	}
	if m != nil {
		if _, err := tx.Exec(ctx, `UPDATE gather_files SET sha256 = $2, rows = $3, bytes = $4, min_time = $5, max_time = $6,
			source = $7, engine = $8 WHERE id = $1`, f.ID, m.SHA256, m.Rows, m.Bytes, nullTime(m.MinTime), nullTime(m.MaxTime),
			clip(m.Source, 200), clip(m.Engine, 32)); err != nil {
			return fmt.Errorf("finish gather file: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("finish gather file: commit: %w", err)
	}
	f.Status, f.Error, f.NextAttemptAt = status, reason, retryAt
	return nil
}

// ListGatherFiles pages through the caller's tenant's import queue, newest
// first. EINVALID for a bad status, page size or cursor.
func (s *GatherService) ListGatherFiles(ctx context.Context, f scalefield.GatherFileFilter) (*scalefield.GatherFilePage, error) {
	if err := scalefield.ValidatePage(&f.First); err != nil {
		return nil, err
	}
	where, args := []string{"tenant_id = $1"}, []any{nil}
	if f.Status != nil {
		switch *f.Status {
		case scalefield.GatherFileQueued, scalefield.GatherFileImporting, scalefield.GatherFileDone, scalefield.GatherFileQuarantined:
		default:
			return nil, scalefield.Errorf(scalefield.EINVALID, "unknown import status %q", *f.Status)
		}
		args = append(args, *f.Status)
		where = append(where, "status = $"+strconv.Itoa(len(args)))
	}
	countWhere := strings.Join(where, " AND ")
	if f.After != nil {
		id, err := decodeIDCursor(*f.After)
		if err != nil {
			return nil, err
		}
		args = append(args, id)
		where = append(where, "id < $"+strconv.Itoa(len(args)))
	}
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	args[0] = tenantID
	page := &scalefield.GatherFilePage{}
	countArgs := args[:1+btoi(f.Status != nil)]
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM gather_files WHERE `+countWhere, countArgs...).Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count gather files: %w", err)
	}
	args = append(args, f.First+1)
	rows, err := tx.Query(ctx, `SELECT `+gatherFileColumns+` FROM gather_files WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list gather files: %w", err)
	}
	files, err := pgx.CollectRows(rows, scanGatherFile)
	if err != nil {
		return nil, fmt.Errorf("list gather files: %w", err)
	}
	page.Files, page.Cursors, page.HasNextPage = trimPage(files, f.First, func(g *scalefield.GatherFile) string { return encodeIDCursor(g.ID) })
	return page, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RetryGatherFile queues a quarantined file of the caller's tenant again,
// with its attempts reset and its manifest to be read again. audit, if any, is appended in the same
// transaction. ENOTFOUND for no such file; ECONFLICT unless it is
// quarantined (a done file is never imported twice).
func (s *GatherService) RetryGatherFile(ctx context.Context, id int64, audit *scalefield.AuditEntry) (*scalefield.GatherFile, error) {
	tx, tenantID, err := s.db.beginTenant(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	var status string
	err = tx.QueryRow(ctx, `SELECT status FROM gather_files WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, id, tenantID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, scalefield.Errorf(scalefield.ENOTFOUND, "import not found")
	} else if err != nil {
		return nil, fmt.Errorf("retry gather file: %w", err)
	}
	if status != scalefield.GatherFileQuarantined {
		return nil, scalefield.Errorf(scalefield.ECONFLICT, "only a quarantined import can be retried (this one is %s)", status)
	}
	now := s.db.Now().UTC()
	// The manifest is read again from the store: the pair may have been
	// replaced since.
	rows, err := tx.Query(ctx, `UPDATE gather_files SET status = 'queued', attempts = 0, next_attempt_at = $2, updated_at = $2,
		    sha256 = NULL, rows = NULL, bytes = NULL, min_time = NULL, max_time = NULL
		WHERE id = $1 RETURNING `+gatherFileColumns, id, now)
	if err != nil {
		return nil, fmt.Errorf("retry gather file: %w", err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanGatherFile)
	if err != nil {
		return nil, fmt.Errorf("retry gather file: %w", err)
	}
	if err := appendTargetAudit(ctx, tx, audit, "gather_file", strconv.FormatInt(id, 10),
		map[string]any{"manifest_key": f.ManifestKey, "error": f.Error}); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("retry gather file: commit: %w", err)
	}
	return f, nil
}

// CopyGatherBronze appends rows of database activity of tenantID to Bronze
// inside tx, with their refine queue entries, received at receivedAt: kind
// "gather", sourcetype "db:<engine>", the row's host and source, payload
// the JSON of the scalefield.DBActivity (as encoding/json writes it). tx is
// the import transaction that also marks the file done (ImportGatherFile),
// so the rows and the file's state commit together.
func CopyGatherBronze(ctx context.Context, tx pgx.Tx, tenantID string, rows []scalefield.DBActivity, receivedAt time.Time) error {
	done := false
	_, err := CopyGatherBronzeStream(ctx, tx, tenantID, int64(len(rows)), receivedAt, func() ([]scalefield.DBActivity, error) {
		if done {
			return nil, io.EOF
		}
		done = true
		return rows, nil
	})
	return err
}

// ErrGatherTooManyRows reports a stream that yielded more rows than the
// maximum it was copied with.
var ErrGatherTooManyRows = scalefield.Errorf(scalefield.EINVALID, "more rows than announced")

// CopyGatherBronzeStream is CopyGatherBronze for a whole file read batch by
// batch, in one COPY: next returns the next batch (valid until the next
// call), or io.EOF at the end; its other errors end the copy and are
// returned as they are. Rows are encoded (binary COPY, as Bronze is on
// ingest) in chunks while the server stores the chunk before.
// maxRows bounds the rows (their ids are reserved up front);
// ErrGatherTooManyRows when next yields more. It returns the rows copied.
func CopyGatherBronzeStream(ctx context.Context, tx pgx.Tx, tenantID string, maxRows int64, receivedAt time.Time,
	next func() ([]scalefield.DBActivity, error)) (int64, error) {
	tenant, err := uuids{}.parse(tenantID)
	if err != nil {
		return 0, scalefield.Errorf(scalefield.EINVALID, "tenant ID %q is not a UUID", tenantID)
	}
	src := &gatherCopyReader{next: next, receivedAt: receivedAt, tenant: tenant, sourcetypes: map[string]string{},
		payload: make([]byte, 0, 4096), c: newBinaryCopy(gatherCopyChunk)}
	if maxRows > 0 {
		// One round trip for the block of ids.
		idRows, err := tx.Query(ctx, reserveBronzeIDs, maxRows)
		if err != nil {
			return 0, fmt.Errorf("reserve ids: %w", err)
		}
		if src.ids, err = pgx.CollectRows(idRows, pgx.RowTo[int64]); err != nil {
			return 0, fmt.Errorf("reserve ids: %w", err)
		}
	}
	conn := tx.Conn().PgConn()
	_, err = conn.CopyFrom(ctx, src, copyStatement("bronze_events", bronzeColumns))
	if src.err != nil {
		return src.copied, src.err
	}
	if err != nil {
		return src.copied, fmt.Errorf("copy gather rows: %w", err)
	}
	if src.copied == 0 {
		return 0, nil
	}
	ids := src.ids[:src.copied]
	q := newBinaryCopy(len(ids) * 40)
	for _, id := range ids {
		q.row(3)
		q.int64(id)
		q.timestamptz(receivedAt)
		q.uuid(tenant)
	}
	if _, err := q.send(ctx, conn, "refine_queue", []string{"bronze_id", "received_at", "tenant_id"}); err != nil {
		return src.copied, fmt.Errorf("queue gather rows: %w", err)
	}
	return src.copied, nil
}

// gatherCopyChunk is how many bytes of COPY data the import encodes before
// handing them to the connection.
const gatherCopyChunk = 256 << 10

// gatherCopyReader is the body of the import's binary COPY: each Read
// encodes rows from the batches of activity until a chunk is full.
type gatherCopyReader struct {
	next        func() ([]scalefield.DBActivity, error)
	batch       []scalefield.DBActivity
	i           int
	ids         []int64
	copied      int64
	tenant      [16]byte
	receivedAt  time.Time
	sourcetypes map[string]string
	payload     []byte
	c           *binaryCopy
	off         int
	eof, ended  bool
	err         error
}

// Read implements io.Reader. An error of next (or ErrGatherTooManyRows) is
// kept in r.err and returned, which aborts the COPY.
func (r *gatherCopyReader) Read(p []byte) (int, error) {
	if r.off == len(r.c.buf) {
		if r.ended {
			return 0, io.EOF
		}
		if r.off > 0 {
			r.c.buf, r.off = r.c.buf[:0], 0
		}
		if err := r.fill(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.c.buf[r.off:])
	r.off += n
	return n, nil
}

// fill encodes rows into r.c until the chunk is full or the rows end, when
// it adds the trailer.
func (r *gatherCopyReader) fill() error {
	for len(r.c.buf) < gatherCopyChunk {
		for r.i >= len(r.batch) {
			if r.eof {
				r.c.trailer()
				r.ended = true
				return nil
			}
			b, err := r.next()
			if errors.Is(err, io.EOF) {
				r.eof = true
			} else if err != nil {
				return err
			}
			r.batch, r.i = b, 0
		}
		if r.copied >= int64(len(r.ids)) {
			return ErrGatherTooManyRows
		}
		r.encode(&r.batch[r.i])
		r.i++
	}
	return nil
}

func (r *gatherCopyReader) encode(a *scalefield.DBActivity) {
	r.payload = appendActivityJSON(r.payload[:0], a)
	st, ok := r.sourcetypes[a.Engine]
	if !ok {
		st = "db:" + strings.ToLower(a.Engine)
		r.sourcetypes[a.Engine] = st
	}
	bronzeRow(r.c, r.ids[r.copied], r.tenant, &scalefield.BronzeRecord{ReceivedAt: r.receivedAt, Kind: BronzeKindGather,
		Source: a.Source, Sourcetype: st, Host: a.Host, Payload: r.payload})
	r.copied++
}

// appendActivityJSON appends json.Marshal(a) to buf, byte for byte, without
// reflection: the import encodes every row.
func appendActivityJSON(buf []byte, a *scalefield.DBActivity) []byte {
	buf = append(buf, `{"Time":`...)
	if y := a.Time.Year(); y < 0 || y > 9999 {
		// encoding/json refuses such times; the row keeps its other fields.
		buf = append(buf, `"0001-01-01T00:00:00Z"`...)
	} else {
		buf = append(buf, '"')
		buf = a.Time.AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, '"')
	}
	buf = appendJSONField(buf, "Engine", a.Engine)
	buf = appendJSONField(buf, "Host", a.Host)
	buf = appendJSONField(buf, "Database", a.Database)
	buf = appendJSONField(buf, "User", a.User)
	buf = appendJSONField(buf, "ClientAddr", a.ClientAddr)
	buf = append(buf, `,"ClientPort":`...)
	buf = strconv.AppendInt(buf, int64(a.ClientPort), 10)
	buf = appendJSONField(buf, "Application", a.Application)
	buf = appendJSONField(buf, "Session", a.Session)
	buf = appendJSONField(buf, "ActionClass", a.ActionClass)
	buf = appendJSONField(buf, "Action", a.Action)
	buf = appendJSONField(buf, "Statement", a.Statement)
	buf = appendJSONField(buf, "Object", a.Object)
	buf = appendJSONField(buf, "ObjectType", a.ObjectType)
	buf = append(buf, `,"Rows":`...)
	buf = strconv.AppendInt(buf, a.Rows, 10)
	buf = appendJSONField(buf, "Status", a.Status)
	buf = appendJSONField(buf, "Error", a.Error)
	buf = appendJSONField(buf, "Raw", a.Raw)
	buf = appendJSONField(buf, "Source", a.Source)
	buf = appendJSONField(buf, "Position", a.Position)
	return append(buf, '}')
}

func appendJSONField(buf []byte, name, v string) []byte {
	buf = append(buf, ',', '"')
	buf = append(buf, name...)
	buf = append(buf, '"', ':')
	return appendJSONString(buf, v)
}

// appendJSONString appends v quoted as encoding/json does: plain ASCII is
// copied, anything else (escapes, HTML characters, non-ASCII) goes through
// encoding/json itself.
func appendJSONString(buf []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(v)
			return append(buf, b...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, v...)
	return append(buf, '"')
}

// gatherScanLock is the advisory lock key that lets one replica at a time
// scan the blob store.
const gatherScanLock = 0x5f6761746865 // "_gathe"

// WithGatherScanLock runs fn while holding the cluster-wide scan lock, if no
// other replica holds it; ran reports whether fn ran. The lock is held by a
// transaction that ends when fn returns, so a replica that dies releases
// it.
func (s *GatherService) WithGatherScanLock(ctx context.Context, fn func(ctx context.Context) error) (ran bool, err error) {
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("scan lock: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var got bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(gatherScanLock)).Scan(&got); err != nil {
		return false, fmt.Errorf("scan lock: %w", err)
	}
	if !got {
		return false, nil
	}
	return true, fn(ctx)
}
