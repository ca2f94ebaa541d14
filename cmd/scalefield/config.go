package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/scalefield/scalefield/ingest"
	"github.com/scalefield/scalefield/pipeline"
)

// Config is the configuration of scalefield serve. Every field comes from a
// flag or, when the flag is not given, from its environment variable;
// secrets may also come from a file named by <VAR>_FILE.
type Config struct {
	Addr           string
	DatabaseURL    string
	AppDatabaseURL string
	RedisURL       string
	WebDir         string
	JWTKeyFile     string
	SecretKeyFile  string
	PublicURL      string
	TokenTTL       time.Duration
	AllowedOrigins []string
	LogLevel       slog.Level
	LogFormat      string
	Demo           bool
	DemoPassword   string
	DemoHECToken   string
	// DemoAnalystPassword, when set, also seeds an analyst (for tests).
	DemoAnalystPassword string
	Pipeline            bool
	RefineBatchSize     int
	// GeoIPCity and GeoIPASN are MaxMind-format databases (GeoLite2-City /
	// -ASN, DB-IP lite); empty turns GeoIP enrichment off.
	GeoIPCity       string
	GeoIPASN        string
	ComplexityLimit int
	// GoldFoldInterval is how often the aggregate stage folds refine
	// batches into Gold (how far Gold may trail Silver).
	GoldFoldInterval time.Duration
	// SessionCheck is how often a GraphQL WebSocket's credential is
	// checked again; a signed-out, revoked or expired one closes it.
	SessionCheck time.Duration
	// SyslogConfig names a YAML or JSON file of syslog listeners.
	SyslogConfig       string
	HECAllowQueryToken bool
	Committer          ingest.CommitterConfig
	MaxBodyBytes       int64
	// GatherAddr is the gather listener's address (docs/gather-protocol.md);
	// empty turns it off. The serve flag defaults to :8443; DefaultConfig
	// leaves it empty so engines built in code (tests) open no fixed port.
	GatherAddr string
	// GatherHostnames are the names and addresses of the listener's
	// certificate.
	GatherHostnames []string
	// GatherBlobURL is the blob store agents write to; empty runs no import
	// stage. GatherScanInterval is how often it is listed for files.
	GatherBlobURL      string
	GatherScanInterval time.Duration
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		WebDir:             "frontend/dist",
		JWTKeyFile:         ".data/jwt-ed25519.pem",
		SecretKeyFile:      ".data/secret.key",
		TokenTTL:           15 * time.Minute,
		LogLevel:           slog.LevelInfo,
		LogFormat:          "json",
		Pipeline:           true,
		RefineBatchSize:    1000,
		ComplexityLimit:    1000,
		SessionCheck:       30 * time.Second,
		GoldFoldInterval:   pipeline.DefaultAggregateConfig().Interval,
		MaxBodyBytes:       1 << 20,
		Committer:          ingest.DefaultCommitterConfig(),
		GatherHostnames:    []string{"localhost", "127.0.0.1"},
		GatherScanInterval: time.Minute,
	}
}

