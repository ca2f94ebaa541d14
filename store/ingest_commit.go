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

	// The rows every concurrent commit touches (a channel's ack counter, a
	// source's totals) are locked last, so commits wait for each other only
	// for the length of a commit, not of a COPY.
	tx, err := s.db.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("commit ingest: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := recordIngestRequests(ctx, tx, live, now); err != nil {
		return err
	}
	var records []scalefield.BronzeRecord
	var stored []*IngestRequest
	for _, r := range live {
		if !r.Duplicate {
			// Each record remembers the registry source it came in under.
			for i := range r.Records {
				r.Records[i].OriginKind, r.Records[i].Origin = r.Kind, r.Source
			}
			records = append(records, r.Records...)
			stored = append(stored, r)
		}
	}
	if len(records) > 0 {
		if _, err := copyBronze(ctx, tx, records); err != nil {
			return fmt.Errorf("commit ingest: %w", err)
		}
	}
	if err := assignAckIDs(ctx, tx, stored, now); err != nil {
		return err
	}
	if err := recordAcks(ctx, tx, stored, now); err != nil {
		return err
	}
	if len(records) > 0 {
		if err := upsertIngestSources(ctx, tx, stored, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, BronzeChannel); err != nil {
			return fmt.Errorf("commit ingest: notify: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit ingest: commit: %w", err)
	}
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

type channelKey struct{ tenant, channel string }

// assignAckIDs hands each request on a channel the channel's next ack id,
// locking the channels in one order so concurrent commits cannot deadlock.
func assignAckIDs(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest, now time.Time) error {
	counts := map[channelKey]int64{}
	for _, r := range reqs {
		if r.AckChannel != "" {
			counts[channelKey{r.TenantID, r.AckChannel}]++
		}
	}
	if len(counts) == 0 {
		return nil
	}
	keys := slices.SortedFunc(func(yield func(channelKey) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
	}, func(a, b channelKey) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.channel, b.channel))
	})
	tenants, channels, ns := make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		tenants[i], channels[i], ns[i] = k.tenant, k.channel, counts[k]
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO ingest_channels AS c (tenant_id, channel, next_ack_id, last_used_at)
		SELECT t, ch, n, $4 FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS u(t, ch, n) ORDER BY t, ch
		ON CONFLICT (tenant_id, channel) DO UPDATE
		    SET next_ack_id = c.next_ack_id + EXCLUDED.next_ack_id, last_used_at = EXCLUDED.last_used_at
		RETURNING tenant_id::text, channel, next_ack_id`, tenants, channels, ns, now)
	if err != nil {
		return fmt.Errorf("commit ingest: assign ack ids: %w", err)
	}
	next := map[channelKey]int64{}
	var k channelKey
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&k.tenant, &k.channel, &n}, func() error {
		next[k] = n - counts[k]
		return nil
	}); err != nil {
		return fmt.Errorf("commit ingest: assign ack ids: %w", err)
	}
	for _, r := range reqs {
		if r.AckChannel != "" {
			k := channelKey{r.TenantID, r.AckChannel}
			r.AckID = next[k]
			next[k]++
		}
	}
	return nil
}

// recordIngestRequests writes the ingest_requests row of every request
// with a dedup key (its ack id comes later, in recordAcks), and marks as
// Duplicate those whose key was committed before inside their window
// (taking the original's ack id).
func recordIngestRequests(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest, now time.Time) error {
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
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt == 5 {
			return fmt.Errorf("commit ingest: dedup keys of %d requests keep conflicting", len(todo))
		}
		conflicts, err := insertIngestRequests(ctx, tx, todo, now)
		if err != nil {
			return err
		}
		if err := resolveDuplicates(ctx, tx, conflicts); err != nil {
			return err
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
	return nil
}

// insertIngestRequests inserts the rows and returns the requests whose key
// was already taken.
func insertIngestRequests(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest, now time.Time) ([]*IngestRequest, error) {
	n := len(reqs)
	tenants, channels, keys := make([]string, n), make([]string, n), make([][]byte, n)
	events, created := make([]int32, n), make([]time.Time, n)
	for i, r := range reqs {
		tenants[i], channels[i], keys[i], events[i], created[i] = r.TenantID, r.AckChannel, r.DedupKey, int32(len(r.Records)), now
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO ingest_requests (tenant_id, channel, dedup_key, events, created_at)
		SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::int[], $5::timestamptz[])
		ON CONFLICT (tenant_id, dedup_key) DO NOTHING
		RETURNING id, tenant_id::text, dedup_key`, tenants, channels, keys, events, created)
	if err != nil {
		return nil, fmt.Errorf("commit ingest: record requests: %w", err)
	}
	inserted := map[string]int64{}
	var id int64
	var tenant string
	var key []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &tenant, &key}, func() error {
		inserted[tenant+string(key)] = id
		return nil
	}); err != nil {
		return nil, fmt.Errorf("commit ingest: record requests: %w", err)
	}
	var conflicts []*IngestRequest
	for _, r := range reqs {
		if id, ok := inserted[r.TenantID+string(r.DedupKey)]; ok {
			r.rowID = id
		} else {
			conflicts = append(conflicts, r)
		}
	}
	return conflicts, nil
}

