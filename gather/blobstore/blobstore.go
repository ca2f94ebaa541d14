// Package blobstore stores activity files and their manifests in any blob
// store gocloud.dev/blob reaches, chosen by URL:
//
//	file:///var/lib/scalefield/outbox?create_dir=true
//	s3://bucket?region=eu-west-1
//	s3://bucket?endpoint=https://minio.internal:9000&region=us-east-1&use_path_style=true
//	azblob://container
//	gs://bucket
//
// # Atomicity and durability
//
// A reader never sees half an object. S3 (and MinIO, Ceph RGW), Azure Blob
// and GCS make an object visible only when its upload completes (a single
// PUT, a completed multipart upload, a committed block list, a finalized
// resumable upload), so Put writes the final key directly: a temporary key
// plus a copy would double the bytes moved for no gain. The file backend
// writes a temporary file next to the final one (Open adds no_tmp_dir=true
// to file URLs unless they set it, because a rename only is atomic within one
// file system), fsyncs it, renames it over the key and fsyncs the directory.
//
// A pair is complete when its manifest exists: PutActivityFile writes the
// Parquet file first and its manifest only after the file is stored and its
// size checked, and the import stage lists manifests, never bare files.
package blobstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob:// URLs
	_ "gocloud.dev/blob/fileblob"  // file:// URLs
	_ "gocloud.dev/blob/gcsblob"   // gs:// URLs
	_ "gocloud.dev/blob/s3blob"    // s3:// URLs
	"gocloud.dev/gcerrors"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// Content types of the objects Put writes.
const (
	ContentTypeParquet  = "application/vnd.apache.parquet"
	ContentTypeManifest = "application/json"
)

// Store is one bucket (or directory) of activity files. It is safe for
// concurrent use.
type Store struct {
	bucket *blob.Bucket
	// dir is the root directory of a file:// store, for fsyncs; "" otherwise.
	dir string
	// redacted is the URL without its query, for messages.
	redacted string
}

// Open opens the store at rawURL. Credentials come from each provider's
// usual places (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, shared config and
// instance roles; AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or a
// managed identity; GOOGLE_APPLICATION_CREDENTIALS), never from the URL.
// A URL that cannot be parsed or names an unknown scheme is EINVALID.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return nil, scalefield.Errorf(scalefield.EINVALID, "blob store URL %q is not a URL", redact(rawURL))
	}
	s := &Store{redacted: redact(rawURL)}
	if u.Scheme == "file" {
		q := u.Query()
		if !q.Has("no_tmp_dir") {
			q.Set("no_tmp_dir", "true")
			u.RawQuery = q.Encode()
		}
		s.dir = filepath.FromSlash(u.Path)
		if u.Host != "" && u.Host != "localhost" {
			// file://./dir is a relative path.
			s.dir = filepath.Join(u.Host, s.dir)
		}
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, &scalefield.Error{
			Code:    scalefield.EINVALID,
			Message: fmt.Sprintf("cannot open blob store %s", s.redacted),
			Err:     err,
		}
	}
	s.bucket = b
	return s, nil
}

// Close releases the store's resources.
func (s *Store) Close() error { return s.bucket.Close() }

// String returns the store's URL without its query parameters.
func (s *Store) String() string { return s.redacted }

// Bucket returns the underlying bucket, for what this package does not wrap.
func (s *Store) Bucket() *blob.Bucket { return s.bucket }

// PutFile stores the local file at path under key and checks the stored
// size. See the package comment for atomicity. Errors: EINVALID (bad key),
// EUNAVAILABLE (store unreachable or throttling), EFORBIDDEN, or the cause.
func (s *Store) PutFile(ctx context.Context, key, path, contentType string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return s.put(ctx, key, f, st.Size(), contentType)
}