// ParseConfig reads the configuration from args and the environment.
func ParseConfig(args []string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("scalefield serve", flag.ContinueOnError)
	var origins, level string
	gatherHosts := strings.Join(cfg.GatherHostnames, ",")
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SCALEFIELD_ADDR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", "", "PostgreSQL URL (DATABASE_URL or DATABASE_URL_FILE)")
	fs.StringVar(&cfg.AppDatabaseURL, "app-database-url", "", "PostgreSQL URL of the scalefield_app role that serves requests under row-level security; default: the database URL with that user and no password (APP_DATABASE_URL or APP_DATABASE_URL_FILE)")
	fs.StringVar(&cfg.RedisURL, "redis-url", "", "Redis URL (REDIS_URL or REDIS_URL_FILE)")
	fs.StringVar(&cfg.WebDir, "web-dir", cfg.WebDir, "directory of the built SPA; empty for none (SCALEFIELD_WEB_DIR)")
	fs.StringVar(&cfg.JWTKeyFile, "jwt-key-file", cfg.JWTKeyFile, "Ed25519 PKCS#8 PEM key for access tokens, created if missing; share it between replicas (SCALEFIELD_JWT_KEY_FILE)")
	fs.StringVar(&cfg.SecretKeyFile, "secret-key-file", cfg.SecretKeyFile, "32-byte key that encrypts MFA and SSO secrets at rest (AES-256-GCM), created if missing; share it between replicas (SCALEFIELD_SECRET_KEY_FILE)")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "external base URL of the server, for SSO redirects; default http://<addr> (SCALEFIELD_PUBLIC_URL)")
	fs.DurationVar(&cfg.TokenTTL, "token-ttl", cfg.TokenTTL, "access token lifetime (SCALEFIELD_TOKEN_TTL)")
	fs.StringVar(&origins, "allowed-origins", "", "comma-separated extra Origin host patterns for the WebSocket (SCALEFIELD_ALLOWED_ORIGINS)")
	fs.StringVar(&level, "log-level", "info", "debug, info, warn or error (SCALEFIELD_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "json or text (SCALEFIELD_LOG_FORMAT)")
	fs.BoolVar(&cfg.Demo, "demo", false, "create the demo tenant, admin and HEC token if missing (SCALEFIELD_DEMO)")
	fs.StringVar(&cfg.SyslogConfig, "syslog-config", "", "YAML or JSON file of syslog listeners (see docs/ingest-syslog.md); empty for none (SCALEFIELD_SYSLOG_CONFIG)")
	fs.BoolVar(&cfg.HECAllowQueryToken, "hec-allow-query-token", false, "accept the HEC token as ?token= (SCALEFIELD_HEC_ALLOW_QUERY_TOKEN)")
	fs.IntVar(&cfg.Committer.QueueEvents, "ingest-queue-events", cfg.Committer.QueueEvents, "events the ingest queue holds before HEC answers busy and TCP syslog stops reading (SCALEFIELD_INGEST_QUEUE_EVENTS)")
	fs.IntVar(&cfg.Committer.Writers, "ingest-writers", cfg.Committer.Writers, "concurrent Bronze commit transactions (SCALEFIELD_INGEST_WRITERS)")
	fs.BoolVar(&cfg.Pipeline, "pipeline", cfg.Pipeline, "run the pipeline stages in this process (SCALEFIELD_PIPELINE)")
	fs.IntVar(&cfg.RefineBatchSize, "refine-batch-size", cfg.RefineBatchSize, "Bronze records per refine transaction (SCALEFIELD_REFINE_BATCH_SIZE)")
	fs.StringVar(&cfg.GeoIPCity, "geoip-city-db", cfg.GeoIPCity, "MaxMind-format city database (.mmdb) for GeoIP enrichment (SCALEFIELD_GEOIP_CITY_DB)")
	fs.StringVar(&cfg.GeoIPASN, "geoip-asn-db", cfg.GeoIPASN, "MaxMind-format ASN database (.mmdb), optional (SCALEFIELD_GEOIP_ASN_DB)")
	fs.IntVar(&cfg.ComplexityLimit, "graphql-complexity-limit", cfg.ComplexityLimit, "maximum GraphQL operation complexity (SCALEFIELD_GRAPHQL_COMPLEXITY_LIMIT)")
	fs.DurationVar(&cfg.GoldFoldInterval, "gold-fold-interval", cfg.GoldFoldInterval, "how often refined events are folded into Gold: how far dashboards may trail, against the fold's cost (SCALEFIELD_GOLD_FOLD_INTERVAL)")
	fs.DurationVar(&cfg.SessionCheck, "websocket-session-check", cfg.SessionCheck, "how often a GraphQL WebSocket's sign-in is checked again; a revoked or expired one closes it (SCALEFIELD_WEBSOCKET_SESSION_CHECK)")
	fs.Int64Var(&cfg.MaxBodyBytes, "graphql-max-body-bytes", cfg.MaxBodyBytes, "maximum GraphQL request body (SCALEFIELD_GRAPHQL_MAX_BODY_BYTES)")
	fs.StringVar(&cfg.GatherAddr, "gather-addr", ":8443", "gather listener address (mutual TLS, for gather agents); empty or off turns it off (SCALEFIELD_GATHER_ADDR)")
	fs.StringVar(&gatherHosts, "gather-hostnames", gatherHosts, "comma-separated DNS names and IP addresses of the gather listener's certificate (SCALEFIELD_GATHER_HOSTNAMES)")
	fs.StringVar(&cfg.GatherBlobURL, "gather-blob-url", "", "blob store gather agents write to (file://, s3://, azblob://, gs://); empty runs no import (SCALEFIELD_GATHER_BLOB_URL or SCALEFIELD_GATHER_BLOB_URL_FILE)")
	fs.DurationVar(&cfg.GatherScanInterval, "gather-scan-interval", cfg.GatherScanInterval, "how often the blob store is listed for files no notice announced (SCALEFIELD_GATHER_SCAN_INTERVAL)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// Environment variables fill in what no flag set.
	env := map[string]string{
		"addr": "SCALEFIELD_ADDR", "database-url": "DATABASE_URL", "app-database-url": "APP_DATABASE_URL", "redis-url": "REDIS_URL",
		"web-dir": "SCALEFIELD_WEB_DIR", "jwt-key-file": "SCALEFIELD_JWT_KEY_FILE", "secret-key-file": "SCALEFIELD_SECRET_KEY_FILE", "public-url": "SCALEFIELD_PUBLIC_URL", "token-ttl": "SCALEFIELD_TOKEN_TTL",
		"allowed-origins": "SCALEFIELD_ALLOWED_ORIGINS", "log-level": "SCALEFIELD_LOG_LEVEL", "log-format": "SCALEFIELD_LOG_FORMAT",
		"demo": "SCALEFIELD_DEMO", "syslog-config": "SCALEFIELD_SYSLOG_CONFIG", "hec-allow-query-token": "SCALEFIELD_HEC_ALLOW_QUERY_TOKEN",
		"ingest-queue-events": "SCALEFIELD_INGEST_QUEUE_EVENTS", "ingest-writers": "SCALEFIELD_INGEST_WRITERS", "pipeline": "SCALEFIELD_PIPELINE", "refine-batch-size": "SCALEFIELD_REFINE_BATCH_SIZE",
		"geoip-city-db": "SCALEFIELD_GEOIP_CITY_DB", "geoip-asn-db": "SCALEFIELD_GEOIP_ASN_DB",
		"graphql-complexity-limit": "SCALEFIELD_GRAPHQL_COMPLEXITY_LIMIT", "graphql-max-body-bytes": "SCALEFIELD_GRAPHQL_MAX_BODY_BYTES",
		"websocket-session-check": "SCALEFIELD_WEBSOCKET_SESSION_CHECK",
		"gold-fold-interval":      "SCALEFIELD_GOLD_FOLD_INTERVAL",
		"gather-addr":             "SCALEFIELD_GATHER_ADDR", "gather-hostnames": "SCALEFIELD_GATHER_HOSTNAMES", "gather-blob-url": "SCALEFIELD_GATHER_BLOB_URL",
		"gather-scan-interval": "SCALEFIELD_GATHER_SCAN_INTERVAL",
	}
	for name, key := range env {
		if set[name] {
			continue
		}
		v, err := lookupEnv(getenv, key)
		if err != nil {
			return cfg, err
		}
		if v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return cfg, fmt.Errorf("%s: %w", key, err)
		}
	}
	var err error
	if cfg.DemoPassword, err = lookupEnv(getenv, "SCALEFIELD_DEMO_PASSWORD"); err != nil {
		return cfg, err
	}
	if cfg.DemoHECToken, err = lookupEnv(getenv, "SCALEFIELD_DEMO_HEC_TOKEN"); err != nil {
		return cfg, err
	}
	if cfg.DemoAnalystPassword, err = lookupEnv(getenv, "SCALEFIELD_DEMO_ANALYST_PASSWORD"); err != nil {
		return cfg, err
	}
	// Flag values were parsed before the environment filled them in.
	if origins != "" {
		for _, o := range strings.Split(origins, ",") {
			if o = strings.TrimSpace(o); o != "" {
				cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
			}
		}
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.Addr
	}
	if cfg.GatherAddr == "off" {
		cfg.GatherAddr = ""
	}
	cfg.GatherHostnames = nil
	for _, h := range strings.Split(gatherHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.GatherHostnames = append(cfg.GatherHostnames, h)
		}
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return cfg, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	return cfg, cfg.Validate()
}

