package blobstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
)

// fileURL returns a file:// store URL for a fresh directory.
func fileURL(t *testing.T) (string, string) {
	dir := t.TempDir()
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String(), dir
}

// s3URL starts an in-process S3 server (gofakes3) with one bucket and
// returns a path-style s3:// URL for it. It sets static credentials in the
// environment, so tests using it cannot run in parallel.
func s3URL(t *testing.T) string {
	t.Helper()
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	if err := backend.CreateBucket("activity"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test-access-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	q := url.Values{
		"endpoint":       {srv.URL},
		"region":         {"us-east-1"},
		"use_path_style": {"true"},
	}
	return "s3://activity?" + q.Encode()
}

type bundle struct {
	ctx   context.Context
	store *blobstore.Store
	work  string // a local directory for files to upload
}

func setup(t *testing.T, rawURL string) bundle {
	t.Helper()
	ctx := context.Background()
	s, err := blobstore.Open(ctx, rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return bundle{ctx: ctx, store: s, work: t.TempDir()}
}

// MustActivityFile writes an activity file of rows sample rows into dir.
func MustActivityFile(t *testing.T, dir, name string, rows int) (string, activityfile.Manifest) {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
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
		a := scalefield.DBActivity{
			Time: base.Add(time.Duration(i) * time.Millisecond), Engine: "postgresql", Host: "db-1",
			Database: "orders", User: "app", ActionClass: scalefield.DBActionRead, Action: "SELECT",
			Statement: fmt.Sprintf("SELECT * FROM orders WHERE id = %d", i), Status: "success",
			Source: "pgaudit:db-1", Position: fmt.Sprintf("0/%X", 1000+i),
		}
		if err := w.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return path, m
}

func backends(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"file": func(t *testing.T) string { u, _ := fileURL(t); return u },
		"s3":   s3URL,
	}
}

func TestStore(t *testing.T) {
	for name, newURL := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("activity file round trip", func(t *testing.T) {
				b := setup(t, newURL(t))
				path, m := MustActivityFile(t, b.work, "pg-000001.parquet", 5000)
				if err := b.store.PutActivityFile(b.ctx, "tenant-a/db-1/", path, m); err != nil {
					t.Fatal(err)
				}
				page, err := b.store.ListManifests(b.ctx, "tenant-a/", "", 100)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Manifests) != 1 || page.Manifests[0].Key != "tenant-a/db-1/pg-000001.parquet.manifest.json" || page.Next != "" {
					t.Fatalf("page %+v", page)
				}
				got, err := b.store.ReadManifest(b.ctx, page.Manifests[0].Key)
				if err != nil {
					t.Fatal(err)
				}
				if got != m {
					t.Fatalf("manifest:\n got %+v\nwant %+v", got, m)
				}

				key := blobstore.FileKey(page.Manifests[0].Key)
				ra, err := b.store.OpenReaderAt(b.ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if err := activityfile.VerifyChecksum(ra, ra.Size(), &got); err != nil {
					t.Fatal(err)
				}
				r, err := activityfile.NewReader(ra, ra.Size())
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				batch := make([]scalefield.DBActivity, 4096)
				var n int
				for {
					k, err := r.Next(batch)
					n += k
					if errors.Is(err, io.EOF) {
						break
					} else if err != nil {
						t.Fatal(err)
					}
				}
				if n != 5000 {
					t.Fatalf("read %d rows, want 5000", n)
				}

				rc, err := b.store.NewReader(b.ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				data, err := io.ReadAll(rc)
				rc.Close()
				want, _ := os.ReadFile(path)
				if err != nil || !bytes.Equal(data, want) {
					t.Fatalf("sequential read: %d bytes, %v", len(data), err)
				}
			})

			t.Run("pagination", func(t *testing.T) {
				b := setup(t, newURL(t))
				var want []string
				for i := range 7 {
					name := fmt.Sprintf("f-%02d.parquet", i)
					path, m := MustActivityFile(t, b.work, name, 3)
					if err := b.store.PutActivityFile(b.ctx, "p/", path, m); err != nil {
						t.Fatal(err)
					}
					want = append(want, "p/"+name+activityfile.ManifestExt)
				}
				// Noise the listing must skip.
				if err := b.store.PutBytes(b.ctx, "p/notes.txt", []byte("x"), "text/plain"); err != nil {
					t.Fatal(err)
				}
				var got []string
				token, pages := "", 0
				for {
					page, err := b.store.ListManifests(b.ctx, "p/", token, 3)
					if err != nil {
						t.Fatal(err)
					}
					pages++
					for _, o := range page.Manifests {
						got = append(got, o.Key)
					}
					if page.Next == "" {
						break
					}
					token = page.Next
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("got %v\nwant %v", got, want)
				}
				if pages < 5 { // 15 keys, 3 a page
					t.Fatalf("%d pages, want at least 5", pages)
				}
			})

			t.Run("delete and not found", func(t *testing.T) {
				b := setup(t, newURL(t))
				if err := b.store.PutBytes(b.ctx, "x/a.bin", []byte("hello"), "application/octet-stream"); err != nil {
					t.Fatal(err)
				}
				if ok, err := b.store.Exists(b.ctx, "x/a.bin"); !ok || err != nil {
					t.Fatalf("exists: %v %v", ok, err)
				}
				if err := b.store.Delete(b.ctx, "x/a.bin"); err != nil {
					t.Fatal(err)
				}
				if ok, err := b.store.Exists(b.ctx, "x/a.bin"); ok || err != nil {
					t.Fatalf("exists after delete: %v %v", ok, err)
				}
				if _, err := b.store.ReadManifest(b.ctx, "x/none.parquet.manifest.json"); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
					t.Fatalf("read missing: %v", err)
				}
				if _, err := b.store.OpenReaderAt(b.ctx, "x/none.parquet"); scalefield.ErrorCode(err) != scalefield.ENOTFOUND {
					t.Fatalf("open missing: %v", err)
				}
			})

			t.Run("overwrite is whole", func(t *testing.T) {
				b := setup(t, newURL(t))
				for _, s := range []string{"first version, longer", "second"} {
					if err := b.store.PutBytes(b.ctx, "k.bin", []byte(s), "text/plain"); err != nil {
						t.Fatal(err)
					}
					rc, err := b.store.NewReader(b.ctx, "k.bin")
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(rc)
					rc.Close()
					if string(got) != s {
						t.Fatalf("got %q, want %q", got, s)
					}
				}
			})
		})
	}
}

