package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/blobstore"
	"github.com/scalefield/scalefield/store"
)

// ImporterConfig configures the import stage. The zero value of a field
// means its default.
type ImporterConfig struct {
	// Interval is how often an idle worker looks for queued files (default
	// 2s); a notice on this replica wakes it at once.
	Interval time.Duration
	// ScanInterval is how often the blob store is listed for manifests no
	// notice announced (default 1m).
	ScanInterval time.Duration
	// FileTimeout bounds the import of one file (default 10m). The claim's
	// lease is FileTimeout plus a minute.
	FileTimeout time.Duration
	// BatchRows is the number of rows per COPY (default 16,384).
	BatchRows int
	// Workers is the number of files imported at once by this replica
	// (default 1).
	Workers int
	// MaxAttempts is how often a file whose import fails for a reason other
	// than its content (store or database unavailable) is tried before it
	// is quarantined (default 8).
	MaxAttempts int
	// RetryBackoff is the wait before the second attempt; it doubles with
	// each attempt up to 10 minutes (default 15s).
	RetryBackoff time.Duration
	// ScanPageSize is the number of keys listed per request (default 1000).
	ScanPageSize int
}

// DefaultImporterConfig returns the defaults.
func DefaultImporterConfig() ImporterConfig {
	return ImporterConfig{Interval: 2 * time.Second, ScanInterval: time.Minute, FileTimeout: 10 * time.Minute,
		BatchRows: 16384, Workers: 1, MaxAttempts: 8, RetryBackoff: 15 * time.Second, ScanPageSize: 1000}
}

func (c ImporterConfig) withDefaults() ImporterConfig {
	d := DefaultImporterConfig()
	if c.Interval <= 0 {
		c.Interval = d.Interval
	}
	if c.ScanInterval <= 0 {
		c.ScanInterval = d.ScanInterval
	}
	if c.FileTimeout <= 0 {
		c.FileTimeout = d.FileTimeout
	}
	if c.BatchRows <= 0 {
		c.BatchRows = d.BatchRows
	}
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = d.RetryBackoff
	}
	if c.ScanPageSize <= 0 {
		c.ScanPageSize = d.ScanPageSize
	}
	return c
}

