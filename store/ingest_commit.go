package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	scalefield "github.com/scalefield/scalefield"
)

// Ingest kinds: the channel a request came in on, as the source registry
// and the ingest metrics name it.
const (
	IngestKindHEC       = "hec"
	IngestKindHECRaw    = "hec-raw"
	IngestKindSyslogUDP = "syslog-udp"
	IngestKindSyslogTCP = "syslog-tcp"
	IngestKindSyslogTLS = "syslog-tls"
)

// IngestRequest is one receiver request (an HEC request, or a batch of
// syslog messages) that CommitIngest stores as a unit: all of its records or
// none.
type IngestRequest struct {
	// TenantID is the tenant of the verified credential or listener; every
	// record must carry it.
	TenantID string
	// Kind is the ingest channel (IngestKindHEC, ...).
	Kind string
	// Source is the configured source name the registry counts the request
	// under: the HEC token's name or the syslog listener's source.
	Source  string
	Records []scalefield.BronzeRecord
	// Bytes is the size of the request as received, for the registry.
	Bytes int64

	// AckChannel is the HEC channel; when set, the committed request is
	// given the channel's next ack id.
	AckChannel string
	// DedupKey (32 bytes), when set, makes the request idempotent: if a
	// request with the same tenant and key was committed after DedupAfter,
	// this one stores nothing and is answered as that one was.
	DedupKey   []byte
	DedupAfter time.Time

	// AckID is the request's ack id once committed, or -1 when it has none.
	// For a duplicate it is the original request's.
	AckID int64
	// Duplicate reports that an earlier commit of the same request was found.
	Duplicate bool

	// rowID is the request's ingest_requests row while committing.
	rowID int64
}

// CommitIngest stores the requests in one transaction on the privileged
// pool (COPY under row-level security is refused to the application role;
// each row's tenant comes from the request's verified credential): their
// Bronze rows and refine queue entries, their ack ids and dedup keys
// (ingest_requests), and one upsert per source of the batch's totals into
// the source registry. It fills in AckID and Duplicate. Requests of any
// tenants may share a batch. EINVALID when a request is malformed; other
// errors leave nothing stored.
func (s *EventService) CommitIngest(ctx context.Context, reqs []*IngestRequest) error {
	firstOf := make(map[string]*IngestRequest)
	var live []*IngestRequest
	var copies [][2]*IngestRequest // [duplicate, original] within the batch
	for _, r := range reqs {
		if err := checkIngestRequest(r); err != nil {
			return err
		}
		r.AckID, r.Duplicate, r.rowID = -1, false, 0
		if r.DedupKey != nil {
			k := r.TenantID + string(r.DedupKey)
			if first, ok := firstOf[k]; ok {
				copies = append(copies, [2]*IngestRequest{r, first})
				continue
			}
			firstOf[k] = r
		}
		live = append(live, r)
	}
	now := s.db.Now().UTC()

	// The transaction takes three round trips: BEGIN travels with the
	// first statements and COMMIT with the last, so it is run by hand on
	// a pooled connection rather than through pgx.Tx.
	pc, err := s.db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("commit ingest: %w", err)
	}
	defer pc.Release()
	conn := pc.Conn()
	committed := false
	defer func() {
		if !committed {
			rollbackIngest(conn)
		}
	}()
	reserve := 0
	for _, r := range live {
		reserve += len(r.Records)
	}
	ids, err := recordIngestRequests(ctx, conn, live, now, reserve)
	if err != nil {
		return err
	}
	var records []scalefield.BronzeRecord
	var recordIDs []int64
	var stored []*IngestRequest
	for _, r := range live {
		n := len(r.Records)
		if !r.Duplicate {
			recordIDs = append(recordIDs, ids[:n]...)
			// Each record remembers the registry source it came in under.
			for i := range r.Records {
				r.Records[i].OriginKind, r.Records[i].Origin = r.Kind, r.Source
			}
			records = append(records, r.Records...)
			stored = append(stored, r)
		}
		ids = ids[n:]
	}
	var tenants [][16]byte
	if len(records) > 0 {
		if tenants, err = copyBronze(ctx, conn.PgConn(), records, recordIDs); err != nil {
			return fmt.Errorf("commit ingest: %w", err)
		}
	}
	// After the COPY, one round trip: the refine queue entries, then the
	// ack ids and the source registry (the rows every concurrent commit
	// touches, so they are locked last and held only for the commit), the
	// refine stage's wake-up, and COMMIT.
	batch := &pgx.Batch{}
	if len(records) > 0 {
		queueRefine(batch, records, recordIDs, tenants)
	}
	queueRecordAcks(batch, stored, now)
	if len(records) > 0 {
		queueIngestSources(batch, stored, now)
		batch.Queue(`SELECT pg_notify($1, '')`, BronzeChannel)
	}
	batch.Queue("COMMIT").Exec(func(tag pgconn.CommandTag) error {
		// COMMIT of a transaction that failed answers ROLLBACK.
		if tag.String() != "COMMIT" {
			return fmt.Errorf("the transaction was rolled back (%s)", tag)
		}
		return nil
	})
	if err := conn.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("commit ingest: %w", err)
	}
	committed = true
	for _, c := range copies {
		c[0].AckID, c[0].Duplicate = c[1].AckID, true
	}
	return nil
}

