// Package server is the HTTP face of Scalefield: the GraphQL API and its
// transports, the ingestion endpoints, health and metrics, and the SPA.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/graph"
	"github.com/scalefield/scalefield/ingest"
)

// Config configures the HTTP server.
type Config struct {
	// Addr is the listen address, e.g. 127.0.0.1:8080.
	Addr string
	// WebDir holds the built SPA; empty serves no SPA.
	WebDir string
	// AllowedOrigins are extra Origin host patterns allowed to open the
	// GraphQL WebSocket (the server's own host always is).
	AllowedOrigins []string
	// MaxBodyBytes bounds a GraphQL request body.
	MaxBodyBytes int64
	// ComplexityLimit bounds the cost of a GraphQL operation.
	ComplexityLimit int
	// GraphQLRate is the complexity each caller may spend, across replicas.
	GraphQLRate scalefield.Limit
	// SessionCheck is how often a GraphQL WebSocket's token is
	// authenticated again; when its session was signed out or revoked, its
	// API key revoked, or the token expired, the socket is closed. 0 means
	// 30 seconds.
	SessionCheck time.Duration
}

// ReadyCheck reports whether a dependency is ready; nil means ready.
type ReadyCheck func(ctx context.Context) error

// Server serves every HTTP endpoint of the engine.
type Server struct {
	Config   Config
	Log      *slog.Logger
	Auth     scalefield.AuthService
	Resolver *graph.Resolver
	HEC      *ingest.HEC
	// Authorizer checks permissions of the non-GraphQL endpoints.
	Authorizer scalefield.Authorizer
	// Audit records what those endpoints do; AuditExport serves the export.
	Audit       scalefield.AuditService
	AuditExport AuditExporter
	// OIDC serves single sign-on.
	OIDC *OIDCHandlers
	// Limiter bounds GraphQL work per user and per API key by operation
	// complexity (Config.GraphQLRate).
	Limiter scalefield.RateLimiter
	// Ready names the checks behind /readyz.
	Ready map[string]ReadyCheck

	ln  net.Listener
	srv *http.Server
}

// Handler returns the routes of the server.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	gql := newGraphQLHandler(s.Config, s.Resolver, s.Auth, s.Limiter, s.Log)
	graphQL := instrument("graphql", s.authenticate(http.MaxBytesHandler(gql, s.Config.MaxBodyBytes)))
	// GET serves queries and the WebSocket upgrade; POST everything else.
	mux.Handle("GET /graphql", graphQL)
	mux.Handle("POST /graphql", graphQL)

	s.HEC.Register(mux, instrument)

	if s.OIDC != nil {
		s.OIDC.Register(mux)
	}
	mux.Handle("GET /api/v1/audit/export", instrument("audit_export", s.authenticate(http.HandlerFunc(s.exportAudit))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.Handler())
	if s.Config.WebDir != "" {
		mux.Handle("GET /", spaHandler(s.Config.WebDir))
	}
	return s.recoverer(mux)
}

// Open starts listening and serving in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Config.Addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Log.Error("http server stopped", "error", err)
		}
	}()
	return nil
}

// URL returns the base URL the server listens on.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops accepting requests and waits for those in flight, up to ctx.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// authenticate puts the session of a valid bearer token into the context.
// A request without a token goes on without a session (login is public; the
// GraphQL layer refuses everything else); a bad token is refused outright.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := scalefield.NewContextWithRemoteAddr(r.Context(), clientIP(r))
		ctx = graph.WithUserAgent(ctx, r.UserAgent())
		if h := r.Header.Get("Authorization"); h != "" {
			token := bearerToken(h)
			session, err := s.Auth.Authenticate(ctx, token)
			if err != nil {
				writeGraphQLError(w, http.StatusUnauthorized, err)
				return
			}
			ctx = scalefield.NewContextWithSession(ctx, session)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("http handler panic", "panic", v, "path", r.URL.Path)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var failed []string
	for name, check := range s.Ready {
		if err := check(ctx); err != nil {
			s.Log.Warn("not ready", "check", name, "error", err)
			failed = append(failed, name+": "+err.Error())
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(failed) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready\n" + strings.Join(failed, "\n") + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// spaHandler serves the built SPA: files that exist as they are, every
// other path as index.html so client-side routes load.
func spaHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(dir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)))
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			if strings.HasPrefix(r.URL.Path, "/assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, filepath.Join(dir, "index.html"))
	})
}
