package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/pipeline/enrich"
	"github.com/scalefield/scalefield/store"
)

// The store is the refine stage's enrichment loader.
var _ enrich.Loader = (*store.IntelService)(nil)

type intelBundle struct {
	*bundle
	intel      *store.IntelService
	audit      *store.AuditService
	now        time.Time
	ctxA, ctxB context.Context
}

func intelSetup(t *testing.T) *intelBundle {
	t.Helper()
	b := &intelBundle{bundle: setup(t), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	b.db.Now = func() time.Time { return b.now }
	b.intel, b.audit = store.NewIntelService(b.db), store.NewAuditService(b.db)
	b.ctxA, b.ctxB = sessionCtx(b.tenantA.ID), sessionCtx(b.tenantB.ID)
	return b
}

func MustImportIndicators(t *testing.T, b *intelBundle, ctx context.Context, inds ...scalefield.Indicator) *scalefield.IndicatorImportResult {
	t.Helper()
	res, err := b.intel.ImportIndicators(ctx, inds, nil)
	if err != nil {
		t.Fatalf("import indicators: %v", err)
	}
	return res
}

func MustVersion(t *testing.T, b *intelBundle, tenantID string) int64 {
	t.Helper()
	v, err := b.intel.EnrichmentVersions(context.Background(), []string{tenantID})
	if err != nil {
		t.Fatalf("enrichment versions: %v", err)
	}
	return v[tenantID]
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func indicatorValues(inds []*scalefield.Indicator) []string {
	var out []string
	for _, in := range inds {
		out = append(out, in.Value)
	}
	return out
}

func TestIntelImportIndicators(t *testing.T) {
	t.Parallel()
	b := intelSetup(t)
	until := b.now.Add(24 * time.Hour)
	from := b.now.Add(-time.Hour)
	feed := []scalefield.Indicator{
		{Type: scalefield.IndicatorIPv4, Value: "198.51.100.7", Source: "cert", Confidence: 80, Labels: []string{"c2"}, Name: "C2", ValidFrom: from, ValidUntil: &until},
		{Type: scalefield.IndicatorDomain, Value: "Evil.Example.", Source: "cert", Confidence: 70},
		{Type: scalefield.IndicatorDomain, Value: "evil.example", Source: "other", Confidence: 20},
		{Type: scalefield.IndicatorFileHash, Value: "44D88612FEA8A8F36DE82E1278ABB02F", Source: "cert", Confidence: 95},
	}
	audit := scalefield.NewAuditEntry(b.ctxA, scalefield.AuditIndicatorsImported, "192.0.2.1")
	res, err := b.intel.ImportIndicators(b.ctxA, feed, audit)
	if err != nil {
		t.Fatal(err)
	}
	if *res != (scalefield.IndicatorImportResult{Inserted: 4}) {
		t.Errorf("first import = %+v", *res)
	}
	if audit.ID == 0 || audit.Details["inserted"] != 4 {
		t.Errorf("audit entry = %+v", audit)
	}
	if feed[1].Value != "Evil.Example." {
		t.Error("import changed the caller's indicators")
	}
	if v := MustVersion(t, b, b.tenantA.ID); v != 1 {
		t.Errorf("version after import = %d", v)
	}

	// Same feed again: nothing changes, the version stays.
	if res := MustImportIndicators(t, b, b.ctxA, feed...); *res != (scalefield.IndicatorImportResult{Skipped: 4}) {
		t.Errorf("same import = %+v", *res)
	}
	if v := MustVersion(t, b, b.tenantA.ID); v != 1 {
		t.Errorf("version after a no-op import = %d", v)
	}

	// A changed confidence updates; a repeat within the import counts once,
	// the last wins.
	b.now = b.now.Add(time.Minute)
	changed := feed[3]
	changed.Confidence = 99
	repeat := feed[1]
	repeat.Confidence = 71
	res = MustImportIndicators(t, b, b.ctxA, changed, feed[1], repeat,
		scalefield.Indicator{Type: scalefield.IndicatorURL, Value: "https://x.example/a", Source: "cert", Confidence: 50})
	if *res != (scalefield.IndicatorImportResult{Inserted: 1, Updated: 2, Skipped: 1}) {
		t.Errorf("update import = %+v", *res)
	}
	if v := MustVersion(t, b, b.tenantA.ID); v != 2 {
		t.Errorf("version after an update = %d", v)
	}

	// Invalid input fails the whole import and names the position.
	_, err = b.intel.ImportIndicators(b.ctxA, []scalefield.Indicator{feed[0], {Type: scalefield.IndicatorIPv4, Value: "nope", Source: "cert"}}, nil)
	if scalefield.ErrorCode(err) != scalefield.EINVALID || scalefield.ErrorMessage(err) != `indicator 2: "nope" is not an IP address or CIDR range` {
		t.Errorf("invalid import: %v", err)
	}
	if _, err := b.intel.ImportIndicators(context.Background(), feed, nil); scalefield.ErrorCode(err) != scalefield.EUNAUTHORIZED {
		t.Errorf("without a session: %v", err)
	}

	page, err := b.intel.ListIndicators(b.ctxA, scalefield.IndicatorFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 5 || len(page.Indicators) != 5 {
		t.Fatalf("list = %d of %d", len(page.Indicators), page.TotalCount)
	}
	var c2 *scalefield.Indicator
	for _, in := range page.Indicators {
		if in.Value == "198.51.100.7" {
			c2 = in
		}
	}
	if c2 == nil || c2.TenantID != b.tenantA.ID || c2.Confidence != 80 || !slices.Equal(c2.Labels, []string{"c2"}) || c2.Name != "C2" ||
		!c2.ValidFrom.Equal(from) || c2.ValidUntil == nil || !c2.ValidUntil.Equal(until) || c2.CreatedAt.IsZero() {
		t.Errorf("stored indicator = %+v", c2)
	}

	// Row-level security: tenant B sees, loads and deletes nothing of A's.
	if page, err := b.intel.ListIndicators(b.ctxB, scalefield.IndicatorFilter{}); err != nil || page.TotalCount != 0 {
		t.Errorf("tenant B lists %+v, %v", page, err)
	}
	if err := b.intel.DeleteIndicator(b.ctxB, c2.ID, nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B deletes: %v", err)
	}
	if n, err := b.intel.DeleteIndicatorSource(b.ctxB, "cert", nil); err != nil || n != 0 {
		t.Errorf("tenant B deletes the feed: %d, %v", n, err)
	}
	if v := MustVersion(t, b, b.tenantB.ID); v != 0 {
		t.Errorf("tenant B's version = %d", v)
	}
	var leaked int
	tx, err := b.db.App.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), `SELECT set_config('scalefield.tenant_id', $1, true)`, b.tenantB.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM threat_indicators) + (SELECT count(*) FROM enrichment_versions)`).Scan(&leaked); err != nil || leaked != 0 {
		t.Errorf("tenant B's application role sees %d rows of A (%v)", leaked, err)
	}
}

func TestIntelListIndicators(t *testing.T) {
	t.Parallel()
	b := intelSetup(t)
	expired := b.now.Add(-time.Minute)
	var inds []scalefield.Indicator
	for i := range 7 {
		inds = append(inds, scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2." + string(rune('1'+i)), Source: "a", Confidence: 50})
	}
	inds = append(inds,
		scalefield.Indicator{Type: scalefield.IndicatorDomain, Value: "phish.example", Source: "b", Confidence: 50, Name: "Phishing kit"},
		scalefield.Indicator{Type: scalefield.IndicatorDomain, Value: "old.example", Source: "b", Confidence: 50, ValidUntil: &expired})
	MustImportIndicators(t, b, b.ctxA, inds...)

	typ, src, search := scalefield.IndicatorDomain, "a", "KIT"
	for _, tc := range []struct {
		name   string
		filter scalefield.IndicatorFilter
		want   int
	}{
		{"unexpired", scalefield.IndicatorFilter{}, 8},
		{"with expired", scalefield.IndicatorFilter{IncludeExpired: true}, 9},
		{"by type", scalefield.IndicatorFilter{Type: &typ, IncludeExpired: true}, 2},
		{"by source", scalefield.IndicatorFilter{Source: &src}, 7},
		{"search in the name", scalefield.IndicatorFilter{Search: &search}, 1},
	} {
		page, err := b.intel.ListIndicators(b.ctxA, tc.filter)
		if err != nil || page.TotalCount != tc.want || len(page.Indicators) != tc.want {
			t.Errorf("%s: %d of %d, %v; want %d", tc.name, len(page.Indicators), page.TotalCount, err, tc.want)
		}
	}

	// Pages of 3, newest first, through every indicator.
	var seen []*scalefield.Indicator
	f := scalefield.IndicatorFilter{First: 3, IncludeExpired: true}
	for {
		page, err := b.intel.ListIndicators(b.ctxA, f)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, page.Indicators...)
		if !page.HasNextPage {
			break
		}
		f.After = &page.Cursors[len(page.Cursors)-1]
	}
	values := indicatorValues(seen)
	slices.Sort(values)
	if len(slices.Compact(values)) != 9 {
		t.Errorf("paged = %q", indicatorValues(seen))
	}
	for i := 1; i < len(seen); i++ {
		if prev, cur := mustAtoi(t, seen[i-1].ID), mustAtoi(t, seen[i].ID); cur >= prev {
			t.Errorf("not newest first: id %d after %d", cur, prev)
		}
	}
	bad := "nope"
	if _, err := b.intel.ListIndicators(b.ctxA, scalefield.IndicatorFilter{After: &bad}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
	badType := scalefield.IndicatorType("mutex")
	if _, err := b.intel.ListIndicators(b.ctxA, scalefield.IndicatorFilter{Type: &badType}); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("bad type: %v", err)
	}
}

func TestIntelDeleteIndicators(t *testing.T) {
	t.Parallel()
	b := intelSetup(t)
	soon := b.now.Add(time.Hour)
	MustImportIndicators(t, b, b.ctxA,
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.1", Source: "a", Confidence: 50},
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.2", Source: "a", Confidence: 50, ValidUntil: &soon},
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.3", Source: "b", Confidence: 50, ValidUntil: &soon},
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.4", Source: "b", Confidence: 50})
	MustImportIndicators(t, b, b.ctxB,
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.9", Source: "b", Confidence: 50, ValidUntil: &soon})
	page, _ := b.intel.ListIndicators(b.ctxA, scalefield.IndicatorFilter{})
	v := MustVersion(t, b, b.tenantA.ID)

	audit := scalefield.NewAuditEntry(b.ctxA, scalefield.AuditIndicatorDeleted, "")
	if err := b.intel.DeleteIndicator(b.ctxA, page.Indicators[0].ID, audit); err != nil {
		t.Fatal(err)
	}
	if audit.TargetID != page.Indicators[0].ID || audit.Details["value"] != "192.0.2.4" {
		t.Errorf("audit = %+v", audit)
	}
	for _, id := range []string{page.Indicators[0].ID, "x", "99999999999999999999"} {
		if err := b.intel.DeleteIndicator(b.ctxA, id, nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
			t.Errorf("delete %q: %v", id, err)
		}
	}
	if got := MustVersion(t, b, b.tenantA.ID); got != v+1 {
		t.Errorf("version after delete = %d, want %d", got, v+1)
	}

	b.now = soon
	if n, err := b.intel.PurgeExpiredIndicators(b.ctxA, scalefield.NewAuditEntry(b.ctxA, scalefield.AuditIndicatorsPurged, "")); err != nil || n != 2 {
		t.Errorf("purge = %d, %v", n, err)
	}
	if got := MustVersion(t, b, b.tenantA.ID); got != v+2 {
		t.Errorf("version after purge = %d, want %d", got, v+2)
	}
	if n, err := b.intel.DeleteIndicatorSource(b.ctxA, "a", nil); err != nil || n != 1 {
		t.Errorf("delete source = %d, %v", n, err)
	}
	if _, err := b.intel.DeleteIndicatorSource(b.ctxA, " ", nil); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("delete an empty source: %v", err)
	}
	// The privileged prune reaches every tenant and bumps each one it changes.
	vb := MustVersion(t, b, b.tenantB.ID)
	if n, err := b.intel.PruneExpiredIndicators(context.Background(), b.now.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("prune = %d, %v", n, err)
	}
	if got := MustVersion(t, b, b.tenantB.ID); got != vb+1 {
		t.Errorf("tenant B's version after prune = %d, want %d", got, vb+1)
	}
	if page, _ := b.intel.ListIndicators(b.ctxB, scalefield.IndicatorFilter{IncludeExpired: true}); page.TotalCount != 0 {
		t.Errorf("tenant B after prune: %d", page.TotalCount)
	}
}

func TestIntelDirectory(t *testing.T) {
	t.Parallel()
	b := intelSetup(t)
	entries := []scalefield.DirectoryEntry{
		{UserName: "Alice", DisplayName: "Alice Liddell", Department: "Finance", Title: "Controller", Manager: "carol"},
		{UserName: "root", Privileged: true, Department: "IT"},
		{UserName: "bob@corp.example", DisplayName: "Bob", Department: "Sales"},
	}
	audit := scalefield.NewAuditEntry(b.ctxA, scalefield.AuditDirectoryImported, "")
	res, err := b.intel.ImportDirectory(b.ctxA, entries, false, audit)
	if err != nil {
		t.Fatal(err)
	}
	if *res != (scalefield.DirectoryImportResult{Inserted: 3}) || audit.ID == 0 {
		t.Errorf("import = %+v, audit %+v", *res, audit)
	}
	v := MustVersion(t, b, b.tenantA.ID)
	if res, _ := b.intel.ImportDirectory(b.ctxA, entries, false, nil); *res != (scalefield.DirectoryImportResult{Unchanged: 3}) {
		t.Errorf("same import = %+v", *res)
	}
	if got := MustVersion(t, b, b.tenantA.ID); got != v {
		t.Errorf("no-op import bumped the version to %d", got)
	}
	entries[1].Privileged = false
	res, err = b.intel.ImportDirectory(b.ctxA, []scalefield.DirectoryEntry{entries[1], {UserName: "dave"}}, true, nil)
	if err != nil || *res != (scalefield.DirectoryImportResult{Inserted: 1, Updated: 1, Deleted: 2}) {
		t.Errorf("replacing import = %+v, %v", res, err)
	}
	if got := MustVersion(t, b, b.tenantA.ID); got != v+1 {
		t.Errorf("version after replace = %d, want %d", got, v+1)
	}
	if _, err := b.intel.ImportDirectory(b.ctxA, []scalefield.DirectoryEntry{{UserName: "ok"}, {UserName: "two words"}}, false, nil); scalefield.ErrorCode(err) != scalefield.EINVALID ||
		scalefield.ErrorMessage(err) != `directory entry 2: "two words" is not a user name` {
		t.Errorf("invalid entry: %v", err)
	}

	MustImportDirectory := func(ctx context.Context, entries ...scalefield.DirectoryEntry) {
		t.Helper()
		if _, err := b.intel.ImportDirectory(ctx, entries, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	MustImportDirectory(b.ctxA, scalefield.DirectoryEntry{UserName: "erin", Department: "Finance"}, scalefield.DirectoryEntry{UserName: "frank", Privileged: true})
	MustImportDirectory(b.ctxB, scalefield.DirectoryEntry{UserName: "mallory", Privileged: true})

	var names []string
	f := scalefield.DirectoryFilter{First: 2}
	for {
		page, err := b.intel.ListDirectory(b.ctxA, f)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 4 {
			t.Errorf("total = %d", page.TotalCount)
		}
		for _, e := range page.Entries {
			names = append(names, e.UserName)
		}
		if !page.HasNextPage {
			break
		}
		f.After = &page.Cursors[len(page.Cursors)-1]
	}
	if want := []string{"dave", "erin", "frank", "root"}; !slices.Equal(names, want) {
		t.Errorf("directory = %q, want %q", names, want)
	}
	priv, search := true, "fin"
	if page, err := b.intel.ListDirectory(b.ctxA, scalefield.DirectoryFilter{Privileged: &priv}); err != nil || page.TotalCount != 1 || page.Entries[0].UserName != "frank" {
		t.Errorf("privileged: %+v, %v", page, err)
	}
	if page, err := b.intel.ListDirectory(b.ctxA, scalefield.DirectoryFilter{Search: &search}); err != nil || page.TotalCount != 1 || page.Entries[0].UserName != "erin" {
		t.Errorf("search: %+v, %v", page, err)
	}
	if page, _ := b.intel.ListDirectory(b.ctxB, scalefield.DirectoryFilter{}); page.TotalCount != 1 || page.Entries[0].UserName != "mallory" {
		t.Errorf("tenant B sees %+v", page.Entries)
	}
	if err := b.intel.DeleteDirectoryEntry(b.ctxB, "erin", nil); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
		t.Errorf("tenant B deletes A's entry: %v", err)
	}
	if err := b.intel.DeleteDirectoryEntry(b.ctxA, "ERIN", nil); err != nil {
		t.Errorf("delete: %v", err)
	}
}

func TestIntelLoadEnrichment(t *testing.T) {
	t.Parallel()
	b := intelSetup(t)
	ctx := context.Background()
	if v, inds, dir, err := b.intel.LoadEnrichment(ctx, b.tenantA.ID); err != nil || v != 0 || len(inds) != 0 || len(dir) != 0 {
		t.Errorf("empty tenant: %d, %d, %d, %v", v, len(inds), len(dir), err)
	}
	expired := b.now.Add(-time.Second)
	MustImportIndicators(t, b, b.ctxA,
		scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "81.2.69.142", Source: "cert", Confidence: 90},
		scalefield.Indicator{Type: scalefield.IndicatorDomain, Value: "evil.example", Source: "cert", Confidence: 60},
		scalefield.Indicator{Type: scalefield.IndicatorDomain, Value: "old.example", Source: "cert", Confidence: 60, ValidUntil: &expired})
	if _, err := b.intel.ImportDirectory(b.ctxA, []scalefield.DirectoryEntry{{UserName: "alice", Privileged: true, Department: "Finance"}}, false, nil); err != nil {
		t.Fatal(err)
	}
	MustImportIndicators(t, b, b.ctxB, scalefield.Indicator{Type: scalefield.IndicatorIPv4, Value: "192.0.2.1", Source: "x", Confidence: 10})

	v, inds, dir, err := b.intel.LoadEnrichment(ctx, b.tenantA.ID)
	if err != nil || v != 2 || len(inds) != 2 || len(dir) != 1 || dir[0].UserName != "alice" || !dir[0].Privileged {
		t.Fatalf("load = %d, %+v, %+v, %v", v, inds, dir, err)
	}
	versions, err := b.intel.EnrichmentVersions(ctx, []string{b.tenantA.ID, b.tenantB.ID, "00000000-0000-0000-0000-000000000000", "not-a-uuid"})
	if err != nil || versions[b.tenantA.ID] != 2 || versions[b.tenantB.ID] != 1 || versions["not-a-uuid"] != 0 || len(versions) != 4 {
		t.Errorf("versions = %v, %v", versions, err)
	}
	if _, _, _, err := b.intel.LoadEnrichment(ctx, "nope"); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("bad tenant id: %v", err)
	}

	// The loaded data drives the Enricher.
	e, err := enrich.New(nil, b.intel, enrich.Config{Now: b.db.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Prepare(ctx, []string{b.tenantA.ID, b.tenantB.ID}); err != nil {
		t.Fatal(err)
	}
	ev := &scalefield.SecurityEvent{TenantID: b.tenantA.ID, Severity: scalefield.SeverityLow, DstIP: "81.2.69.142", DstHostname: "www.evil.example", User: `CORP\alice`}
	e.Enrich(ev)
	if len(ev.ThreatMatch) != 2 || ev.UserContext == nil || !ev.UserContext.Privileged || ev.RiskScore != 15+45+5+15 {
		t.Errorf("enriched = %+v", ev)
	}
	other := &scalefield.SecurityEvent{TenantID: b.tenantB.ID, DstIP: "81.2.69.142", User: "alice"}
	e.Enrich(other)
	if other.ThreatMatch != nil || other.UserContext != nil {
		t.Errorf("tenant B's event matched A's data: %+v", other)
	}
}