func checkIngestRequest(r *IngestRequest) error {
	switch {
	case r.TenantID == "":
		return scalefield.Errorf(scalefield.EINVALID, "ingest request without a tenant")
	case r.Kind == "":
		return scalefield.Errorf(scalefield.EINVALID, "ingest request without a kind")
	case r.DedupKey != nil && len(r.DedupKey) != sha256.Size:
		return scalefield.Errorf(scalefield.EINVALID, "ingest dedup key must be %d bytes", sha256.Size)
	case len(r.AckChannel) > 64:
		return scalefield.Errorf(scalefield.EINVALID, "ingest ack channel longer than 64 bytes")
	}
	for i := range r.Records {
		if r.Records[i].TenantID != r.TenantID {
			return scalefield.Errorf(scalefield.EINVALID, "a record of an ingest request belongs to another tenant")
		}
	}
	return nil
}

// ingestConn is what the commit's statements run on: the connection of
// CommitIngest's hand-run transaction, or a pgx.Tx.
type ingestConn interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// rollbackIngest ends a transaction CommitIngest left open after an error,
// so the connection goes back to the pool clean; if that fails too, the
// pool discards the connection (it is not idle).
func rollbackIngest(conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "ROLLBACK")
}

// recordIngestRequests writes the ingest_requests row of every request
// with a dedup key (its ack id comes later, in recordAcks), and marks as
// Duplicate those whose key was committed before inside their window
// (taking the original's ack id). In the same round trip as the first
// insert it reserves reserve Bronze IDs and returns them; the IDs of
// requests found to be duplicates are left unused.
// Its first round trip opens the transaction (BEGIN).
func recordIngestRequests(ctx context.Context, tx ingestConn, reqs []*IngestRequest, now time.Time, reserve int) ([]int64, error) {
	var todo []*IngestRequest
	for _, r := range reqs {
		if r.DedupKey != nil {
			todo = append(todo, r)
		}
	}
	// Keys in one order, so concurrent commits wait for each other's keys
	// without deadlocking.
	slices.SortFunc(todo, func(a, b *IngestRequest) int {
		return cmp.Or(cmp.Compare(a.TenantID, b.TenantID), cmp.Compare(string(a.DedupKey), string(b.DedupKey)))
	})
	batch := &pgx.Batch{}
	batch.Queue("BEGIN")
	var ids []int64
	if reserve > 0 {
		batch.Queue(reserveBronzeIDs, reserve).Query(func(rows pgx.Rows) error {
			var err error
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		})
	}
	for attempt := 0; len(todo) > 0 || batch.Len() > 0; attempt++ {
		if attempt == 5 {
			return nil, fmt.Errorf("commit ingest: dedup keys of %d requests keep conflicting", len(todo))
		}
		var conflicts []*IngestRequest
		if len(todo) > 0 {
			queueInsertIngestRequests(batch, todo, now, &conflicts)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return nil, fmt.Errorf("commit ingest: record requests: %w", err)
		}
		batch = &pgx.Batch{}
		if err := resolveDuplicates(ctx, tx, conflicts); err != nil {
			return nil, err
		}
		// Expired keys were retired and keys whose holder rolled back are
		// free: insert those again.
		todo = todo[:0]
		for _, r := range conflicts {
			if !r.Duplicate {
				todo = append(todo, r)
			}
		}
	}
	if len(ids) != reserve {
		return nil, fmt.Errorf("commit ingest: %d Bronze IDs reserved, want %d", len(ids), reserve)
	}
	return ids, nil
}

const reserveBronzeIDs = `SELECT nextval('bronze_events_id_seq') FROM generate_series(1, $1)`