// recordAcks stores the ack id of every request on a channel: on its
// ingest_requests row when it has one, in a new row otherwise.
func recordAcks(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest, now time.Time) error {
	var rowIDs, rowAcks []int64
	var tenants, channels []string
	var acks []int64
	var events []int32
	for _, r := range reqs {
		switch {
		case r.AckChannel == "":
		case r.rowID != 0:
			rowIDs, rowAcks = append(rowIDs, r.rowID), append(rowAcks, r.AckID)
		default:
			tenants, channels, acks, events = append(tenants, r.TenantID), append(channels, r.AckChannel), append(acks, r.AckID), append(events, int32(len(r.Records)))
		}
	}
	if len(rowIDs)+len(acks) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		WITH keyed AS (
		    UPDATE ingest_requests r SET ack_id = u.ack_id
		    FROM unnest($1::bigint[], $2::bigint[]) AS u(id, ack_id) WHERE r.id = u.id
		)
		INSERT INTO ingest_requests (tenant_id, channel, ack_id, events, created_at)
		SELECT t, ch, a, e, $7 FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::int[]) AS u(t, ch, a, e)`,
		rowIDs, rowAcks, tenants, channels, acks, events, now)
	if err != nil {
		return fmt.Errorf("commit ingest: record acks: %w", err)
	}
	return nil
}

// resolveDuplicates reads the committed rows holding the requests' keys.
// A row inside the request's window makes it a duplicate with that row's
// ack id; an older one is retired (its key cleared).
func resolveDuplicates(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest) error {
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

// upsertIngestSources adds the batch's committed events and bytes to the
// source registry and to the source's current minute, one row per source,
// in one order so concurrent commits cannot deadlock.
func upsertIngestSources(ctx context.Context, tx pgx.Tx, reqs []*IngestRequest, now time.Time) error {
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
	_, err := tx.Exec(ctx, `
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
	if err != nil {
		return fmt.Errorf("commit ingest: update source registry: %w", err)
	}
	return nil
}

// copyBronze reserves IDs for the records and bulk-loads them into
// bronze_events and refine_queue with COPY. Text fields are made valid
// UTF-8 without NUL bytes, which PostgreSQL text cannot hold; the payload is
// stored exactly as received.
func copyBronze(ctx context.Context, tx pgx.Tx, records []scalefield.BronzeRecord) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT nextval('bronze_events_id_seq') FROM generate_series(1, $1)`, len(records))
	if err != nil {
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	// Tenant IDs as binary UUIDs: a string for a uuid column costs pgx a
	// failed encoding plan per value, the biggest cost of the copy.
	tenants := make([]pgtype.UUID, len(records))
	parsed := map[string]pgtype.UUID{}
	for i := range records {
		u, ok := parsed[records[i].TenantID]
		if !ok {
			if err := u.Scan(records[i].TenantID); err != nil {
				return nil, scalefield.Errorf(scalefield.EINVALID, "tenant ID %q is not a UUID", records[i].TenantID)
			}
			parsed[records[i].TenantID] = u
		}
		tenants[i] = u
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"bronze_events"},
		[]string{"id", "tenant_id", "received_at", "kind", "source", "sourcetype", "host", "channel", "payload", "content_hash",
			"origin_kind", "origin"},
		pgx.CopyFromSlice(len(records), func(i int) ([]any, error) {
			r := &records[i]
			sum := sha256.Sum256(r.Payload)
			return []any{ids[i], tenants[i], r.ReceivedAt, cleanText(r.Kind), cleanText(r.Source), cleanText(r.Sourcetype),
				cleanText(r.Host), cleanText(r.Channel), r.Payload, sum[:], cleanText(r.OriginKind), cleanText(r.Origin)}, nil
		}))
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"refine_queue"},
		[]string{"bronze_id", "received_at", "tenant_id"},
		pgx.CopyFromSlice(len(records), func(i int) ([]any, error) {
			return []any{ids[i], records[i].ReceivedAt, tenants[i]}, nil
		}))
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return ids, nil
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
