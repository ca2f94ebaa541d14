package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// GatherConfig configures the gather listener (docs/gather-protocol.md).
type GatherConfig struct {
	// Addr is the listen address, e.g. ":8443".
	Addr string
	// Hostnames are the DNS names and IP addresses of the server
	// certificate.
	Hostnames []string
	// HeartbeatInterval is what nodes are asked to keep (default 30s).
	HeartbeatInterval time.Duration
	// Body limits of enroll, heartbeat and files requests (defaults 64 KiB,
	// 1 MiB, 4 MiB); 413 above.
	MaxEnrollBytes, MaxHeartbeatBytes, MaxFilesBytes int64
	// MaxFiles bounds the files of one notice (default 1,000) and MaxItems
	// the IPs, databases and collectors of a heartbeat (default 256).
	MaxFiles, MaxItems int
	// EnrollRate bounds enrollments per client IP; NodeRate the requests of
	// each node.
	EnrollRate, NodeRate scalefield.Limit
	// BlobURLHint is returned to heartbeats: the engine's blob store URL
	// without its query, or "".
	BlobURLHint string
}

// DefaultGatherConfig returns the defaults, listening on :8443 for
// localhost.
func DefaultGatherConfig() GatherConfig {
	return GatherConfig{
		Addr: ":8443", Hostnames: []string{"localhost", "127.0.0.1"}, HeartbeatInterval: scalefield.DefaultHeartbeatInterval,
		MaxEnrollBytes: 64 << 10, MaxHeartbeatBytes: 1 << 20, MaxFilesBytes: 4 << 20, MaxFiles: 1000, MaxItems: 256,
		EnrollRate: scalefield.Limit{Events: 10, Window: time.Minute, Burst: 5},
		NodeRate:   scalefield.Limit{Events: 600, Window: time.Minute, Burst: 60},
	}
}

// GatherStore is what the listener needs of the store (store.GatherService).
type GatherStore interface {
	EnrollGatherNode(ctx context.Context, e scalefield.GatherEnrollment) (*scalefield.GatherNode, error)
	FindGatherNodeForCert(ctx context.Context, tenantID, nodeID string) (*scalefield.GatherNode, error)
	RecordGatherHeartbeat(ctx context.Context, tenantID, nodeID string, hb scalefield.GatherHeartbeat) error
	EnqueueGatherFiles(ctx context.Context, tenantID, nodeID, foundBy string, files []scalefield.GatherFileNotice) (int, error)
}

// GatherServer is the gather listener: HTTPS with client certificates
// issued by the engine's CA. Enrollment needs no certificate; every other
// endpoint needs the certificate of an enrolled node that is not revoked.
type GatherServer struct {
	Config  GatherConfig
	CA      *auth.CA
	Store   GatherStore
	Limiter scalefield.RateLimiter // nil: no rate limits
	Log     *slog.Logger
	// Queued, if set, is called after a notice queued new files (it wakes
	// the import stage of this replica).
	Queued func()

	certs *auth.ServerCertSource
	ln    net.Listener
	srv   *http.Server
}

// TLSConfig returns the listener's TLS configuration: the CA-issued server
// certificate (rotated before expiry), and client certificates verified
// against the CA when given.
func (g *GatherServer) TLSConfig() *tls.Config {
	if g.certs == nil {
		g.certs = &auth.ServerCertSource{CA: g.CA, Hosts: g.Config.Hostnames}
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: g.certs.GetCertificate,
		ClientAuth:     tls.VerifyClientCertIfGiven,
		ClientCAs:      g.CA.Pool(),
	}
}

// Handler returns the routes of the gather protocol.
func (g *GatherServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /gather/v1/enroll", instrument("gather_enroll", http.HandlerFunc(g.enroll)))
	mux.Handle("POST /gather/v1/heartbeat", instrument("gather_heartbeat", g.node(http.HandlerFunc(g.heartbeat))))
	mux.Handle("POST /gather/v1/files", instrument("gather_files", g.node(http.HandlerFunc(g.files))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeGatherError(w, http.StatusNotFound, "not_found", "no such endpoint")
	})
	return mux
}

