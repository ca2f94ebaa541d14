package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	scalefield "github.com/scalefield/scalefield"
)

// dedupKey identifies one distinct event of a tenant: the key the refine
// stage computed and the day of the event's time.
type dedupKey struct {
	tenantID string
	key      string
	window   time.Time
}

func keyOf(e *scalefield.SecurityEvent) dedupKey {
	return dedupKey{e.TenantID, e.DedupKey, e.Time.UTC().Truncate(24 * time.Hour)}
}

// dupLink is a Bronze record folded into an existing Silver event.
type dupLink struct {
	e                   *scalefield.SecurityEvent
	targetTime          time.Time
	targetID            int64
	targetInThisBatchOf *scalefield.SecurityEvent
	// counted is true when the copy is already in the target's dup_count
	// (the target was copied in by the same batch).
	counted bool
}

// silverWrite accumulates what one refine transaction wrote.
type silverWrite struct {
	winners  []*scalefield.SecurityEvent
	dups     []dupLink
	rejected []quarantineRow
	// lastSeen is the latest receipt of a copy of each winner, by ID.
	lastSeen map[int64]time.Time
}

func (w *silverWrite) tenants() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range w.winners {
		if !seen[e.TenantID] {
			seen[e.TenantID] = true
			out = append(out, e.TenantID)
		}
	}
	for _, d := range w.dups {
		if !seen[d.e.TenantID] {
			seen[d.e.TenantID] = true
			out = append(out, d.e.TenantID)
		}
	}
	return out
}

// writeSilverIsolating writes the events with their dedup keys in one
// savepoint; when PostgreSQL refuses a value (a data or constraint error),
// it writes them one by one under savepoints instead, so the event it
// refuses is quarantined with the reason and the rest of the batch is kept.
func writeSilverIsolating(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) (*silverWrite, error) {
	w := &silverWrite{lastSeen: map[int64]time.Time{}}
	err := w.writeSavepoint(ctx, tx, events)
	if err == nil || !isDataError(err) {
		return w, err
	}
	*w = silverWrite{lastSeen: map[int64]time.Time{}}
	for _, e := range events {
		err := w.writeSavepoint(ctx, tx, []*scalefield.SecurityEvent{e})
		switch {
		case err == nil:
		case isDataError(err):
			var pgErr *pgconn.PgError
			errors.As(err, &pgErr)
			w.rejected = append(w.rejected, quarantineRow{e.TenantID, e.BronzeID, e.ReceivedAt, "storing the Silver event: " + pgErr.Message})
		default:
			return nil, err
		}
	}
	return w, nil
}

func (w *silverWrite) writeSavepoint(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("refine: savepoint: %w", err)
	}
	nw, nd := len(w.winners), len(w.dups)
	if err := w.write(ctx, sp, events); err != nil {
		_ = sp.Rollback(ctx)
		w.winners, w.dups = w.winners[:nw], w.dups[:nd]
		return err
	}
	return sp.Commit(ctx)
}

