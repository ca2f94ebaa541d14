// Command scalefield runs the Scalefield engine.
//
//	scalefield serve     serve the API, ingestion and SPA, and run the pipeline
//	scalefield migrate   apply pending database migrations and exit
//	scalefield version   print the version
//	scalefield gather    run a gather agent beside a database (--config gather.yaml)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/auth"
	"github.com/scalefield/scalefield/gather/blobstore"
	"github.com/scalefield/scalefield/graph"
	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/pipeline"
	"github.com/scalefield/scalefield/pipeline/enrich"
	"github.com/scalefield/scalefield/pipeline/mapper"
	"github.com/scalefield/scalefield/rbac"
	"github.com/scalefield/scalefield/server"
	"github.com/scalefield/scalefield/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "scalefield:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintf(stdout, "scalefield %s %s\n", scalefield.Version, scalefield.Commit)
		return nil
	case "serve", "migrate":
		cfg, err := ParseConfig(args, getenv)
		if err != nil {
			return err
		}
		m := NewMain(cfg, stdout, stderr)
		if cmd == "migrate" {
			m.Config.Pipeline, m.Config.WebDir = false, ""
			defer m.Close(context.Background())
			return m.Migrate(ctx)
		}
		if err := m.Run(ctx); err != nil {
			m.Close(context.Background())
			return err
		}
		<-ctx.Done()
		m.Log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return m.Close(shutdownCtx)
	case "gather":
		return runGather(ctx, args, getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate, gather or version)", cmd)
	}
}

// Main is the running program: every service wired together. End-to-end
// tests build one with NewMain and Run it.
type Main struct {
	Config Config
	Log    *slog.Logger
	// Stdout receives the one-time demo credentials.
	Stdout io.Writer

	DB     *store.DB
	Redis  *redis.Client
	Broker *store.Broker
	// Committer group-commits what the receivers accept; Syslog listens
	// when configured.
	Committer *ingest.Committer
	Syslog    *ingest.Syslog
	// Authorizer is the Casbin enforcer, reloaded on changes from any replica.
	Authorizer *rbac.Enforcer
	Refiner    *pipeline.Refiner
	Retainer   *pipeline.Retainer
	Aggregator *pipeline.Aggregator
	// closers release what Run opened besides the fields above.
	closers []func() error
	// Partitions is started with the pipeline; Migrate also runs it once.
	Partitions *pipeline.PartitionMaintainer
	Server     *server.Server
	// Gather is the gather listener and Importer the import stage, when
	// configured (--gather-addr, --gather-blob-url).
	Gather   *server.GatherServer
	Importer *pipeline.Importer
}

// NewMain returns a Main for cfg that logs to stderr.
func NewMain(cfg Config, stdout, stderr io.Writer) *Main {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewJSONHandler(stderr, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(stderr, opts)
	}
	log := slog.New(h)
	setRedisLogger.Do(func() { redis.SetLogger(redisLog{log: log}) })
	return &Main{Config: cfg, Log: log, Stdout: stdout}
}

func (m *Main) openDB(ctx context.Context) error {
	appURL := m.Config.AppDatabaseURL
	if appURL == "" {
		var err error
		if appURL, err = store.AppURL(m.Config.DatabaseURL); err != nil {
			return err
		}
	}
	db, err := store.OpenWithApp(ctx, m.Config.DatabaseURL, appURL)
	if err != nil {
		return err
	}
	m.DB = db
	return nil
}

// Migrate connects to the database and applies pending migrations.
func (m *Main) Migrate(ctx context.Context) error {
	if err := m.openDB(ctx); err != nil {
		return err
	}
	return m.DB.Migrate(ctx, m.Log)
}