// PutBytes stores data under key; see PutFile.
func (s *Store) PutBytes(ctx context.Context, key string, data []byte, contentType string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.put(ctx, key, bytes.NewReader(data), int64(len(data)), contentType)
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	var local *os.File
	opts := &blob.WriterOptions{
		// An explicit content type keeps blob.Writer from buffering the
		// first 512 bytes to sniff one.
		ContentType: contentType,
		BeforeWrite: func(as func(any) bool) error {
			as(&local) // only the file backend fills it
			return nil
		},
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // aborts the upload if we return before Close
	w, err := s.bucket.NewWriter(ctx, key, opts)
	if err != nil {
		return s.wrap(err, "put %s", key)
	}
	if _, err := io.Copy(w, r); err != nil {
		cancel()
		_ = w.Close()
		return s.wrap(err, "put %s", key)
	}
	if local != nil {
		if err := local.Sync(); err != nil {
			cancel()
			_ = w.Close()
			return fmt.Errorf("put %s: fsync: %w", key, err)
		}
	}
	if err := w.Close(); err != nil {
		return s.wrap(err, "put %s", key)
	}
	if s.dir != "" {
		if err := syncDir(filepath.Dir(filepath.Join(s.dir, filepath.FromSlash(key)))); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	attrs, err := s.bucket.Attributes(ctx, key)
	if err != nil {
		return s.wrap(err, "put %s: check size", key)
	}
	if attrs.Size != size {
		return &scalefield.Error{Code: scalefield.EUNAVAILABLE,
			Message: fmt.Sprintf("stored %s has %d bytes, wrote %d", key, attrs.Size, size)}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fsync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync dir: %w", err)
	}
	return nil
}

// PutActivityFile stores the Parquet file at path under prefix+m.File, then
// its manifest under prefix+ManifestName(m.File). The manifest is written
// only once the file is stored whole, so its presence marks a complete pair.
// A retry after a failure rewrites both, which is harmless: the keys and
// bytes are the same. The manifest is validated first (its errors are
// activityfile.CorruptError).
func (s *Store) PutActivityFile(ctx context.Context, prefix, path string, m activityfile.Manifest) error {
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("put activity file: %w", err)
	}
	if st.Size() != m.Bytes {
		return scalefield.Errorf(scalefield.EINVALID, "activity file %s has %d bytes, its manifest says %d", path, st.Size(), m.Bytes)
	}
	key := prefix + m.File
	if err := s.PutFile(ctx, key, path, ContentTypeParquet); err != nil {
		return err
	}
	return s.PutBytes(ctx, activityfile.ManifestName(key), data, ContentTypeManifest)
}

// Object describes one stored object.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// ManifestPage is one page of ListManifests.
type ManifestPage struct {
	// Manifests are the manifest keys found in this page, in key order.
	Manifests []Object
	// Next is the token of the next page; "" on the last page.
	Next string
}

// ListManifests lists the manifests under prefix (at any depth), scanning
// up to pageSize keys per call; pass the previous page's Next as pageToken
// ("" for the first page). A page may hold fewer than pageSize manifests,
// even none, because the scan also meets the Parquet files themselves. A bad
// token is EINVALID.
func (s *Store) ListManifests(ctx context.Context, prefix, pageToken string, pageSize int) (ManifestPage, error) {
	if pageSize <= 0 || pageSize > 10000 {
		return ManifestPage{}, scalefield.Errorf(scalefield.EINVALID, "page size %d out of range 1..10000", pageSize)
	}
	token := blob.FirstPageToken
	if pageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil {
			return ManifestPage{}, scalefield.Errorf(scalefield.EINVALID, "bad page token")
		}
		token = b
	}
	objs, next, err := s.bucket.ListPage(ctx, token, pageSize, &blob.ListOptions{Prefix: prefix})
	if err != nil {
		return ManifestPage{}, s.wrap(err, "list %s", prefix)
	}
	var page ManifestPage
	for _, o := range objs {
		if o.IsDir || !strings.HasSuffix(o.Key, activityfile.FileExt+activityfile.ManifestExt) {
			continue
		}
		page.Manifests = append(page.Manifests, Object{Key: o.Key, Size: o.Size, ModTime: o.ModTime})
	}
	if len(next) > 0 {
		page.Next = base64.RawURLEncoding.EncodeToString(next)
	}
	return page, nil
}

// maxManifestBytes bounds what ReadManifest reads.
const maxManifestBytes = 1 << 20

// ReadManifest reads and validates the manifest at key. Errors: ENOTFOUND,
// an activityfile.CorruptError (ReasonBadManifest), or a store error.
func (s *Store) ReadManifest(ctx context.Context, key string) (activityfile.Manifest, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return activityfile.Manifest{}, s.wrap(err, "read manifest %s", key)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxManifestBytes+1))
	if err != nil {
		return activityfile.Manifest{}, s.wrap(err, "read manifest %s", key)
	}
	if len(data) > maxManifestBytes {
		return activityfile.Manifest{}, &activityfile.CorruptError{Reason: activityfile.ReasonBadManifest, Detail: "manifest over 1 MiB"}
	}
	return activityfile.ParseManifest(data)
}