// write deduplicates the events against each other and against the keys
// already stored, reserves IDs for the distinct ones, stores their keys and
// copies them into Silver.
func (w *silverWrite) write(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) error {
	if len(events) == 0 {
		return nil
	}
	// Copies within the batch fold into the first.
	first := make(map[dedupKey]*scalefield.SecurityEvent, len(events))
	var candidates []*scalefield.SecurityEvent
	var inBatch []dupLink
	for _, e := range events {
		k := keyOf(e)
		if f, ok := first[k]; ok {
			inBatch = append(inBatch, dupLink{e: e, targetInThisBatchOf: f})
			continue
		}
		first[k] = e
		candidates = append(candidates, e)
	}

	ids, err := reserveSilverIDs(ctx, tx, len(candidates))
	if err != nil {
		return err
	}
	n := len(candidates)
	tenants, keys, windows, times := make([]string, n), make([][]byte, n), make([]time.Time, n), make([]time.Time, n)
	for i, e := range candidates {
		e.ID = ids[i]
		k := keyOf(e)
		tenants[i], keys[i], windows[i], times[i] = k.tenantID, []byte(k.key), k.window, e.Time
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO silver_dedup (tenant_id, dedup_key, window_start, event_time, event_id)
		SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[], $4::timestamptz[], $5::bigint[])
		ON CONFLICT DO NOTHING
		RETURNING event_id`, tenants, keys, windows, times, ids)
	if err != nil {
		return fmt.Errorf("refine: dedup keys: %w", err)
	}
	inserted, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("refine: dedup keys: %w", err)
	}
	isNew := make(map[int64]bool, len(inserted))
	for _, id := range inserted {
		isNew[id] = true
	}
	var winners, losers []*scalefield.SecurityEvent
	for _, e := range candidates {
		if isNew[e.ID] {
			winners = append(winners, e)
		} else {
			losers = append(losers, e)
		}
	}
	// Copies of events stored earlier: find what they copy.
	target := map[dedupKey][2]any{}
	if len(losers) > 0 {
		n := len(losers)
		lt, lk, lw := make([]string, n), make([][]byte, n), make([]time.Time, n)
		for i, e := range losers {
			k := keyOf(e)
			lt[i], lk[i], lw[i] = k.tenantID, []byte(k.key), k.window
		}
		rows, err := tx.Query(ctx, `
			SELECT d.tenant_id, d.dedup_key, d.window_start, d.event_time, d.event_id
			FROM silver_dedup d
			JOIN unnest($1::uuid[], $2::bytea[], $3::timestamptz[]) AS k(tenant_id, dedup_key, window_start)
			  ON d.tenant_id = k.tenant_id AND d.dedup_key = k.dedup_key AND d.window_start = k.window_start`, lt, lk, lw)
		if err != nil {
			return fmt.Errorf("refine: find duplicates: %w", err)
		}
		var tenant string
		var key []byte
		var window, t time.Time
		var id int64
		_, err = pgx.ForEachRow(rows, []any{&tenant, &key, &window, &t, &id}, func() error {
			target[dedupKey{tenant, string(key), window.UTC()}] = [2]any{t, id}
			return nil
		})
		if err != nil {
			return fmt.Errorf("refine: find duplicates: %w", err)
		}
	}
	linkTo := func(e *scalefield.SecurityEvent) (dupLink, error) {
		tg, ok := target[keyOf(e)]
		if !ok {
			return dupLink{}, fmt.Errorf("refine: dedup key of bronze record %d vanished", e.BronzeID)
		}
		return dupLink{e: e, targetTime: tg[0].(time.Time), targetID: tg[1].(int64)}, nil
	}
	for _, e := range losers {
		d, err := linkTo(e)
		if err != nil {
			return err
		}
		w.dups = append(w.dups, d)
	}
	for _, d := range inBatch {
		f := d.targetInThisBatchOf
		if isNew[f.ID] {
			f.DupCount++
			if d.e.ReceivedAt.After(w.lastSeen[f.ID]) {
				w.lastSeen[f.ID] = d.e.ReceivedAt
			}
			w.dups = append(w.dups, dupLink{e: d.e, targetTime: f.Time, targetID: f.ID, counted: true})
			continue
		}
		link, err := linkTo(f)
		if err != nil {
			return err
		}
		link.e = d.e
		w.dups = append(w.dups, link)
	}
	if err := copySilver(ctx, tx, winners, w.lastSeen); err != nil {
		return err
	}
	w.winners = append(w.winners, winners...)
	return nil
}

func reserveSilverIDs(ctx context.Context, tx pgx.Tx, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	// The sequence is named, not looked up: pg_get_serial_sequence is
	// evaluated for every row and cost eight times the nextval itself.
	rows, err := tx.Query(ctx, `SELECT nextval('silver_security_events_id_seq') FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, fmt.Errorf("refine: reserve ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("refine: reserve ids: %w", err)
	}
	return ids, nil
}

var silverColumns = []string{"id", "tenant_id", "bronze_id", "time", "received_at", "host", "source", "sourcetype",
	"severity", "message", "user_name", "src_ip", "dst_ip", "action", "class_uid", "activity_id", "activity_name",
	"status", "src_port", "dst_port", "src_hostname", "dst_hostname", "device", "vendor_event_id", "db_name",
	"db_statement", "db_object", "db_rows", "finding_uid", "finding_title", "src_country", "dst_country",
	"enrichment", "threat_matched", "risk_score", "quality", "quality_flags", "warnings", "dedup_key", "dup_count",
	"last_seen_at"}

// enrichmentDoc is the JSON kept in silver_security_events.enrichment.
type enrichmentDoc struct {
	SrcGeo  *scalefield.Geo          `json:"src_geo,omitempty"`
	DstGeo  *scalefield.Geo          `json:"dst_geo,omitempty"`
	Threats []scalefield.ThreatMatch `json:"threats,omitempty"`
	User    *scalefield.UserContext  `json:"user,omitempty"`
}

func enrichmentOf(e *scalefield.SecurityEvent) ([]byte, error) {
	if e.SrcGeo == nil && e.DstGeo == nil && len(e.ThreatMatch) == 0 && e.UserContext == nil {
		return nil, nil
	}
	return json.Marshal(enrichmentDoc{e.SrcGeo, e.DstGeo, e.ThreatMatch, e.UserContext})
}