// Run connects, migrates, seeds the demo tenant when asked, starts the
// pipeline and begins serving. It returns once serving.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Migrate(ctx); err != nil {
		return err
	}
	if err := m.DB.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	ropts, err := redis.ParseURL(m.Config.RedisURL)
	if err != nil {
		return fmt.Errorf("redis url: %w", err)
	}
	m.Redis = redis.NewClient(ropts)
	if err := m.Redis.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	m.Broker = store.NewBroker(m.Redis, m.Log)
	if err := m.Broker.Start(ctx); err != nil {
		return err
	}

	key, err := auth.LoadOrCreateKey(m.Config.JWTKeyFile)
	if err != nil {
		return err
	}
	secretKey, err := auth.LoadOrCreateSecretKey(m.Config.SecretKeyFile)
	if err != nil {
		return err
	}
	cipher, err := auth.NewCipher(auth.SecretKey{ID: 1, Key: secretKey})
	if err != nil {
		return err
	}
	users := store.NewUserService(m.DB)
	tenants := store.NewTenantService(m.DB)
	events := store.NewEventService(m.DB)
	hecTokens := store.NewHECTokenService(m.DB)
	audit := store.NewAuditService(m.DB)
	limiter := store.NewRateLimiter(m.Redis)
	goldStore := store.NewGoldService(m.DB)
	gold := store.NewGoldCache(goldStore, m.Redis, m.Log)

	// Seed before the authorizer loads its policy, so it knows the demo
	// memberships from the start.
	if m.Config.Demo {
		if err := seedDemo(ctx, m.Config, tenants, users, m.Stdout, m.Log); err != nil {
			return fmt.Errorf("seed demo tenant: %w", err)
		}
	}

	// Ingestion: one group-commit queue shared by HEC and syslog. Both are
	// stopped by Close, not by ctx, so a shutdown drains them.
	m.Committer = ingest.NewCommitter(m.Config.Committer, events, m.Log)
	if err := m.Committer.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	hecConfig := ingest.DefaultHECConfig()
	hecConfig.AllowQueryToken = m.Config.HECAllowQueryToken
	if m.Config.SyslogConfig != "" {
		scfg, err := ingest.LoadSyslogConfig(m.Config.SyslogConfig)
		if err != nil {
			return err
		}
		m.Syslog = &ingest.Syslog{Config: scfg, Committer: m.Committer, Tenants: tenants, Log: m.Log}
		if err := m.Syslog.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("syslog: %w", err)
		}
	}

	m.Authorizer, err = rbac.New(ctx, rbac.DefaultConfig(), m.DB.Pool, m.Redis, m.Log)
	if err != nil {
		return err
	}
	if err := m.Authorizer.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}

	authConfig := auth.DefaultConfig()
	authConfig.PublicURL = m.Config.PublicURL
	authService := &auth.Service{
		Users: users, Store: store.NewIdentityStore(m.DB), OneTime: store.NewOneTimeStore(m.Redis),
		Signer: auth.NewSigner(key, m.Config.TokenTTL), Secrets: cipher, Audit: audit, Limiter: limiter,
		Config: authConfig, Log: m.Log,
	}
	if err := authService.Validate(); err != nil {
		return fmt.Errorf("auth: %w", err)
	}

	if m.Config.Pipeline {
		cfg := pipeline.DefaultRefineConfig()
		cfg.BatchSize = m.Config.RefineBatchSize
		m.Refiner = pipeline.NewRefiner(cfg, m.DB, m.Broker, m.Log)
		// Syslog, CEF and the vendor payloads are read by the mappers; plain
		// HEC JSON falls through to the generic rules.
		m.Refiner.Normalize = mapper.Normalize
		var geo *enrich.GeoIP
		if m.Config.GeoIPCity != "" {
			if geo, err = enrich.OpenGeoIP(m.Config.GeoIPCity, m.Config.GeoIPASN); err != nil {
				return fmt.Errorf("geoip: %w", err)
			}
			m.closers = append(m.closers, geo.Close)
		}
		enricher, err := enrich.New(geo, store.NewIntelService(m.DB), enrich.Config{})
		if err != nil {
			return fmt.Errorf("enrichment: %w", err)
		}
		m.Refiner.Enricher = enricher
		m.Refiner.Start(context.WithoutCancel(ctx))
		m.Aggregator = pipeline.NewAggregator(goldStore, m.Log)
		m.Aggregator.Config.Interval = m.Config.GoldFoldInterval
		m.Aggregator.Changed = gold.Invalidate
		m.Aggregator.Start(context.WithoutCancel(ctx))
		m.Retainer = pipeline.NewRetainer(goldStore, m.Log)
		m.Retainer.Start(context.WithoutCancel(ctx))
		m.Partitions = pipeline.NewPartitionMaintainer(m.DB, m.Log)
		m.Partitions.Start(context.WithoutCancel(ctx))
	}

	gatherAPI, err := m.startGather(ctx, cipher, limiter)
	if err != nil {
		return err
	}

	m.Server = &server.Server{
		Config: server.Config{
			Addr: m.Config.Addr, WebDir: m.Config.WebDir, AllowedOrigins: m.Config.AllowedOrigins,
			MaxBodyBytes: m.Config.MaxBodyBytes, ComplexityLimit: m.Config.ComplexityLimit,
			GraphQLRate: graphQLRate(m.Config.ComplexityLimit), SessionCheck: m.Config.SessionCheck,
		},
		Log:  m.Log,
		Auth: authService,
		Resolver: &graph.Resolver{
			AuthService: authService, TenantService: tenants, UserService: users,
			EventService: events, EventBroker: m.Broker, HECTokens: hecTokens, Ingest: events, GoldService: gold,
			MFAService: authService, APIKeyService: authService, SSO: authService,
			Authorizer: m.Authorizer, AuditService: audit, TenantAdmin: tenants, PublicURL: m.Config.PublicURL,
			HashPassword: func(password, email string) (string, error) {
				if err := auth.CheckPassword(password, email); err != nil {
					return "", err
				}
				return auth.HashPassword(password)
			},
			Invalidate: m.Authorizer.Invalidate,
			Gather:     gatherAPI,
		},
		Authorizer:  m.Authorizer,
		Audit:       audit,
		AuditExport: audit,
		OIDC:        &server.OIDCHandlers{SSO: authService, Log: m.Log},
		Limiter:     limiter,
		HEC:         &ingest.HEC{Config: hecConfig, Tokens: hecTokens, Bronze: events, Committer: m.Committer, Log: m.Log, Now: time.Now},
		Ready: map[string]server.ReadyCheck{
			"postgres": m.DB.Ping,
			"redis":    func(ctx context.Context) error { return m.Redis.Ping(ctx).Err() },
			"migrations": func(ctx context.Context) error {
				n, err := m.DB.MigrationsPending(ctx)
				if err == nil && n > 0 {
					err = fmt.Errorf("%d migrations pending", n)
				}
				return err
			},
		},
	}
	if err := m.Server.Open(); err != nil {
		return err
	}
	m.Log.Info("serving", "url", m.Server.URL(), "version", scalefield.Version, "pipeline", m.Config.Pipeline)
	return nil
}