// Open starts listening and serving in the background.
func (g *GatherServer) Open() error {
	if g.CA == nil || g.Store == nil {
		return errors.New("gather listener: CA and store are required")
	}
	ln, err := net.Listen("tcp", g.Config.Addr)
	if err != nil {
		return fmt.Errorf("gather listener on %s: %w", g.Config.Addr, err)
	}
	g.ln = ln
	g.srv = &http.Server{
		Handler:           g.Handler(),
		TLSConfig:         g.TLSConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(g.Log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := g.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			g.Log.Error("gather listener stopped", "error", err)
		}
	}()
	return nil
}

// Addr returns the address the listener is bound to.
func (g *GatherServer) Addr() string { return g.ln.Addr().String() }

// URL returns the listener's base URL.
func (g *GatherServer) URL() string { return "https://" + g.Addr() }

// Close stops accepting requests and waits for those in flight, up to ctx.
func (g *GatherServer) Close(ctx context.Context) error {
	if g.srv == nil {
		return nil
	}
	return g.srv.Shutdown(ctx)
}

// writeGatherError answers {"error": msg, "code": code}.
func writeGatherError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}

func writeGatherJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers err with its status and code; internal errors are logged
// and not shown.
func (g *GatherServer) fail(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	switch code := scalefield.ErrorCode(err); {
	case errors.As(err, &tooLarge):
		writeGatherError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body above %d bytes", tooLarge.Limit))
	case code == scalefield.EINVALID:
		writeGatherError(w, http.StatusBadRequest, "invalid", scalefield.ErrorMessage(err))
	case code == scalefield.EUNAUTHORIZED || code == scalefield.ENOTFOUND && r.URL.Path != "/gather/v1/enroll":
		writeGatherError(w, http.StatusUnauthorized, "unauthorized", scalefield.ErrorMessage(err))
	case code == scalefield.ECONFLICT:
		writeGatherError(w, http.StatusConflict, "conflict", scalefield.ErrorMessage(err))
	case code == scalefield.ERATELIMIT:
		w.Header().Set("Retry-After", "10")
		writeGatherError(w, http.StatusTooManyRequests, "rate_limited", scalefield.ErrorMessage(err))
	default:
		g.Log.Error("gather request", "path", r.URL.Path, "error", err)
		writeGatherError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// decodeGatherBody reads a JSON body of at most limit bytes into v.
func decodeGatherBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return scalefield.Errorf(scalefield.EINVALID, "body is not the expected JSON: %v", err)
	}
	if dec.More() {
		return scalefield.Errorf(scalefield.EINVALID, "body holds more than one JSON value")
	}
	return nil
}

func (g *GatherServer) allow(ctx context.Context, key string, l scalefield.Limit) error {
	if g.Limiter == nil || l.Events <= 0 {
		return nil
	}
	return g.Limiter.Allow(ctx, key, l, 1)
}

