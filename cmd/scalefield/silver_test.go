package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
	"github.com/scalefield/scalefield/store"
)

// corpus is a known mixed set of events: HEC JSON, CEF and syslog lines
// sent raw, and database audit records that reach Bronze through gather
// activity files and the engine's import stage.
type corpus struct {
	hecJSON  []string
	cef      []string
	syslog   []string
	activity []scalefield.DBActivity
}

func (c *corpus) distinct() int { return len(c.hecJSON) + len(c.cef) + len(c.syslog) + len(c.activity) }

func loadCorpus(t *testing.T) *corpus {
	t.Helper()
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	c := &corpus{}
	users := []string{"alice", "bob", "carol"}
	for i := 0; i < 30; i++ {
		c.hecJSON = append(c.hecJSON, fmt.Sprintf(
			`{"time": %d, "host": "web-%02d", "sourcetype": "_json", "event": {"message": "request %d denied", "severity": "%s", "src_ip": "198.51.100.%d", "dst_ip": "10.0.0.%d", "user": "%s"}}`,
			base.Add(time.Duration(i)*time.Minute).Unix(), i%4, i, []string{"low", "medium", "high"}[i%3], i%7+1, i%5+1, users[i%3]))
	}
	for _, file := range []string{"../../testdata/cef/vendor-samples.log", "../../testdata/syslog/rfc5424-examples.log"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("corpus: %v", err)
		}
		seen := map[string]bool{}
		for _, line := range strings.Split(string(raw), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") || seen[line] {
				continue
			}
			seen[line] = true
			if strings.Contains(file, "cef") {
				c.cef = append(c.cef, line)
			} else {
				c.syslog = append(c.syslog, line)
			}
		}
	}
	for i := 0; i < 12; i++ {
		c.activity = append(c.activity, scalefield.DBActivity{
			Time: base.Add(time.Duration(i) * time.Second), Engine: "postgresql", Host: "db-01", Database: "shop",
			User: users[i%3], ClientAddr: "192.0.2.10", ClientPort: 50000 + i, ActionClass: scalefield.DBActionRead,
			Action: "SELECT", Statement: fmt.Sprintf("SELECT * FROM orders WHERE id = %d", i), Object: "public.orders",
			ObjectType: "TABLE", Rows: int64(i), Status: "success", Source: "pg-shop", Position: fmt.Sprintf("0/16B%04X#0", i),
		})
	}
	return c
}

// sendCorpus sends the corpus to m; split sends each record in a request
// of its own, in reverse order, so no request repeats an earlier one byte
// for byte and HEC's retry detection lets every copy through to Silver.
// The database activity is in gather files already stored (see
// corpusNode); files announces them to m's gather listener.
func sendCorpus(t *testing.T, m *Main, secret string, c *corpus, split bool, files []map[string]any, node *corpusNode) {
	t.Helper()
	post := func(path, body string) {
		req, _ := http.NewRequest(http.MethodPost, m.Server.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Splunk "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer res.Body.Close()
		got, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Errorf("HEC %s: %d %s", path, res.StatusCode, got)
		}
	}
	batches := func(items []string, sep string) []string {
		if !split {
			return []string{strings.Join(items, sep)}
		}
		out := make([]string, len(items))
		for i, it := range items {
			out[len(items)-1-i] = it
		}
		return out
	}
	for _, b := range batches(c.hecJSON, "\n") {
		post("/services/collector/event", b)
	}
	for _, b := range batches(c.cef, "\n") {
		post("/services/collector/raw?sourcetype=cef&host=arcsight", b)
	}
	for _, b := range batches(c.syslog, "\n") {
		post("/services/collector/raw?sourcetype=syslog", b)
	}
	if err := node.announce(m, files); err != nil {
		t.Error(err)
	}
}

// corpusNode is a gather node enrolled with the engine, as an agent beside
// the corpus's database would be.
type corpusNode struct {
	agent *geAgent
	blobs *blobstore.Store
}