// FileKey returns the key of the Parquet file a manifest key describes.
func FileKey(manifestKey string) string {
	return strings.TrimSuffix(manifestKey, activityfile.ManifestExt)
}

// NewReader opens the object at key for one sequential read (the fastest way
// to fetch a whole file). Errors: ENOTFOUND or a store error.
func (s *Store) NewReader(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return nil, s.wrap(err, "read %s", key)
	}
	return r, nil
}

// Size returns the size of the object at key. Errors: ENOTFOUND or a store
// error.
func (s *Store) Size(ctx context.Context, key string) (int64, error) {
	a, err := s.bucket.Attributes(ctx, key)
	if err != nil {
		return 0, s.wrap(err, "stat %s", key)
	}
	return a.Size, nil
}

// ReaderAt reads an object with one ranged request per ReadAt, for
// activityfile.NewReader. Remote stores answer each request with a round
// trip: for a whole file, fetching it once with NewReader into a local file
// (verifying the checksum on the way) is faster.
type ReaderAt struct {
	ctx    context.Context
	bucket *blob.Bucket
	store  *Store
	key    string
	size   int64
}

// OpenReaderAt returns a ReaderAt over the object at key. Errors: ENOTFOUND
// or a store error.
func (s *Store) OpenReaderAt(ctx context.Context, key string) (*ReaderAt, error) {
	size, err := s.Size(ctx, key)
	if err != nil {
		return nil, err
	}
	return &ReaderAt{ctx: ctx, bucket: s.bucket, store: s, key: key, size: size}, nil
}

// Size returns the object's size.
func (r *ReaderAt) Size() int64 { return r.size }

// ReadAt implements io.ReaderAt with a ranged read.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("read at negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	want := len(p)
	if rem := r.size - off; int64(want) > rem {
		want = int(rem)
	}
	rr, err := r.bucket.NewRangeReader(r.ctx, r.key, off, int64(want), nil)
	if err != nil {
		return 0, r.store.wrap(err, "read %s at %d", r.key, off)
	}
	defer rr.Close()
	n, err := io.ReadFull(rr, p[:want])
	if err != nil {
		return n, r.store.wrap(err, "read %s at %d", r.key, off)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Delete removes the object at key. Errors: ENOTFOUND or a store error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.bucket.Delete(ctx, key); err != nil {
		return s.wrap(err, "delete %s", key)
	}
	return nil
}

// Exists reports whether an object exists at key.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	ok, err := s.bucket.Exists(ctx, key)
	if err != nil {
		return false, s.wrap(err, "stat %s", key)
	}
	return ok, nil
}

// wrap maps a gocloud error to the domain's codes, keeping the cause.
func (s *Store) wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	what := fmt.Sprintf(format, args...)
	var code, msg string
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		code, msg = scalefield.ENOTFOUND, what+": not found"
	case gcerrors.PermissionDenied:
		code, msg = scalefield.EFORBIDDEN, what+": permission denied by "+s.redacted
	case gcerrors.InvalidArgument:
		code, msg = scalefield.EINVALID, what+": rejected by "+s.redacted
	case gcerrors.Unknown, gcerrors.Internal, gcerrors.ResourceExhausted, gcerrors.DeadlineExceeded, gcerrors.Canceled:
		// Network failures surface as Unknown: treat them as an outage.
		code, msg = scalefield.EUNAVAILABLE, what+": "+s.redacted+" unavailable"
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
	return &scalefield.Error{Code: code, Message: msg, Err: err}
}

// checkKey rejects keys that some backends would misread.
func checkKey(key string) error {
	switch {
	case key == "" || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/"):
		return scalefield.Errorf(scalefield.EINVALID, "blob key %q must be a relative name", key)
	case strings.Contains("/"+key+"/", "/../") || strings.Contains("/"+key+"/", "/./"):
		return scalefield.Errorf(scalefield.EINVALID, "blob key %q has . or .. segments", key)
	}
	return nil
}

// redact drops a URL's query (which may carry names of profiles, roles or
// keys) and user info.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.RawQuery, u.User = "", nil
	return u.String()
}