type enrollRequest struct {
	Token    string `json:"token"`
	CSR      string `json:"csr"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
}

type enrollResponse struct {
	NodeID      string `json:"node_id"`
	TenantID    string `json:"tenant_id"`
	KeyPrefix   string `json:"key_prefix"`
	Certificate string `json:"certificate"`
	CA          string `json:"ca"`
}

func (g *GatherServer) enroll(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if err := g.allow(r.Context(), "gather-enroll:ip:"+ip, g.Config.EnrollRate); err != nil {
		g.fail(w, r, err)
		return
	}
	var req enrollRequest
	if err := decodeGatherBody(w, r, g.Config.MaxEnrollBytes, &req); err != nil {
		g.fail(w, r, err)
		return
	}
	switch {
	case strings.TrimSpace(req.Token) == "":
		g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "token is required"))
		return
	case strings.TrimSpace(req.CSR) == "":
		g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "csr is required"))
		return
	case len(req.Hostname) > 255 || len(req.Version) > 64:
		g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "hostname or version too long"))
		return
	}
	var issued *auth.NodeCert
	node, err := g.Store.EnrollGatherNode(r.Context(), scalefield.GatherEnrollment{
		Token: req.Token, Hostname: req.Hostname, Version: req.Version, IP: ip,
		Sign: func(nodeID, tenantID string) (scalefield.IssuedCert, error) {
			nc, err := g.CA.SignNode([]byte(req.CSR), nodeID, tenantID)
			if err != nil {
				return scalefield.IssuedCert{}, err
			}
			issued = nc
			return scalefield.IssuedCert{Serial: nc.Serial, Fingerprint: nc.Fingerprint, NotAfter: nc.Cert.NotAfter}, nil
		},
	})
	if err != nil {
		// An unknown token is a bad credential here, not a missing thing.
		if scalefield.ErrorCode(err) == scalefield.ENOTFOUND {
			err = scalefield.Errorf(scalefield.EUNAUTHORIZED, "unknown enrollment token")
		}
		g.fail(w, r, err)
		return
	}
	g.Log.Info("gather node enrolled", "tenant", node.TenantID, "node", node.ID, "hostname", node.Hostname, "ip", ip)
	writeGatherJSON(w, http.StatusOK, enrollResponse{NodeID: node.ID, TenantID: node.TenantID,
		KeyPrefix: scalefield.GatherKeyPrefix(node.TenantID, node.ID), Certificate: string(issued.PEM), CA: string(g.CA.CertPEM)})
}

type gatherNodeKey struct{}

// node authenticates the client certificate: issued by the CA, of a node
// that exists, is not revoked, and holds this very certificate.
func (g *GatherServer) node(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			g.fail(w, r, scalefield.Errorf(scalefield.EUNAUTHORIZED, "a client certificate is required"))
			return
		}
		id, err := g.CA.VerifyNode(r.TLS.PeerCertificates[0])
		if err != nil {
			g.fail(w, r, err)
			return
		}
		n, err := g.Store.FindGatherNodeForCert(r.Context(), id.TenantID, id.NodeID)
		switch {
		case scalefield.ErrorCode(err) == scalefield.ENOTFOUND:
			g.fail(w, r, scalefield.Errorf(scalefield.EUNAUTHORIZED, "unknown gather node"))
			return
		case err != nil:
			g.fail(w, r, err)
			return
		case n.RevokedAt != nil:
			g.fail(w, r, scalefield.Errorf(scalefield.EUNAUTHORIZED, "gather node revoked"))
			return
		case string(n.CertFingerprint) != string(id.Fingerprint):
			g.fail(w, r, scalefield.Errorf(scalefield.EUNAUTHORIZED, "certificate replaced"))
			return
		}
		if err := g.allow(r.Context(), "gather-node:"+n.ID, g.Config.NodeRate); err != nil {
			g.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), gatherNodeKey{}, n)))
	})
}

func nodeFrom(r *http.Request) *scalefield.GatherNode {
	return r.Context().Value(gatherNodeKey{}).(*scalefield.GatherNode)
}

type heartbeatRequest struct {
	Version   string   `json:"version"`
	Hostname  string   `json:"hostname"`
	IPs       []string `json:"ips"`
	OS        string   `json:"os"`
	Databases []struct {
		Engine  string `json:"engine"`
		Version string `json:"version"`
		Name    string `json:"name"`
		Host    string `json:"host"`
		Port    int    `json:"port"`
	} `json:"databases"`
	Location *struct {
		Lat   *float64 `json:"lat"`
		Lon   *float64 `json:"lon"`
		Label string   `json:"label"`
	} `json:"location"`
	Spool      json.RawMessage `json:"spool"`
	Collectors json.RawMessage `json:"collectors"`
}

type heartbeatResponse struct {
	BlobURLHint              string `json:"blob_url_hint"`
	HeartbeatIntervalSeconds int    `json:"heartbeat_interval_seconds"`
}

func (g *GatherServer) heartbeat(w http.ResponseWriter, r *http.Request) {
	n := nodeFrom(r)
	var req heartbeatRequest
	if err := decodeGatherBody(w, r, g.Config.MaxHeartbeatBytes, &req); err != nil {
		g.fail(w, r, err)
		return
	}
	hb, err := g.toHeartbeat(&req)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if err := g.Store.RecordGatherHeartbeat(r.Context(), n.TenantID, n.ID, hb); err != nil {
		g.fail(w, r, err)
		return
	}
	writeGatherJSON(w, http.StatusOK, heartbeatResponse{BlobURLHint: g.Config.BlobURLHint,
		HeartbeatIntervalSeconds: int(g.Config.HeartbeatInterval / time.Second)})
}

func (g *GatherServer) toHeartbeat(req *heartbeatRequest) (scalefield.GatherHeartbeat, error) {
	max := g.Config.MaxItems
	if len(req.IPs) > max || len(req.Databases) > max {
		return scalefield.GatherHeartbeat{}, scalefield.Errorf(scalefield.EINVALID, "at most %d IP addresses and databases", max)
	}
	hb := scalefield.GatherHeartbeat{Version: req.Version, Hostname: req.Hostname, OS: req.OS, IPs: req.IPs}
	for _, d := range req.Databases {
		if strings.TrimSpace(d.Engine) == "" {
			return hb, scalefield.Errorf(scalefield.EINVALID, "a database without an engine")
		}
		if d.Port < 0 || d.Port > 65535 {
			return hb, scalefield.Errorf(scalefield.EINVALID, "database port %d out of range", d.Port)
		}
		hb.Databases = append(hb.Databases, scalefield.GatherDatabase{Engine: d.Engine, Version: d.Version, Name: d.Name, Host: d.Host, Port: d.Port})
	}
	if l := req.Location; l != nil && (l.Lat != nil || l.Lon != nil) {
		if l.Lat == nil || l.Lon == nil || *l.Lat < -90 || *l.Lat > 90 || *l.Lon < -180 || *l.Lon > 180 {
			return hb, scalefield.Errorf(scalefield.EINVALID, "location needs lat in [-90, 90] and lon in [-180, 180]")
		}
		hb.Location = &scalefield.GatherLocation{Lat: *l.Lat, Lon: *l.Lon, Label: l.Label}
	}
	inv := map[string]json.RawMessage{}
	if len(req.Spool) > 0 && string(req.Spool) != "null" {
		inv["spool"] = req.Spool
	}
	if len(req.Collectors) > 0 && string(req.Collectors) != "null" {
		var cs []json.RawMessage
		if err := json.Unmarshal(req.Collectors, &cs); err != nil || len(cs) > max {
			return hb, scalefield.Errorf(scalefield.EINVALID, "collectors must be a list of at most %d", max)
		}
		inv["collectors"] = req.Collectors
	}
	hb.Inventory, _ = json.Marshal(inv)
	return hb, nil
}

type filesRequest struct {
	Files []struct {
		ManifestKey string                 `json:"manifest_key"`
		Manifest    *activityfile.Manifest `json:"manifest"`
	} `json:"files"`
}

func (g *GatherServer) files(w http.ResponseWriter, r *http.Request) {
	n := nodeFrom(r)
	var req filesRequest
	if err := decodeGatherBody(w, r, g.Config.MaxFilesBytes, &req); err != nil {
		g.fail(w, r, err)
		return
	}
	if len(req.Files) > g.Config.MaxFiles {
		g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "at most %d files per notice", g.Config.MaxFiles))
		return
	}
	notices := make([]scalefield.GatherFileNotice, 0, len(req.Files))
	for i, f := range req.Files {
		notice := scalefield.GatherFileNotice{ManifestKey: f.ManifestKey}
		if m := f.Manifest; m != nil {
			if err := m.Validate(); err != nil {
				g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "files[%d]: %v", i, err))
				return
			}
			if want := path.Base(strings.TrimSuffix(f.ManifestKey, activityfile.ManifestExt)); m.File != want {
				g.fail(w, r, scalefield.Errorf(scalefield.EINVALID, "files[%d]: the manifest describes %q, the key %q", i, m.File, want))
				return
			}
			notice.Manifest = &scalefield.GatherManifest{File: m.File, SHA256: m.SHA256, Rows: m.Rows, Bytes: m.Bytes,
				Source: m.Source, Engine: m.Engine, MinTime: m.MinTime, MaxTime: m.MaxTime}
		}
		notices = append(notices, notice)
	}
	queued, err := g.Store.EnqueueGatherFiles(r.Context(), n.TenantID, n.ID, "notice", notices)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	if queued > 0 && g.Queued != nil {
		g.Queued()
	}
	writeGatherJSON(w, http.StatusAccepted, map[string]int{"accepted": len(notices), "queued": queued})
}