func enrollCorpusNode(t *testing.T, b *bundle) *corpusNode {
	t.Helper()
	var created struct {
		CreateGatherEnrollmentToken struct{ Token, CaCertificate string }
	}
	b.gql.MustPost(`mutation { createGatherEnrollmentToken(name: "db-01 shop") { token caCertificate } }`, &created, bearer(geAdminToken(t, b)))
	a := geNewAgent(t, b.main, created.CreateGatherEnrollmentToken.CaCertificate)
	if status, body := a.enroll(t, created.CreateGatherEnrollmentToken.Token); status != 200 {
		t.Fatalf("enroll: %d %v", status, body)
	}
	blobs, err := blobstore.Open(context.Background(), b.main.Config.GatherBlobURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	return &corpusNode{agent: a, blobs: blobs}
}

// put writes rows into an activity file, stores it with its manifest under
// the node's prefix, and returns the file's notice.
func (n *corpusNode) put(t *testing.T, name string, rows []scalefield.DBActivity) map[string]any {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := activityfile.NewWriter(f, activityfile.WriterConfig{Name: name, Source: rows[0].Source, Engine: rows[0].Engine, Host: rows[0].Host})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBatch(rows); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := n.blobs.PutActivityFile(context.Background(), n.agent.prefix, p, m); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"manifest_key": n.agent.prefix + activityfile.ManifestName(m.File), "manifest": m}
}

// announce sends a "file ready" notice of files to m's gather listener
// over mutual TLS, as the agent does. It may run outside the test's
// goroutine, so it returns its failure.
func (n *corpusNode) announce(m *Main, files []map[string]any) error {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: n.agent.roots, ServerName: "127.0.0.1", Certificates: []tls.Certificate{*n.agent.cert}}}
	defer tr.CloseIdleConnections()
	body, _ := json.Marshal(map[string]any{"files": files})
	res, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Post("https://"+m.Gather.Addr()+"/gather/v1/files", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("announce gather files: %w", err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("announce gather files: %d %s", res.StatusCode, got)
	}
	return nil
}