// Close stops serving, then the pipeline, then closes connections.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	if m.Server != nil {
		errs = append(errs, m.Server.Close(ctx))
	}
	if m.Gather != nil {
		errs = append(errs, m.Gather.Close(ctx))
	}
	if m.Importer != nil {
		m.Importer.Stop()
	}
	// Receivers first, then the queue they feed, so nothing accepted is lost.
	if m.Syslog != nil {
		m.Syslog.Stop()
	}
	if m.Committer != nil {
		m.Committer.Stop()
	}
	if m.Retainer != nil {
		m.Retainer.Stop()
	}
	if m.Aggregator != nil {
		m.Aggregator.Stop()
	}
	if m.Refiner != nil {
		m.Refiner.Stop()
	}
	if m.Partitions != nil {
		m.Partitions.Stop()
	}
	if m.Authorizer != nil {
		m.Authorizer.Stop()
	}
	if m.Broker != nil {
		errs = append(errs, m.Broker.Close())
	}
	for _, c := range m.closers {
		errs = append(errs, c())
	}
	if m.Redis != nil {
		errs = append(errs, m.Redis.Close())
	}
	if m.DB != nil {
		m.DB.Close()
	}
	return errors.Join(errs...)
}

// graphQLRate is each caller's GraphQL budget: complexity points per
// minute, with a burst of a few maximal operations.
func graphQLRate(complexityLimit int) scalefield.Limit {
	return scalefield.Limit{Events: 60 * complexityLimit, Window: time.Minute, Burst: 5 * complexityLimit}
}

// redisLog sends go-redis's own messages (reconnects, a client closed at
// shutdown) to slog at debug level instead of the standard logger.
type redisLog struct{ log *slog.Logger }

// Printf implements go-redis's logging interface.
func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "redis")
}

// setRedisLogger installs redisLog once: go-redis keeps it in a global.
var setRedisLogger sync.Once

// startGather loads (or, on first start, creates) the gather CA shared by
// every replica, starts the import stage when a blob store is configured
// and the pipeline runs here, and opens the gather listener when it has an
// address. It returns the gather service of the GraphQL API.
func (m *Main) startGather(ctx context.Context, secrets *auth.Cipher, limiter scalefield.RateLimiter) (graph.GatherService, error) {
	files := store.NewGatherService(m.DB)
	ca, err := auth.LoadOrCreateCA(ctx, files, secrets, time.Now())
	if err != nil {
		return nil, err
	}
	hint := ""
	if m.Config.GatherBlobURL != "" {
		blobs, err := blobstore.Open(ctx, m.Config.GatherBlobURL)
		if err != nil {
			return nil, fmt.Errorf("gather blob store: %w", err)
		}
		m.closers = append(m.closers, blobs.Close)
		hint = blobs.String()
		if m.Config.Pipeline {
			cfg := pipeline.DefaultImporterConfig()
			cfg.ScanInterval = m.Config.GatherScanInterval
			m.Importer = pipeline.NewImporter(cfg, files, blobs, m.Log)
			m.Importer.Start(context.WithoutCancel(ctx))
		}
	}
	if m.Config.GatherAddr != "" {
		cfg := server.DefaultGatherConfig()
		cfg.Addr, cfg.Hostnames, cfg.BlobURLHint = m.Config.GatherAddr, m.Config.GatherHostnames, hint
		m.Gather = &server.GatherServer{Config: cfg, CA: ca, Store: files, Limiter: limiter, Log: m.Log.With("component", "gather")}
		if m.Importer != nil {
			m.Gather.Queued = m.Importer.Notify
		}
		if err := m.Gather.Open(); err != nil {
			return nil, err
		}
		m.Log.Info("gather listener", "addr", m.Gather.Addr(), "hostnames", cfg.Hostnames, "ca_fingerprint", ca.Fingerprint())
	}
	return gatherAPI{files, ca}, nil
}

// gatherAPI is the gather store with the CA, as the GraphQL API uses them.
type gatherAPI struct {
	*store.GatherService
	ca *auth.CA
}

// GatherCA returns the CA certificate's fingerprint and PEM.
func (g gatherAPI) GatherCA() (string, string) { return g.ca.Fingerprint(), string(g.ca.CertPEM) }