func geoCountry(g *scalefield.Geo) string {
	if g == nil {
		return ""
	}
	return g.Country
}

func nullInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func copySilver(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent, lastSeen map[int64]time.Time) error {
	if len(events) == 0 {
		return nil
	}
	c := newBinaryCopy(len(events) * 512)
	tenants := uuids{}
	for _, e := range events {
		tenant, err := tenants.parse(e.TenantID)
		if err != nil {
			return err
		}
		enr, err := enrichmentOf(e)
		if err != nil {
			return fmt.Errorf("refine: encode enrichment: %w", err)
		}
		c.row(len(silverColumns))
		c.int64(e.ID)
		c.uuid(tenant)
		c.int64(e.BronzeID)
		c.timestamptz(e.Time)
		c.timestamptz(e.ReceivedAt)
		c.text(e.Host)
		c.text(e.Source)
		c.text(e.Sourcetype)
		c.text(string(e.Severity))
		c.text(e.Message)
		c.text(e.User)
		c.inet(addrOf(e.SrcIP))
		c.inet(addrOf(e.DstIP))
		c.text(e.Action)
		c.int32(int32(e.ClassUID))
		c.int32(int32(e.ActivityID))
		c.text(e.ActivityName)
		c.text(e.Status)
		optionalInt32(c, e.SrcPort)
		optionalInt32(c, e.DstPort)
		c.text(e.SrcHostname)
		c.text(e.DstHostname)
		c.text(e.Device)
		c.text(e.VendorEventID)
		c.text(e.DBName)
		c.text(e.DBStatement)
		c.text(e.DBObject)
		if e.DBRows != 0 || e.ClassUID == scalefield.ClassDatastoreActivity {
			c.int64(e.DBRows)
		} else {
			c.null()
		}
		c.text(e.FindingUID)
		c.text(e.FindingTitle)
		c.text(geoCountry(e.SrcGeo))
		c.text(geoCountry(e.DstGeo))
		c.jsonb(enr)
		c.bool(len(e.ThreatMatch) > 0)
		c.float32(float32(e.RiskScore))
		c.float32(float32(e.Quality))
		c.textArray(e.QualityFlags)
		c.textArray(e.Warnings)
		c.bytea([]byte(e.DedupKey))
		c.int32(int32(max(e.DupCount, 1)))
		if t, ok := lastSeen[e.ID]; ok {
			c.timestamptz(t)
		} else {
			c.null()
		}
	}
	if _, err := c.send(ctx, tx.Conn().PgConn(), "silver_security_events", silverColumns); err != nil {
		return fmt.Errorf("refine: copy silver: %w", err)
	}
	return nil
}

// addrOf parses an address the refine stage validated; the zero Addr
// (stored as NULL) for none.
func addrOf(s string) netip.Addr {
	if a := parseAddr(s); a != nil {
		return a.WithZone("")
	}
	return netip.Addr{}
}

// optionalInt32 writes v, or NULL for 0 (a port that was not given).
func optionalInt32(c *binaryCopy, v int) {
	if v == 0 {
		c.null()
		return
	}
	c.int32(int32(v))
}

// finish records the duplicates, the alerts and user activities of the new
// events, and adds the batch to Gold.
func (w *silverWrite) finish(ctx context.Context, tx pgx.Tx) error {
	if err := w.recordDuplicates(ctx, tx); err != nil {
		return err
	}
	if err := insertAlerts(ctx, tx, w.winners); err != nil {
		return err
	}
	if err := insertUserActivities(ctx, tx, w.winners); err != nil {
		return err
	}
	deltas := goldDeltas{}
	for _, e := range w.winners {
		deltas.addEvent(factsOf(e), 1)
	}
	for _, d := range w.dups {
		deltas.addDuplicate(d.e.TenantID, d.targetTime, 1)
	}
	if err := deltas.enqueue(ctx, tx); err != nil {
		return err
	}
	users := userDeltas{}
	for _, e := range w.winners {
		users.addEvent(e)
	}
	return users.enqueue(ctx, tx)
}