// lookupEnv returns the variable key, or the contents of the file named by
// key_FILE. Setting both is an error.
func lookupEnv(getenv func(string) string, key string) (string, error) {
	v, file := getenv(key), getenv(key+"_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("both %s and %s_FILE are set", key, key)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", key, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// Validate fails on any value that cannot work.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("database URL is required (--database-url or DATABASE_URL)"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("database URL must be a postgres:// URL"))
	}
	if c.RedisURL == "" {
		errs = append(errs, errors.New("redis URL is required (--redis-url or REDIS_URL)"))
	} else if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		errs = append(errs, errors.New("redis URL must be a redis:// or rediss:// URL"))
	}
	if c.JWTKeyFile == "" {
		errs = append(errs, errors.New("jwt key file is required"))
	}
	if c.SecretKeyFile == "" {
		errs = append(errs, errors.New("secret key file is required"))
	}
	if u, err := url.Parse(c.PublicURL); c.PublicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		errs = append(errs, fmt.Errorf("public URL %q: must be an absolute http(s) URL", c.PublicURL))
	}
	if c.TokenTTL < time.Minute || c.TokenTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("token TTL %s: must be between 1m and 24h", c.TokenTTL))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("log format %q: want json or text", c.LogFormat))
	}
	if c.RefineBatchSize < 1 || c.RefineBatchSize > 10000 {
		errs = append(errs, fmt.Errorf("refine batch size %d: must be 1..10000", c.RefineBatchSize))
	}
	if c.GoldFoldInterval <= 0 {
		errs = append(errs, fmt.Errorf("gold fold interval %s: must be positive", c.GoldFoldInterval))
	}
	if c.SessionCheck <= 0 {
		errs = append(errs, fmt.Errorf("websocket session check %s: must be positive", c.SessionCheck))
	}
	if c.ComplexityLimit < 10 {
		errs = append(errs, fmt.Errorf("graphql complexity limit %d: must be at least 10", c.ComplexityLimit))
	}
	if err := c.Committer.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("ingest: %w", err))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("graphql max body bytes %d: must be at least 1024", c.MaxBodyBytes))
	}
	if c.GatherAddr != "" {
		if _, _, err := net.SplitHostPort(c.GatherAddr); err != nil {
			errs = append(errs, fmt.Errorf("gather addr %q: %w", c.GatherAddr, err))
		}
		if len(c.GatherHostnames) == 0 {
			errs = append(errs, errors.New("gather hostnames: at least one is required for the listener's certificate"))
		}
	}
	if c.GatherBlobURL != "" {
		if u, err := url.Parse(c.GatherBlobURL); err != nil || u.Scheme == "" {
			errs = append(errs, fmt.Errorf("gather blob URL: must be a URL such as file:///var/lib/scalefield/gather or s3://bucket"))
		}
	}
	if c.GatherScanInterval < time.Second {
		errs = append(errs, fmt.Errorf("gather scan interval %s: must be at least 1s", c.GatherScanInterval))
	}
	if c.WebDir != "" {
		if st, err := os.Stat(c.WebDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("web dir %q: not a directory (build the SPA with `npm run build`, or pass --web-dir='')", c.WebDir))
		}
	}
	return errors.Join(errs...)
}