// queueInsertIngestRequests queues the insert of the requests' rows; once
// the batch has run, conflicts holds the requests whose key was already
// taken.
func queueInsertIngestRequests(batch *pgx.Batch, reqs []*IngestRequest, now time.Time, conflicts *[]*IngestRequest) {
	n := len(reqs)
	tenants, channels, keys := make([]string, n), make([]string, n), make([][]byte, n)
	events, created := make([]int32, n), make([]time.Time, n)
	for i, r := range reqs {
		tenants[i], channels[i], keys[i], events[i], created[i] = r.TenantID, r.AckChannel, r.DedupKey, int32(len(r.Records)), now
	}
	batch.Queue(`
		INSERT INTO ingest_requests (tenant_id, channel, dedup_key, events, created_at)
		SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::int[], $5::timestamptz[])
		ON CONFLICT (tenant_id, dedup_key) DO NOTHING
		RETURNING id, tenant_id::text, dedup_key`, tenants, channels, keys, events, created).Query(func(rows pgx.Rows) error {
		inserted := map[string]int64{}
		var id int64
		var tenant string
		var key []byte
		if _, err := pgx.ForEachRow(rows, []any{&id, &tenant, &key}, func() error {
			inserted[tenant+string(key)] = id
			return nil
		}); err != nil {
			return err
		}
		for _, r := range reqs {
			if id, ok := inserted[r.TenantID+string(r.DedupKey)]; ok {
				r.rowID = id
			} else {
				*conflicts = append(*conflicts, r)
			}
		}
		return nil
	})
}

// queueRecordAcks queues the statement that hands each request on a
// channel the channel's next ack id and stores it: on the request's
// ingest_requests row when it has one, in a new row otherwise. The channel
// counters are locked in one order, so concurrent commits cannot deadlock.
func queueRecordAcks(batch *pgx.Batch, reqs []*IngestRequest, now time.Time) {
	var acked []*IngestRequest
	var rowIDs []int64
	var tenants, channels []string
	var events []int32
	for _, r := range reqs {
		if r.AckChannel != "" {
			acked = append(acked, r)
			rowIDs, tenants, channels = append(rowIDs, r.rowID), append(tenants, r.TenantID), append(channels, r.AckChannel)
			events = append(events, int32(len(r.Records)))
		}
	}
	if len(acked) == 0 {
		return
	}
	batch.Queue(`
		WITH req AS (
		    SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::int[]) WITH ORDINALITY AS r(row_id, tenant_id, channel, events, ord)
		), wanted AS (
		    SELECT tenant_id, channel, count(*) AS n FROM req GROUP BY tenant_id, channel
		), counters AS (
		    INSERT INTO ingest_channels AS c (tenant_id, channel, next_ack_id, last_used_at)
		    SELECT tenant_id, channel, n, $5 FROM wanted ORDER BY tenant_id, channel
		    ON CONFLICT (tenant_id, channel) DO UPDATE
		        SET next_ack_id = c.next_ack_id + EXCLUDED.next_ack_id, last_used_at = EXCLUDED.last_used_at
		    RETURNING tenant_id, channel, next_ack_id
		), acks AS (
		    SELECT r.ord, r.row_id, r.tenant_id, r.channel, r.events,
		           c.next_ack_id - w.n - 1 + row_number() OVER (PARTITION BY r.tenant_id, r.channel ORDER BY r.ord) AS ack_id
		    FROM req r JOIN counters c USING (tenant_id, channel) JOIN wanted w USING (tenant_id, channel)
		), keyed AS (
		    UPDATE ingest_requests r SET ack_id = a.ack_id FROM acks a WHERE a.row_id <> 0 AND r.id = a.row_id
		), unkeyed AS (
		    INSERT INTO ingest_requests (tenant_id, channel, ack_id, events, created_at)
		    SELECT tenant_id, channel, ack_id, events, $5 FROM acks WHERE row_id = 0
		)
		SELECT ord, ack_id FROM acks`, rowIDs, tenants, channels, events, now).Query(func(rows pgx.Rows) error {
		var ord, ackID int64
		seen := 0
		if _, err := pgx.ForEachRow(rows, []any{&ord, &ackID}, func() error {
			if ord < 1 || ord > int64(len(acked)) {
				return fmt.Errorf("ack for request %d of %d", ord, len(acked))
			}
			acked[ord-1].AckID = ackID
			seen++
			return nil
		}); err != nil {
			return fmt.Errorf("record acks: %w", err)
		}
		if seen != len(acked) {
			return fmt.Errorf("record acks: %d ack ids for %d requests", seen, len(acked))
		}
		return nil
	})
}