func TestPutActivityFileChecksManifest(t *testing.T) {
	u, _ := fileURL(t)
	b := setup(t, u)
	path, m := MustActivityFile(t, b.work, "a.parquet", 10)
	bad := m
	bad.Bytes++
	if err := b.store.PutActivityFile(b.ctx, "", path, bad); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Fatalf("size mismatch: %v", err)
	}
	bad = m
	bad.SHA256 = "nothex"
	if err := b.store.PutActivityFile(b.ctx, "", path, bad); !errors.Is(err, activityfile.ErrCorrupt) {
		t.Fatalf("bad manifest: %v", err)
	}
	page, err := b.store.ListManifests(b.ctx, "", "", 10)
	if err != nil || len(page.Manifests) != 0 {
		t.Fatalf("nothing should be stored: %+v %v", page, err)
	}
}

func TestFileBackendLeavesNoTempFiles(t *testing.T) {
	u, dir := fileURL(t)
	b := setup(t, u)
	path, m := MustActivityFile(t, b.work, "a.parquet", 10)
	if err := b.store.PutActivityFile(b.ctx, "d/", path, m); err != nil {
		t.Fatal(err)
	}
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(names)
	if want := []string{"d/a.parquet", "d/a.parquet.manifest.json"}; !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"", "nope", "ftp://host/x", "s3://b?unknown_param=1"} {
		if _, err := blobstore.Open(ctx, u); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("Open(%q): %v, want an invalid error", u, err)
		}
	}
	s, err := blobstore.Open(ctx, "s3://bucket?region=x&endpoint=http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.String(); got != "s3://bucket" {
		t.Errorf("String() = %q; the query must not show", got)
	}
}

func TestStoreDown(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // no retries with backoff in the test
	srv := httptest.NewServer(nil)
	addr := srv.URL
	srv.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := blobstore.Open(ctx, "s3://activity?region=us-east-1&use_path_style=true&endpoint="+url.QueryEscape(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.PutBytes(ctx, "a.bin", []byte("x"), "text/plain")
	if got := scalefield.ErrorCode(err); got != scalefield.EUNAVAILABLE {
		t.Fatalf("code %q (%v), want %q", got, err, scalefield.EUNAVAILABLE)
	}
}

func TestBadKeys(t *testing.T) {
	u, _ := fileURL(t)
	b := setup(t, u)
	for _, k := range []string{"", "/abs", "dir/", "a/../b", "./a"} {
		if err := b.store.PutBytes(b.ctx, k, []byte("x"), "text/plain"); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := b.store.ListManifests(b.ctx, "", "%%%", 10); scalefield.ErrorCode(err) != scalefield.EINVALID {
		t.Errorf("bad token: %v", err)
	}
}