// Importer is the import stage: it claims queued activity files, checks
// each against its manifest and streams its rows into Bronze in the
// transaction that marks it done. A file that cannot be imported as it is
// goes to quarantine with the reason and never holds up the others; a
// store or database outage leaves it queued for a later attempt. Any
// number of replicas may run it. It also scans the blob store for files no
// notice announced.
type Importer struct {
	Config ImporterConfig
	Files  *store.GatherService
	Blobs  *blobstore.Store
	Log    *slog.Logger

	wake   chan struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewImporter returns an import stage with cfg (defaults filled in).
func NewImporter(cfg ImporterConfig, files *store.GatherService, blobs *blobstore.Store, log *slog.Logger) *Importer {
	return &Importer{Config: cfg.withDefaults(), Files: files, Blobs: blobs, Log: log.With("stage", "import"),
		wake: make(chan struct{}, 1)}
}

// Start runs the workers and the scanner until Stop or ctx ends.
func (im *Importer) Start(ctx context.Context) {
	ctx, im.cancel = context.WithCancel(ctx)
	for range im.Config.Workers {
		im.wg.Add(1)
		go func() {
			defer im.wg.Done()
			im.work(ctx)
		}()
	}
	im.wg.Add(1)
	go func() {
		defer im.wg.Done()
		ticker := time.NewTicker(im.Config.ScanInterval)
		defer ticker.Stop()
		for {
			if res, err := im.Scan(ctx); err != nil && ctx.Err() == nil {
				im.Log.Error("scan blob store", "error", err)
			} else if res.Queued > 0 {
				im.Log.Info("scan found files", "nodes", res.Nodes, "manifests", res.Manifests, "queued", res.Queued)
				im.Notify()
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
}

// Stop stops the stage and waits for the files in progress to end (their
// imports are cancelled and roll back).
func (im *Importer) Stop() {
	if im.cancel != nil {
		im.cancel()
	}
	im.wg.Wait()
}

// Notify wakes an idle worker: a file was queued.
func (im *Importer) Notify() {
	select {
	case im.wake <- struct{}{}:
	default:
	}
}

func (im *Importer) work(ctx context.Context) {
	ticker := time.NewTicker(im.Config.Interval)
	defer ticker.Stop()
	for {
		for ctx.Err() == nil {
			res, err := im.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				im.Log.Error("import", "error", err)
			}
			if !res.Claimed || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-im.wake:
		case <-ticker.C:
		}
	}
}

// ImportResult says what one RunOnce did.
type ImportResult struct {
	// Claimed is false when no file was due.
	Claimed bool
	FileID  int64
	Key     string
	// Status is the file's status afterwards: done, quarantined, or queued
	// (to be tried again).
	Status string
	Rows   int64
	Reason string
}

// RunOnce claims one due file and imports it, within FileTimeout. The
// error is for failures of the queue itself; a file's own failure is in
// the result (and in the queue).
func (im *Importer) RunOnce(ctx context.Context) (ImportResult, error) {
	lease := im.Config.FileTimeout + time.Minute
	f, ok, err := im.Files.ClaimGatherFile(ctx, lease)
	if err != nil || !ok {
		return ImportResult{}, err
	}
	res := ImportResult{Claimed: true, FileID: f.ID, Key: f.ManifestKey}
	fctx, cancel := context.WithTimeout(ctx, im.Config.FileTimeout)
	defer cancel()
	start := time.Now()
	m, rows, err := im.importFile(fctx, f)
	switch {
	case err == nil:
		res.Status, res.Rows = scalefield.GatherFileDone, rows
		im.Log.Info("imported", "file", f.ManifestKey, "rows", rows, "seconds", time.Since(start).Seconds())
		return res, nil
	case errors.Is(err, store.ErrGatherClaimLost):
		im.Log.Warn("import claim lost to another replica", "file", f.ManifestKey)
		res.Status = scalefield.GatherFileImporting
		return res, nil
	case ctx.Err() != nil:
		// Stopping: the file goes back to the queue at once (if this fails,
		// the claim's lease brings it back later).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		res.Status = scalefield.GatherFileQueued
		_ = im.Files.FinishGatherFile(rctx, f, scalefield.GatherFileQueued, "interrupted: the engine stopped", time.Time{}, m)
		return res, nil
	}
	res.Reason = err.Error()
	status, retryAt := scalefield.GatherFileQuarantined, time.Time{}
	if reason := activityfile.ReasonOf(err); reason != "" {
		res.Reason = string(reason) + ": " + err.Error()
	} else if !isFileError(err) {
		if f.Attempts < im.Config.MaxAttempts {
			status, retryAt = scalefield.GatherFileQueued, time.Now().Add(im.backoff(f.Attempts))
		} else {
			res.Reason = fmt.Sprintf("gave up after %d attempts: %v", f.Attempts, err)
		}
	}
	res.Status = status
	// The outcome is recorded even if the file's own deadline passed.
	if ferr := im.Files.FinishGatherFile(context.WithoutCancel(ctx), f, status, res.Reason, retryAt, m); ferr != nil {
		if errors.Is(ferr, store.ErrGatherClaimLost) {
			return res, nil
		}
		return res, fmt.Errorf("record import failure of %s: %w", f.ManifestKey, ferr)
	}
	if status == scalefield.GatherFileQuarantined {
		im.Log.Warn("import quarantined", "file", f.ManifestKey, "reason", res.Reason)
	} else {
		im.Log.Warn("import failed, will retry", "file", f.ManifestKey, "attempt", f.Attempts, "error", err)
	}
	return res, nil
}

func (im *Importer) backoff(attempts int) time.Duration {
	d := im.Config.RetryBackoff
	for i := 1; i < attempts && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// fileError is a problem of the file pair itself (missing, inconsistent)
// that is not an activityfile.CorruptError.
type fileError struct{ reason, detail string }

func (e *fileError) Error() string { return e.reason + ": " + e.detail }

func isFileError(err error) bool {
	var fe *fileError
	return errors.As(err, &fe)
}

// importFile checks the pair and imports it. It returns the stored
// manifest when it was read.
func (im *Importer) importFile(ctx context.Context, f *scalefield.GatherFile) (*scalefield.GatherManifest, int64, error) {
	man, err := im.Blobs.ReadManifest(ctx, f.ManifestKey)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND && activityfile.ReasonOf(err) == "" {
		return nil, 0, &fileError{"missing", "the manifest is not in the store"}
	} else if err != nil {
		return nil, 0, err
	}
	gm := &scalefield.GatherManifest{File: man.File, SHA256: man.SHA256, Rows: man.Rows, Bytes: man.Bytes, Source: man.Source,
		Engine: man.Engine, MinTime: man.MinTime, MaxTime: man.MaxTime}
	if man.File != path.Base(f.FileKey) {
		return gm, 0, &fileError{"manifest_mismatch", fmt.Sprintf("the manifest describes %q, not %q", man.File, path.Base(f.FileKey))}
	}
	if f.Manifest != nil && f.Manifest.SHA256 != "" && !strings.EqualFold(f.Manifest.SHA256, man.SHA256) {
		return gm, 0, &fileError{"manifest_mismatch", "the stored manifest differs from the one announced"}
	}
	ra, err := im.Blobs.OpenReaderAt(ctx, f.FileKey)
	if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
		return gm, 0, &fileError{"missing", "the file of the manifest is not in the store"}
	} else if err != nil {
		return gm, 0, err
	}
	if err := activityfile.VerifyChecksum(ra, ra.Size(), &man); err != nil {
		return gm, 0, err
	}
	receivedAt := time.Now().UTC()
	err = im.Files.ImportGatherFile(ctx, f, *gm, func(ctx context.Context, tx pgx.Tx) (int64, error) {
		return copyActivityFile(ctx, tx, f.TenantID, ra, ra.Size(), man.Rows, im.Config.BatchRows, receivedAt)
	})
	return gm, man.Rows, err
}

// copyActivityFile streams the rows of an activity file into Bronze inside
// tx, in one COPY that sends rows while the next batch is decoded, and
// checks their number against the manifest's.
func copyActivityFile(ctx context.Context, tx pgx.Tx, tenantID string, r io.ReaderAt, size, wantRows int64, batchRows int, receivedAt time.Time) (int64, error) {
	rd, err := activityfile.NewReader(r, size)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	if got := rd.Info().Rows; got != wantRows {
		return 0, &fileError{"row_count_mismatch", fmt.Sprintf("the file's footer counts %d rows, the manifest %d", got, wantRows)}
	}
	batch := make([]scalefield.DBActivity, batchRows)
	n, err := store.CopyGatherBronzeStream(ctx, tx, tenantID, wantRows, receivedAt, func() ([]scalefield.DBActivity, error) {
		k, err := rd.Next(batch)
		if err != nil && (k == 0 || !errors.Is(err, io.EOF)) {
			return nil, err
		}
		if k == 0 {
			return nil, io.EOF
		}
		return batch[:k], nil
	})
	switch {
	case errors.Is(err, store.ErrGatherTooManyRows):
		return n, &fileError{"row_count_mismatch", fmt.Sprintf("the file holds more than the manifest's %d rows", wantRows)}
	case err != nil:
		return n, err
	case n != wantRows:
		return n, &fileError{"row_count_mismatch", fmt.Sprintf("the file holds %d rows, the manifest says %d", n, wantRows)}
	}
	return n, nil
}

// ScanResult says what one Scan did.
type ScanResult struct {
	// Skipped is true when another replica was scanning.
	Skipped                  bool
	Nodes, Manifests, Queued int
}

// Scan lists the manifests under every active node's prefix and queues
// those the engine does not know. One replica scans at a time; the others
// skip.
func (im *Importer) Scan(ctx context.Context) (ScanResult, error) {
	var res ScanResult
	ran, err := im.Files.WithGatherScanLock(ctx, func(ctx context.Context) error {
		nodes, err := im.Files.ListActiveGatherNodes(ctx)
		if err != nil {
			return err
		}
		res.Nodes = len(nodes)
		for _, n := range nodes {
			prefix := scalefield.GatherKeyPrefix(n.TenantID, n.NodeID)
			token := ""
			for {
				page, err := im.Blobs.ListManifests(ctx, prefix, token, im.Config.ScanPageSize)
				if err != nil {
					return fmt.Errorf("list %s: %w", prefix, err)
				}
				notices := make([]scalefield.GatherFileNotice, 0, len(page.Manifests))
				for _, o := range page.Manifests {
					notices = append(notices, scalefield.GatherFileNotice{ManifestKey: o.Key})
				}
				res.Manifests += len(notices)
				q, err := im.Files.EnqueueGatherFiles(ctx, n.TenantID, n.NodeID, "scan", notices)
				if err != nil {
					return fmt.Errorf("queue files of %s: %w", prefix, err)
				}
				res.Queued += q
				if token = page.Next; token == "" {
					break
				}
			}
		}
		return nil
	})
	res.Skipped = !ran && err == nil
	return res, err
}
