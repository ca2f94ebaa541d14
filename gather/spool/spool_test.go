package spool_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/spool"
)

type bundle struct {
	ctx   context.Context
	dir   string
	spool *spool.Spool
}

func setup(t *testing.T, maxBytes int64) bundle {
	t.Helper()
	dir := t.TempDir()
	s, err := spool.Open(spool.Config{Dir: dir, MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return bundle{ctx: context.Background(), dir: dir, spool: s}
}

// MustFile writes an activity file of rows rows into the spool's TempDir.
func MustFile(t *testing.T, s *spool.Spool, name string, rows int) (string, activityfile.Manifest) {
	t.Helper()
	f, err := s.CreateTemp("collector-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := activityfile.NewWriter(f, activityfile.WriterConfig{Name: name, Source: "pgaudit:db-1"})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for i := range rows {
		a := scalefield.DBActivity{Time: base.Add(time.Duration(i) * time.Second), Engine: "postgresql",
			Host: "db-1", User: "app", Statement: fmt.Sprintf("SELECT %d", i), Source: "pgaudit:db-1",
			Position: fmt.Sprintf("%s:%d", name, i)}
		if err := w.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return f.Name(), m
}

func MustEnqueue(t *testing.T, s *spool.Spool, name string) spool.Item {
	t.Helper()
	path, m := MustFile(t, s, name, 20)
	it, err := s.Enqueue(path, m)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// recorder is an Uploader that records the files it saw and can fail.
type recorder struct {
	files []string
	fail  error
}

func (r *recorder) upload(_ context.Context, it spool.Item) error {
	if r.fail != nil {
		return r.fail
	}
	if _, err := os.Stat(it.Path); err != nil {
		return err
	}
	r.files = append(r.files, it.Manifest.File)
	return nil
}

func TestEnqueueAndDrain(t *testing.T) {
	t.Parallel()
	b := setup(t, 1<<20)
	for _, n := range []string{"c.parquet", "a.parquet", "b.parquet"} {
		MustEnqueue(t, b.spool, n)
	}
	if st := b.spool.Stats(); st.Items != 3 || st.Bytes == 0 {
		t.Fatalf("stats %+v", st)
	}
	var rec recorder
	res, err := b.spool.Drain(b.ctx, rec.upload)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c.parquet", "a.parquet", "b.parquet"}; !slices.Equal(rec.files, want) {
		t.Fatalf("uploaded %v, want enqueue order %v", rec.files, want)
	}
	if res.Uploaded != 3 || res.Remaining != 0 || res.Bytes == 0 {
		t.Fatalf("result %+v", res)
	}
	if st := b.spool.Stats(); st.Items != 0 || st.Bytes != 0 {
		t.Fatalf("stats after drain %+v", st)
	}
	if names := queuedFiles(t, b.dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}
}

func TestFull(t *testing.T) {
	t.Parallel()
	probe := setup(t, 1<<20)
	size := MustEnqueue(t, probe.spool, "probe.parquet").Bytes

	b := setup(t, 2*size+size/2) // two fit, three do not
	MustEnqueue(t, b.spool, "1.parquet")
	MustEnqueue(t, b.spool, "2.parquet")
	path, m := MustFile(t, b.spool, "3.parquet", 20)
	_, err := b.spool.Enqueue(path, m)
	if !errors.Is(err, spool.ErrSpoolFull) {
		t.Fatalf("got %v, want ErrSpoolFull", err)
	}
	if got := scalefield.ErrorCode(err); got != scalefield.EUNAVAILABLE {
		t.Fatalf("code %q", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the rejected file must stay with the caller: %v", err)
	}

	t.Run("waits for space", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(b.ctx, 50*time.Millisecond)
		defer cancel()
		if err := b.spool.WaitForSpace(ctx, size); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want to wait", err)
		}
		done := make(chan error, 1)
		go func() { done <- b.spool.WaitForSpace(b.ctx, size) }()
		uploadedOne := false
		_, err := b.spool.Drain(b.ctx, func(context.Context, spool.Item) error {
			if uploadedOne {
				return errors.New("store down")
			}
			uploadedOne = true
			return nil
		})
		if err == nil {
			t.Fatal("second upload should fail")
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if _, err := b.spool.Enqueue(path, m); err != nil {
			t.Fatalf("enqueue after drain: %v", err)
		}
	})

	t.Run("larger than the spool", func(t *testing.T) {
		small := setup(t, 100)
		path, m := MustFile(t, small.spool, "big.parquet", 20)
		if _, err := small.spool.Enqueue(path, m); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Fatalf("got %v, want invalid", err)
		}
	})
}

func TestRetryAfterUploadFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, 1<<20)
	for _, n := range []string{"1.parquet", "2.parquet", "3.parquet"} {
		MustEnqueue(t, b.spool, n)
	}
	down := errors.New("connection refused")
	rec := recorder{fail: down}
	res, err := b.spool.Drain(b.ctx, rec.upload)
	if !errors.Is(err, down) {
		t.Fatalf("got %v, want the upload error", err)
	}
	if res.Uploaded != 0 || res.Remaining != 3 || b.spool.Stats().Items != 3 {
		t.Fatalf("result %+v, stats %+v", res, b.spool.Stats())
	}

	// Fail in the middle: what was uploaded is gone, the rest stays in order.
	calls := 0
	_, err = b.spool.Drain(b.ctx, func(ctx context.Context, it spool.Item) error {
		calls++
		if calls == 2 {
			return down
		}
		return rec.upload(ctx, it)
	})
	if !errors.Is(err, down) {
		t.Fatal(err)
	}
	rec.fail = nil
	if _, err := b.spool.Drain(b.ctx, rec.upload); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1.parquet", "2.parquet", "3.parquet"}; !slices.Equal(rec.files, want) {
		t.Fatalf("uploaded %v, want %v", rec.files, want)
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	b := setup(t, 1<<20)
	var want []string
	for _, n := range []string{"z.parquet", "y.parquet", "x.parquet"} {
		MustEnqueue(t, b.spool, n)
		want = append(want, n)
	}
	// Debris of a crash: a file being written, a file enqueued without its
	// manifest, a manifest whose file is gone, and a damaged manifest.
	MustFile(t, b.spool, "writing.parquet", 5)
	orphan := MustEnqueue(t, b.spool, "orphan.parquet")
	if err := os.Remove(orphan.ManifestPath); err != nil {
		t.Fatal(err)
	}
	stale := MustEnqueue(t, b.spool, "stale.parquet")
	if err := os.Remove(stale.Path); err != nil {
		t.Fatal(err)
	}
	damaged := MustEnqueue(t, b.spool, "damaged.parquet")
	if err := os.WriteFile(damaged.ManifestPath, []byte(`{"rows":`), 0o640); err != nil {
		t.Fatal(err)
	}
	before := b.spool.Stats()

	s2, err := spool.Open(spool.Config{Dir: b.dir, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range s2.Items() {
		got = append(got, it.Manifest.File)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after restart %v, want %v", got, want)
	}
	if st := s2.Stats(); st.Items != 3 || st.Bytes >= before.Bytes {
		t.Fatalf("stats %+v (before %+v)", st, before)
	}
	if entries, _ := os.ReadDir(s2.TempDir()); len(entries) != 0 {
		t.Fatalf("tmp not emptied: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(b.dir, "quarantine", filepath.Base(damaged.Path))); err != nil {
		t.Fatalf("damaged pair not quarantined: %v", err)
	}
	if n := len(queuedFiles(t, b.dir)); n != 6 {
		t.Fatalf("%d files in the spool, want 6: %v", n, queuedFiles(t, b.dir))
	}

	// New items go after the old ones.
	last := MustEnqueue(t, s2, "new.parquet")
	if items := s2.Items(); items[len(items)-1].Seq != last.Seq || last.Seq <= items[0].Seq {
		t.Fatalf("new item seq %d, items %+v", last.Seq, items)
	}
	var rec recorder
	if _, err := s2.Drain(b.ctx, rec.upload); err != nil {
		t.Fatal(err)
	}
	if want := append(want, "new.parquet"); !slices.Equal(rec.files, want) {
		t.Fatalf("uploaded %v, want %v", rec.files, want)
	}
}

func TestOneDrainAtATime(t *testing.T) {
	t.Parallel()
	b := setup(t, 1<<20)
	MustEnqueue(t, b.spool, "a.parquet")
	inside := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := b.spool.Drain(b.ctx, func(context.Context, spool.Item) error {
			close(inside)
			<-release
			return nil
		})
		done <- err
	}()
	<-inside
	if _, err := b.spool.Drain(b.ctx, (&recorder{}).upload); !errors.Is(err, spool.ErrDraining) {
		t.Fatalf("got %v, want ErrDraining", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestEnqueueChecksManifest(t *testing.T) {
	t.Parallel()
	b := setup(t, 1<<20)
	path, m := MustFile(t, b.spool, "a.parquet", 3)
	bad := m
	bad.Bytes++
	if _, err := b.spool.Enqueue(path, bad); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Fatalf("size mismatch: %v", err)
	}
	bad = m
	bad.Source = ""
	if _, err := b.spool.Enqueue(path, bad); !errors.Is(err, activityfile.ErrCorrupt) {
		t.Fatalf("bad manifest: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("rejected file must stay")
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []spool.Config{{}, {Dir: t.TempDir()}, {Dir: t.TempDir(), MaxBytes: -1}} {
		if _, err := spool.Open(c); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// queuedFiles lists the regular files directly in dir.
func queuedFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names
}