// resolveDuplicates reads the committed rows holding the requests' keys.
// A row inside the request's window makes it a duplicate with that row's
// ack id; an older one is retired (its key cleared).
func resolveDuplicates(ctx context.Context, tx ingestConn, reqs []*IngestRequest) error {
	if len(reqs) == 0 {
		return nil
	}
	tenants, keys := make([]string, len(reqs)), make([][]byte, len(reqs))
	for i, r := range reqs {
		tenants[i], keys[i] = r.TenantID, r.DedupKey
	}
	rows, err := tx.Query(ctx, `
		SELECT r.id, r.tenant_id::text, r.dedup_key, r.ack_id, r.created_at
		FROM ingest_requests r
		JOIN unnest($1::uuid[], $2::bytea[]) AS k(tenant_id, dedup_key)
		  ON r.tenant_id = k.tenant_id AND r.dedup_key = k.dedup_key`, tenants, keys)
	if err != nil {
		return fmt.Errorf("commit ingest: find duplicates: %w", err)
	}
	type found struct {
		id      int64
		ackID   *int64
		created time.Time
	}
	byKey := map[string]found{}
	var f found
	var tenant string
	var key []byte
	if _, err := pgx.ForEachRow(rows, []any{&f.id, &tenant, &key, &f.ackID, &f.created}, func() error {
		byKey[tenant+string(key)] = f
		return nil
	}); err != nil {
		return fmt.Errorf("commit ingest: find duplicates: %w", err)
	}
	var expired []int64
	for _, r := range reqs {
		f, ok := byKey[r.TenantID+string(r.DedupKey)]
		switch {
		case !ok:
			// The holder rolled back between the insert and this read: the
			// next attempt inserts the key.
		case !f.created.Before(r.DedupAfter):
			r.Duplicate, r.AckID = true, -1
			if f.ackID != nil {
				r.AckID = *f.ackID
			}
		default:
			expired = append(expired, f.id)
		}
	}
	if len(expired) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE ingest_requests SET dedup_key = NULL WHERE id = ANY($1)`, expired); err != nil {
			return fmt.Errorf("commit ingest: retire expired keys: %w", err)
		}
	}
	return nil
}

type sourceKey struct{ tenant, kind, name string }

// queueIngestSources queues the statement adding the batch's committed
// events and bytes to the source registry and to the source's current
// minute, one row per source, in one order so concurrent commits cannot
// deadlock.
func queueIngestSources(batch *pgx.Batch, reqs []*IngestRequest, now time.Time) {
	type total struct{ events, bytes int64 }
	totals := map[sourceKey]*total{}
	for _, r := range reqs {
		if r.Duplicate || len(r.Records) == 0 {
			continue
		}
		k := sourceKey{r.TenantID, cleanText(r.Kind), cleanText(r.Source)}
		t := totals[k]
		if t == nil {
			t = &total{}
			totals[k] = t
		}
		t.events += int64(len(r.Records))
		t.bytes += r.Bytes
	}
	keys := make([]sourceKey, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sourceKey) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.kind, b.kind), cmp.Compare(a.name, b.name))
	})
	n := len(keys)
	tenants, kinds, names, events, bytes := make([]string, n), make([]string, n), make([]string, n), make([]int64, n), make([]int64, n)
	for i, k := range keys {
		tenants[i], kinds[i], names[i], events[i], bytes[i] = k.tenant, k.kind, k.name, totals[k].events, totals[k].bytes
	}
	batch.Queue(`
		WITH batch AS (
		    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS b(tenant_id, kind, name, events, bytes)
		), sources AS (
		    INSERT INTO ingest_sources AS s (tenant_id, kind, name, first_seen, last_seen, events_total, bytes_total)
		    SELECT tenant_id, kind, name, $6, $6, events, bytes FROM batch ORDER BY tenant_id, kind, name
		    ON CONFLICT (tenant_id, kind, name) DO UPDATE
		        SET last_seen = greatest(s.last_seen, EXCLUDED.last_seen),
		            events_total = s.events_total + EXCLUDED.events_total,
		            bytes_total = s.bytes_total + EXCLUDED.bytes_total
		)
		INSERT INTO ingest_source_minutes AS m (tenant_id, kind, name, minute, events, bytes)
		SELECT tenant_id, kind, name, $7, events, bytes FROM batch ORDER BY tenant_id, kind, name
		ON CONFLICT (tenant_id, minute, kind, name) DO UPDATE
		    SET events = m.events + EXCLUDED.events, bytes = m.bytes + EXCLUDED.bytes`,
		tenants, kinds, names, events, bytes, now, now.Truncate(time.Minute))
}

// reserveAndCopyBronze reserves IDs for the records and bulk-loads them
// into Bronze with copyBronze.
func reserveAndCopyBronze(ctx context.Context, tx pgx.Tx, records []scalefield.BronzeRecord) ([]int64, error) {
	rows, err := tx.Query(ctx, reserveBronzeIDs, len(records))
	if err != nil {
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	tenants, err := copyBronze(ctx, tx.Conn().PgConn(), records, ids)
	if err != nil {
		return nil, err
	}
	batch := &pgx.Batch{}
	queueRefine(batch, records, ids, tenants)
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return ids, nil
}

// copyBronze bulk-loads the records, with the reserved ids, into
// bronze_events with COPY, and returns their tenant IDs as parsed for
// queueRefine, which queues them for refinement. Text
// fields are made valid UTF-8 without NUL bytes, which PostgreSQL text
// cannot hold; the payload is stored exactly as received.
// bronzeColumns are the columns of a Bronze COPY, in bronzeRow's order.
var bronzeColumns = []string{"id", "tenant_id", "received_at", "kind", "source", "sourcetype",
	"host", "channel", "payload", "content_hash", "origin_kind", "origin"}

// bronzeRow writes r as one row of a Bronze COPY (bronzeColumns): its text
// fields made valid UTF-8 without NUL, the SHA-256 of its payload as its
// content hash.
func bronzeRow(c *binaryCopy, id int64, tenant [16]byte, r *scalefield.BronzeRecord) {
	sum := sha256.Sum256(r.Payload)
	c.row(len(bronzeColumns))
	c.int64(id)
	c.uuid(tenant)
	c.timestamptz(r.ReceivedAt)
	c.text(cleanText(r.Kind))
	c.text(cleanText(r.Source))
	c.text(cleanText(r.Sourcetype))
	c.text(cleanText(r.Host))
	c.text(cleanText(r.Channel))
	c.bytea(r.Payload)
	c.bytea(sum[:])
	c.text(cleanText(r.OriginKind))
	c.text(cleanText(r.Origin))
}

func copyBronze(ctx context.Context, conn *pgconn.PgConn, records []scalefield.BronzeRecord, ids []int64) ([][16]byte, error) {
	tenants := make([][16]byte, len(records))
	parsed := uuids{}
	size := 0
	for i := range records {
		r := &records[i]
		u, err := parsed.parse(r.TenantID)
		if err != nil {
			return nil, err
		}
		tenants[i] = u
		size += 160 + len(r.Payload) + len(r.Kind) + len(r.Source) + len(r.Sourcetype) + len(r.Host) + len(r.Channel) + len(r.OriginKind) + len(r.Origin)
	}
	bronze := newBinaryCopy(size)
	for i := range records {
		bronzeRow(bronze, ids[i], tenants[i], &records[i])
	}
	if _, err := bronze.send(ctx, conn, "bronze_events", bronzeColumns); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	return tenants, nil
}

// queueRefine queues the insert of the records' refine queue entries;
// tenants are the records' tenant IDs as copyBronze parsed them.
func queueRefine(batch *pgx.Batch, records []scalefield.BronzeRecord, ids []int64, tenants [][16]byte) {
	uuids, received := make([]pgtype.UUID, len(records)), make([]time.Time, len(records))
	for i := range records {
		uuids[i], received[i] = pgtype.UUID{Bytes: tenants[i], Valid: true}, records[i].ReceivedAt
	}
	batch.Queue(`INSERT INTO refine_queue (bronze_id, received_at, tenant_id)
		SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[])`, ids, received, uuids)
}

// cleanText returns s as valid UTF-8 without NUL bytes.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// IsTransientIngestError reports whether a CommitIngest error is worth
// retrying unchanged: a deadlock or serialization failure between
// concurrent commits, or a lost connection.
func IsTransientIngestError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40P01" || pgErr.Code == "40001" || strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01"
	}
	return pgconn.SafeToRetry(err) || errors.Is(err, pgx.ErrTxClosed)
}

// IsIngestDataError reports whether a CommitIngest error comes from the
// content of a request (refused by a constraint or as invalid) rather than
// from the database being unavailable: committing the batch's requests one
// by one then stores the good ones.
func IsIngestDataError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return !IsTransientIngestError(err) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23"))
	}
	return scalefield.ErrorCode(err) == scalefield.EINVALID
}
