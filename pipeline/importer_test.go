package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/store"
	"github.com/scalefield/scalefield/store/storetest"
)

type importBundle struct {
	db     *store.DB
	files  *store.GatherService
	blobs  *blobstore.Store
	dir    string // the file store's root
	work   string
	tenant *scalefield.Tenant
	node   *scalefield.GatherNode
	im     *pipeline.Importer
}

func importSetup(t testing.TB) *importBundle {
	t.Helper()
	ctx := context.Background()
	db := storetest.NewDB(t)
	b := &importBundle{db: db, files: store.NewGatherService(db), dir: t.TempDir(), work: t.TempDir()}
	blobs, err := blobstore.Open(ctx, (&url.URL{Scheme: "file", Path: filepath.ToSlash(b.dir)}).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	b.blobs = blobs
	b.tenant = &scalefield.Tenant{Slug: "acme", Name: "ACME"}
	if err := store.NewTenantService(db).CreateTenant(ctx, b.tenant); err != nil {
		t.Fatal(err)
	}
	admin := scalefield.NewContextWithSession(ctx, &scalefield.Session{UserID: "u", TenantID: b.tenant.ID, Role: scalefield.RoleTenantAdmin, Scope: scalefield.ScopeFull})
	_, secret, err := b.files.CreateGatherEnrollmentToken(admin, "db-0", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.node, err = b.files.EnrollGatherNode(ctx, scalefield.GatherEnrollment{Token: secret, Sign: func(string, string) (scalefield.IssuedCert, error) {
		return scalefield.IssuedCert{Serial: "1", Fingerprint: make([]byte, 32), NotAfter: time.Now().AddDate(1, 0, 0)}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	b.im = pipeline.NewImporter(pipeline.ImporterConfig{BatchRows: 100, MaxAttempts: 2}, b.files, blobs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return b
}

func (b *importBundle) prefix() string { return scalefield.GatherKeyPrefix(b.tenant.ID, b.node.ID) }

// MustPut writes an activity file of rows rows and its manifest to the
// node's prefix (edit may change the manifest first) and returns the
// manifest key.
func (b *importBundle) MustPut(t testing.TB, name string, rows int, edit func(*activityfile.Manifest)) string {
	t.Helper()
	p := filepath.Join(b.work, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w, err := activityfile.NewWriter(f, activityfile.WriterConfig{Name: name, Source: "pgaudit", Engine: "postgresql", Host: "db-0"})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]scalefield.DBActivity, 0, 4096)
	base := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	for i := range rows {
		batch = append(batch, scalefield.DBActivity{Time: base.Add(time.Duration(i) * time.Millisecond), Engine: "postgresql", Host: "db-0",
			Database: "orders", User: fmt.Sprintf("user%d", i%50), ClientAddr: "10.1.2.3", ClientPort: 40000 + i%1000, Application: "psql",
			Session: fmt.Sprintf("65a1.%d", i/100), ActionClass: scalefield.DBActionWrite, Action: "UPDATE",
			Statement: fmt.Sprintf("UPDATE orders SET state = 'paid' WHERE id = %d", i), Object: "public.orders", ObjectType: "TABLE",
			Rows: 1, Status: "success", Raw: fmt.Sprintf(`AUDIT: SESSION,%d,1,WRITE,UPDATE,TABLE,public.orders,"UPDATE orders SET state = 'paid' WHERE id = %d",<not logged>`, i, i),
			Source: "pgaudit", Position: fmt.Sprintf("0/%X", 0x1000+i)})
		if len(batch) == cap(batch) {
			if err := w.WriteBatch(batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.WriteBatch(batch); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&m)
	}
	if err := b.blobs.PutActivityFile(context.Background(), b.prefix(), p, m); err != nil {
		t.Fatal(err)
	}
	return b.prefix() + activityfile.ManifestName(name)
}

func (b *importBundle) MustEnqueue(t testing.TB, keys ...string) {
	t.Helper()
	var notices []scalefield.GatherFileNotice
	for _, k := range keys {
		notices = append(notices, scalefield.GatherFileNotice{ManifestKey: k})
	}
	if _, err := b.files.EnqueueGatherFiles(context.Background(), b.tenant.ID, b.node.ID, "notice", notices); err != nil {
		t.Fatal(err)
	}
}

func (b *importBundle) bronze(t testing.TB) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM bronze_events WHERE tenant_id = $1 AND kind = 'gather'`, b.tenant.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *importBundle) status(t *testing.T) map[string]string {
	t.Helper()
	rows, err := b.db.Pool.Query(context.Background(), `SELECT manifest_key, status || ':' || error FROM gather_files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, s string
		_ = rows.Scan(&k, &s)
		out[k[strings.LastIndexByte(k, '/')+1:]] = s
	}
	return out
}

func (b *importBundle) drain(t *testing.T) []pipeline.ImportResult {
	t.Helper()
	var out []pipeline.ImportResult
	for {
		res, err := b.im.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !res.Claimed {
			return out
		}
		out = append(out, res)
	}
}

func TestImporterImportsGoodFilesAndQuarantinesBadOnes(t *testing.T) {
	t.Parallel()
	b := importSetup(t)
	good := b.MustPut(t, "good.parquet", 250, nil)
	corrupt := b.MustPut(t, "corrupt.parquet", 50, nil)
	truncated := b.MustPut(t, "truncated.parquet", 50, nil)
	miscounted := b.MustPut(t, "miscounted.parquet", 50, func(m *activityfile.Manifest) { m.Rows = 49 })
	missing := b.prefix() + "missing.parquet.manifest.json"
	// Flip a byte inside the data of one file and cut another short.
	path := filepath.Join(b.dir, filepath.FromSlash(strings.TrimSuffix(corrupt, ".manifest.json")))
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0xff
	_ = os.WriteFile(path, data, 0o644)
	path = filepath.Join(b.dir, filepath.FromSlash(strings.TrimSuffix(truncated, ".manifest.json")))
	data, _ = os.ReadFile(path)
	_ = os.WriteFile(path, data[:len(data)-100], 0o644)

	b.MustEnqueue(t, corrupt, truncated, miscounted, missing, good)
	results := b.drain(t)
	if len(results) != 5 {
		t.Fatalf("results = %+v", results)
	}
	got := b.status(t)
	want := map[string]string{
		"good.parquet.manifest.json":       "done:",
		"corrupt.parquet.manifest.json":    "quarantined:checksum_mismatch",
		"truncated.parquet.manifest.json":  "quarantined:truncated",
		"miscounted.parquet.manifest.json": "quarantined:row_count_mismatch",
		"missing.parquet.manifest.json":    "quarantined:missing",
	}
	for k, w := range want {
		if !strings.HasPrefix(got[k], w) {
			t.Errorf("%s = %q, want %s…", k, got[k], w)
		}
	}
	if n := b.bronze(t); n != 250 {
		t.Errorf("bronze rows = %d, want 250 (the good file only)", n)
	}

	// Announcing the good file again imports nothing twice.
	b.MustEnqueue(t, good)
	if res := b.drain(t); len(res) != 0 {
		t.Errorf("re-announced file imported again: %+v", res)
	}
	if n := b.bronze(t); n != 250 {
		t.Errorf("bronze rows = %d after a second notice", n)
	}
}

func TestImporterScansForUnannouncedFiles(t *testing.T) {
	t.Parallel()
	b := importSetup(t)
	b.MustPut(t, "a.parquet", 10, nil)
	b.MustPut(t, "b.parquet", 20, nil)
	res, err := b.im.Scan(context.Background())
	if err != nil || res.Nodes != 1 || res.Manifests != 2 || res.Queued != 2 {
		t.Fatalf("scan = %+v, %v", res, err)
	}
	if res, _ := b.im.Scan(context.Background()); res.Queued != 0 {
		t.Errorf("second scan queued %d", res.Queued)
	}
	b.drain(t)
	if n := b.bronze(t); n != 30 {
		t.Errorf("bronze rows = %d, want 30", n)
	}
}

func TestImporterReplicasImportEachFileOnce(t *testing.T) {
	t.Parallel()
	b := importSetup(t)
	var keys []string
	for i := range 8 {
		keys = append(keys, b.MustPut(t, fmt.Sprintf("f%d.parquet", i), 100+i, nil))
	}
	b.MustEnqueue(t, keys...)
	replicas := make([]*pipeline.Importer, 3)
	for i := range replicas {
		replicas[i] = pipeline.NewImporter(pipeline.ImporterConfig{Interval: 10 * time.Millisecond, BatchRows: 64}, b.files, b.blobs,
			slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var imported int64
	for _, r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				res, err := r.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if !res.Claimed {
					return
				}
				mu.Lock()
				imported += res.Rows
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	want := 0
	for i := range 8 {
		want += 100 + i
	}
	if n := b.bronze(t); n != want || imported != int64(want) {
		t.Errorf("bronze rows = %d, imported %d, want %d", n, imported, want)
	}
}

func TestImporterStartsAndStops(t *testing.T) {
	t.Parallel()
	b := importSetup(t)
	im := pipeline.NewImporter(pipeline.ImporterConfig{Interval: 20 * time.Millisecond, ScanInterval: 50 * time.Millisecond}, b.files, b.blobs,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	im.Start(context.Background())
	defer im.Stop()
	b.MustPut(t, "late.parquet", 42, nil)
	deadline := time.Now().Add(10 * time.Second)
	for b.bronze(t) != 42 {
		if time.Now().After(deadline) {
			t.Fatalf("the scanner and a worker did not import the file: %v", b.status(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkGatherImport measures the import stage end to end on one file
// of 200,000 rows (about 560 bytes each): checksum, Parquet decoding,
// payload encoding and COPY into Bronze and the refine queue, committed.
// Writing the file is not timed.
func BenchmarkGatherImport(b *testing.B) {
	const rows = 200_000
	bb := importSetup(b)
	bb.im = pipeline.NewImporter(pipeline.ImporterConfig{}, bb.files, bb.blobs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var elapsed, cpu time.Duration
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		key := bb.MustPut(b, fmt.Sprintf("bench-%d.parquet", i), rows, nil)
		bb.MustEnqueue(b, key)
		st, _ := os.Stat(filepath.Join(bb.dir, filepath.FromSlash(strings.TrimSuffix(key, ".manifest.json"))))
		bytes += st.Size()
		if i == 0 {
			storetest.Checkpoint(b)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		res, err := bb.im.RunOnce(context.Background())
		elapsed += time.Since(start)
		cpu += processCPU() - cpu0
		if err != nil || res.Status != scalefield.GatherFileDone || res.Rows != rows {
			b.Fatalf("import = %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/float64(rows*b.N), "file-bytes/row")
	// The engine's own CPU per row (PostgreSQL's is not counted).
	b.ReportMetric(float64(cpu.Microseconds())/float64(rows*b.N), "engine-cpu-us/row")
}

// processCPU returns the CPU time (user and system) of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