func (w *silverWrite) recordDuplicates(ctx context.Context, tx pgx.Tx) error {
	if len(w.dups) == 0 {
		return nil
	}
	type target struct {
		t  time.Time
		id int64
	}
	counts := map[target]int{}
	last := map[target]time.Time{}
	n := len(w.dups)
	bronzeIDs, received, tenants, times, ids := make([]int64, n), make([]time.Time, n), make([]string, n), make([]time.Time, n), make([]int64, n)
	for i, d := range w.dups {
		bronzeIDs[i], received[i], tenants[i], times[i], ids[i] = d.e.BronzeID, d.e.ReceivedAt, d.e.TenantID, d.targetTime, d.targetID
		if d.counted {
			continue
		}
		k := target{d.targetTime, d.targetID}
		counts[k]++
		if d.e.ReceivedAt.After(last[k]) {
			last[k] = d.e.ReceivedAt
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO silver_duplicates (bronze_id, received_at, tenant_id, event_time, event_id)
		SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::timestamptz[], $5::bigint[])
		ON CONFLICT (bronze_id) DO NOTHING`, bronzeIDs, received, tenants, times, ids); err != nil {
		return fmt.Errorf("refine: record duplicates: %w", err)
	}
	if len(counts) == 0 {
		return nil
	}
	keys := make([]target, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	// A stable order keeps concurrent batches from deadlocking on rows.
	slices.SortFunc(keys, func(a, b target) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	ts, tids, ns, lasts := make([]time.Time, len(keys)), make([]int64, len(keys)), make([]int32, len(keys)), make([]time.Time, len(keys))
	for i, k := range keys {
		ts[i], tids[i], ns[i], lasts[i] = k.t, k.id, int32(counts[k]), last[k]
	}
	if _, err := tx.Exec(ctx, `
		UPDATE silver_security_events s
		SET dup_count = s.dup_count + d.n,
		    last_seen_at = greatest(coalesce(s.last_seen_at, s.received_at), d.last)
		FROM unnest($1::timestamptz[], $2::bigint[], $3::int[], $4::timestamptz[]) AS d(time, id, n, last)
		WHERE s.time = d.time AND s.id = d.id`, ts, tids, ns, lasts); err != nil {
		return fmt.Errorf("refine: count duplicates: %w", err)
	}
	return nil
}

func insertAlerts(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) error {
	var tenants, uids, titles, sevs, devices, users []string
	var ids []int64
	var times []time.Time
	var srcs []*netip.Addr
	var risks []float32
	for _, e := range events {
		if e.ClassUID != scalefield.ClassDetectionFinding {
			continue
		}
		title := e.FindingTitle
		if title == "" {
			title = e.Message
		}
		tenants, ids, times = append(tenants, e.TenantID), append(ids, e.ID), append(times, e.Time)
		uids, titles, sevs = append(uids, e.FindingUID), append(titles, title), append(sevs, string(e.Severity))
		devices, srcs, users, risks = append(devices, e.Device), append(srcs, parseAddr(e.SrcIP)), append(users, e.User), append(risks, float32(e.RiskScore))
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO silver_alerts (tenant_id, event_id, time, finding_uid, title, severity, device, src_ip, user_name, risk_score)
		SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
		                     $7::text[], $8::inet[], $9::text[], $10::real[])`,
		tenants, ids, times, uids, titles, sevs, devices, srcs, users, risks)
	if err != nil {
		return fmt.Errorf("refine: alerts: %w", err)
	}
	return nil
}

// userActivityClasses are the classes whose events describe what a user did.
var userActivityClasses = map[int]bool{
	scalefield.ClassAuthentication: true, scalefield.ClassAccountChange: true,
	scalefield.ClassDatastoreActivity: true, scalefield.ClassProcessActivity: true,
}

func insertUserActivities(ctx context.Context, tx pgx.Tx, events []*scalefield.SecurityEvent) error {
	var tenants, users, activities, statuses, countries []string
	var ids []int64
	var classes []int32
	var times []time.Time
	var srcs []*netip.Addr
	for _, e := range events {
		if e.User == "" || !userActivityClasses[e.ClassUID] {
			continue
		}
		tenants, ids, times, users = append(tenants, e.TenantID), append(ids, e.ID), append(times, e.Time), append(users, e.User)
		classes, activities, statuses = append(classes, int32(e.ClassUID)), append(activities, e.ActivityName), append(statuses, e.Status)
		srcs, countries = append(srcs, parseAddr(e.SrcIP)), append(countries, geoCountry(e.SrcGeo))
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO silver_user_activities (tenant_id, event_id, time, user_name, class_uid, activity, status, src_ip, src_country)
		SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::int[], $6::text[],
		                     $7::text[], $8::inet[], $9::text[])`,
		tenants, ids, times, users, classes, activities, statuses, srcs, countries)
	if err != nil {
		return fmt.Errorf("refine: user activities: %w", err)
	}
	return nil
}