// waitImported waits until the engine has imported n gather files.
func waitImported(t *testing.T, m *Main, n int) {
	t.Helper()
	geWait(t, fmt.Sprintf("%d gather files imported", n), func() bool {
		var done int
		var quarantined []string
		if err := m.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status = 'done'),
			coalesce(array_agg(manifest_key || ': ' || coalesce(error, '')) FILTER (WHERE status = 'quarantined'), '{}')
			FROM gather_files`).Scan(&done, &quarantined); err != nil {
			t.Fatal(err)
		}
		if len(quarantined) > 0 {
			t.Fatalf("gather files quarantined: %v", quarantined)
		}
		return done == n
	})
}

// waitRefined waits until no Bronze record waits for refinement and Gold
// has folded every delta.
func waitRefined(t *testing.T, m *Main) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var n int
		if err := m.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM refine_queue)
			+ (SELECT count(*) FROM gold_deltas) + (SELECT count(*) FROM gold_user_deltas)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records still wait for refinement", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCorpusTwiceThroughTwoReplicas ingests a mixed corpus twice, through
// two engines sharing one database at the same time, and checks that Silver
// holds each distinct event once with its copies counted, and that Gold
// counts equal direct counts over Silver.
func TestCorpusTwiceThroughTwoReplicas(t *testing.T) {
	b := setupWith(t, func(c *Config) {
		c.GatherAddr = "127.0.0.1:0"
		c.GatherBlobURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(t.TempDir())}).String()
	})
	// Memberships made after start reach the policy at its next load.
	if err := b.main.Authorizer.Invalidate(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := setupReplica(t, b)
	c := loadCorpus(t)
	// The database activity, twice: in one gather file, and in a file per
	// record; each replica is told about one set and either imports it.
	node := enrollCorpusNode(t, b)
	whole := []map[string]any{node.put(t, "pg-shop_whole.parquet", c.activity)}
	var split []map[string]any
	for i := len(c.activity) - 1; i >= 0; i-- {
		split = append(split, node.put(t, fmt.Sprintf("pg-shop_%02d.parquet", i), c.activity[i:i+1]))
	}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); sendCorpus(t, b.main, b.a.Secret, c, false, whole, node) }()
	go func() { defer wg.Done(); sendCorpus(t, second, b.a.Secret, c, true, split, node) }()
	wg.Wait()
	waitImported(t, b.main, len(whole)+len(split))
	waitRefined(t, b.main)

	ctx := context.Background()
	pool := b.main.DB.Pool
	var bronze, silver, quarantined, copies int
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(pool.QueryRow(ctx, `SELECT count(*) FROM bronze_events WHERE tenant_id = $1`, b.a.Tenant.ID).Scan(&bronze))
	must(pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(dup_count), 0) FROM silver_security_events WHERE tenant_id = $1`, b.a.Tenant.ID).Scan(&silver, &copies))
	must(pool.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE tenant_id = $1`, b.a.Tenant.ID).Scan(&quarantined))
	t.Logf("corpus: %d distinct records (%d HEC JSON, %d CEF, %d syslog, %d database activity); Bronze %d, Silver %d (copies %d), quarantined %d",
		c.distinct(), len(c.hecJSON), len(c.cef), len(c.syslog), len(c.activity), bronze, silver, copies, quarantined)
	if bronze != 2*c.distinct() {
		t.Errorf("Bronze holds %d records, want %d (the corpus twice)", bronze, 2*c.distinct())
	}
	if silver+quarantined/2 != c.distinct() {
		t.Errorf("Silver holds %d events and %d records are quarantined; want %d distinct", silver, quarantined, c.distinct())
	}
	if copies != 2*silver {
		t.Errorf("Silver counts %d copies of %d events, want every event twice", copies, silver)
	}
	var once int
	must(pool.QueryRow(ctx, `SELECT count(*) FROM silver_security_events WHERE tenant_id = $1 AND dup_count <> 2`, b.a.Tenant.ID).Scan(&once))
	if once != 0 {
		t.Errorf("%d events do not count exactly two copies", once)
	}

	// Expected fields of known records.
	var sev, user, src string
	var class int
	must(pool.QueryRow(ctx, `SELECT severity, user_name, host(src_ip), class_uid FROM silver_security_events
		WHERE tenant_id = $1 AND message = 'request 4 denied'`, b.a.Tenant.ID).Scan(&sev, &user, &src, &class))
	if sev != "medium" || user != "bob" || src != "198.51.100.5" {
		t.Errorf("request 4: severity %q user %q src %q", sev, user, src)
	}
	var dbName, dbStmt string
	must(pool.QueryRow(ctx, `SELECT db_name, db_statement, class_uid FROM silver_security_events
		WHERE tenant_id = $1 AND sourcetype = 'db:postgresql' AND db_statement LIKE '%id = 7'`, b.a.Tenant.ID).Scan(&dbName, &dbStmt, &class))
	if dbName != "shop" || class != scalefield.ClassDatastoreActivity {
		t.Errorf("database activity: db %q class %d", dbName, class)
	}

	// Gold equals a direct count over Silver, for every period and dimension.
	for _, period := range []string{"hour", "day", "month"} {
		var goldTotal, goldDup int64
		must(pool.QueryRow(ctx, `SELECT coalesce(sum(count) FILTER (WHERE dimension = 'total'), 0),
			coalesce(sum(count) FILTER (WHERE dimension = 'duplicates'), 0)
			FROM gold_threat_metrics WHERE tenant_id = $1 AND period = $2`, b.a.Tenant.ID, period).Scan(&goldTotal, &goldDup))
		if goldTotal != int64(silver) || goldDup != int64(copies-silver) {
			t.Errorf("Gold %s: %d events and %d duplicates, Silver: %d and %d", period, goldTotal, goldDup, silver, copies-silver)
		}
		var mismatches int
		must(pool.QueryRow(ctx, `
			WITH s AS (
				SELECT date_trunc($2, time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, severity AS value, count(*) AS n
				FROM silver_security_events WHERE tenant_id = $1 GROUP BY 1, 2
			), g AS (
				SELECT bucket, value, count AS n FROM gold_threat_metrics
				WHERE tenant_id = $1 AND period = $2 AND dimension = 'severity'
			)
			SELECT count(*) FROM s FULL JOIN g USING (bucket, value) WHERE s.n IS DISTINCT FROM g.n`,
			b.a.Tenant.ID, period).Scan(&mismatches))
		if mismatches != 0 {
			t.Errorf("Gold %s by severity differs from Silver in %d buckets", period, mismatches)
		}
	}

	// The API reads the same numbers, and the other tenant sees none.
	var resp struct {
		Metrics struct{ Events, Duplicates int }
	}
	q := `query($f: Timestamp!, $t: Timestamp!) { metrics(from: $f, to: $t) { events duplicates } }`
	from, to := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().Add(24*time.Hour)
	b.gql.MustPost(q, &resp, bearer(b.a.Token), client.Var("f", from.UnixMilli()), client.Var("t", to.Format(time.RFC3339)))
	if resp.Metrics.Events != silver || resp.Metrics.Duplicates != copies-silver {
		t.Errorf("metrics: %+v, want %d events and %d duplicates", resp.Metrics, silver, copies-silver)
	}
	b.gql.MustPost(q, &resp, bearer(b.b.Token), client.Var("f", from.UnixMilli()), client.Var("t", to.Format(time.RFC3339)))
	if resp.Metrics.Events != 0 {
		t.Errorf("another tenant sees %d events", resp.Metrics.Events)
	}

	// Reprocessing everything rebuilds the same Silver and Gold.
	var rep struct{ Reprocess struct{ Queued, Removed int } }
	operatorToken := MustMember(t, b, b.a.Tenant, "operator@acme.example", scalefield.RoleOperator)
	b.gql.MustPost(`mutation($f: Timestamp!, $t: Timestamp!) { reprocess(from: $f, to: $t) { queued removed } }`, &rep,
		bearer(operatorToken), client.Var("f", "2000-01-01T00:00:00Z"), client.Var("t", to.UnixMilli()))
	if rep.Reprocess.Removed != silver || rep.Reprocess.Queued != bronze {
		t.Errorf("reprocess: %+v, want %d removed and %d queued", rep.Reprocess, silver, bronze)
	}
	waitRefined(t, b.main)
	var silver2, copies2 int
	var goldTotal int64
	must(pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(dup_count), 0) FROM silver_security_events WHERE tenant_id = $1`, b.a.Tenant.ID).Scan(&silver2, &copies2))
	must(pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0) FROM gold_threat_metrics WHERE tenant_id = $1 AND period = 'day' AND dimension = 'total'`, b.a.Tenant.ID).Scan(&goldTotal))
	if silver2 != silver || copies2 != copies || goldTotal != int64(silver) {
		t.Errorf("after reprocess: Silver %d (copies %d), Gold %d; before: %d (copies %d)", silver2, copies2, goldTotal, silver, copies)
	}
}

// setupReplica starts a second engine on b's database.
func setupReplica(t *testing.T, b *bundle) *Main {
	t.Helper()
	cfg := b.main.Config
	cfg.Addr = "127.0.0.1:0"
	m := NewMain(cfg, io.Discard, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run replica: %v", err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

// MustMember adds a member with role to tn and signs them in.
func MustMember(t *testing.T, b *bundle, tn *scalefield.Tenant, email string, role scalefield.Role) string {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	users := store.NewUserService(b.main.DB)
	u := &scalefield.User{Email: email, DisplayName: string(role)}
	if err := users.CreateUser(ctx, u, hash); err != nil {
		t.Fatal(err)
	}
	if err := users.AddMembership(ctx, scalefield.Membership{TenantID: tn.ID, UserID: u.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	if err := b.main.Authorizer.Invalidate(ctx); err != nil {
		t.Fatal(err)
	}
	return MustLogin(t, b.gql, email)
}
