package agent

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/audit"
	"github.com/scalefield/scalefield/gather/pglogical"
)

// Defaults of Config.
const (
	DefaultSpoolMaxBytes = 1 << 30 // 1 GiB
	DefaultMaxRows       = 100_000
	DefaultMaxAge        = time.Minute
	// DefaultHeartbeatInterval is used until the engine names one.
	DefaultHeartbeatInterval = 30 * time.Second
	// DefaultPollInterval is how often file collectors look for new records.
	DefaultPollInterval = time.Second
)

// Collector types.
const (
	TypePostgresLogical = "postgres-logical"
	TypePostgresLog     = "postgres-log"
	TypeFile            = "file"
)

// Size is a byte count written as a number or with a unit ("512MiB",
// "1GiB", "10MB").
type Size int64

// UnmarshalText parses a size.
func (s *Size) UnmarshalText(b []byte) error {
	v, err := ParseSize(string(b))
	if err != nil {
		return err
	}
	*s = Size(v)
	return nil
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// ParseSize parses a byte count such as "1073741824", "512MiB" or "2GB".
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || (mult > 1 && n > (1<<62)/mult) {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with KiB, MiB, GiB, TiB, KB, MB, GB or TB", s)
	}
	return n * mult, nil
}

// Config is the agent's configuration, read from gather.yaml by LoadConfig.
// docs/gather-agent.md describes every field.
type Config struct {
	// Engine says how to reach and enroll with the engine.
	Engine EngineConfig `yaml:"engine"`
	// StateDir holds the agent's key and certificate, collector positions
	// and the spool. Keep it on a local disk; the agent creates it 0700.
	StateDir string `yaml:"state_dir"`
	// Hostname overrides the host name reported at enrollment and in
	// heartbeats (os.Hostname() if empty).
	Hostname string `yaml:"hostname"`
	// Spool bounds the local buffer of files waiting for upload.
	Spool SpoolConfig `yaml:"spool"`
	// Blob is the store shared with the engine.
	Blob BlobConfig `yaml:"blob"`
	// Files says when a collector's current file is finished.
	Files FilesConfig `yaml:"files"`
	// Location is where the host is, for the Operator map; optional.
	Location *Location `yaml:"location"`
	// Collectors are the sources; at least one.
	Collectors []CollectorConfig `yaml:"collectors"`
}

// EngineConfig says how to reach the engine's gather listener.
type EngineConfig struct {
	// URL is the listener, e.g. https://engine.example.com:8443.
	URL string `yaml:"url"`
	// Token is the one-time enrollment token; TokenFile a file holding it.
	// Only needed until the agent has enrolled.
	Token     string `yaml:"token"`
	TokenFile string `yaml:"token_file"`
	// CAFile is the engine CA's PEM certificate; CAFingerprint the hex
	// sha256 of its DER bytes as createGatherEnrollmentToken shows it. One
	// of them is needed to enroll; afterwards the CA returned by the engine
	// is used.
	CAFile        string `yaml:"ca_file"`
	CAFingerprint string `yaml:"ca_fingerprint"`
	// HeartbeatInterval overrides the interval the engine asks for.
	HeartbeatInterval time.Duration `yaml:"heartbeat_interval"`
}

// SpoolConfig bounds the spool.
type SpoolConfig struct {
	// MaxBytes is the most the spool holds (DefaultSpoolMaxBytes if zero).
	// When it is full, collectors stop reading until uploads free space.
	MaxBytes Size `yaml:"max_bytes"`
}

// BlobConfig names the blob store.
type BlobConfig struct {
	// URL is a gocloud.dev/blob URL (file://, s3://, azblob://, gs://); see
	// docs/gather-storage.md.
	URL string `yaml:"url"`
}

// FilesConfig says when a file is finished: at MaxRows rows or MaxAge after
// its first row, whichever comes first.
type FilesConfig struct {
	MaxRows int           `yaml:"max_rows"`
	MaxAge  time.Duration `yaml:"max_age"`
}

// Location is a host's place on the map.
type Location struct {
	Lat   float64 `yaml:"lat" json:"lat"`
	Lon   float64 `yaml:"lon" json:"lon"`
	Label string  `yaml:"label" json:"label"`
}

// CollectorConfig is one source. Which fields apply depends on Type.
type CollectorConfig struct {
	// Name identifies the collector: it names its files and is their
	// manifest's source. Letters, digits, '-' and '_'; unique.
	Name string `yaml:"name"`
	// Type is postgres-logical, postgres-log or file.
	Type string `yaml:"type"`

	// ConnString (postgres-logical: required; postgres-log: optional, for
	// the inventory's version) is a libpq URL or key=value string.
	ConnString string `yaml:"conn_string"`
	// postgres-logical only; see pglogical.Config.
	Slot              string            `yaml:"slot"`
	Publication       string            `yaml:"publication"`
	CreatePublication bool              `yaml:"create_publication"`
	ProtoVersion      int               `yaml:"proto_version"`
	IncludeValues     bool              `yaml:"include_values"`
	Masks             map[string]string `yaml:"masks"`
	HashKey           string            `yaml:"hash_key"`
	HashKeyFile       string            `yaml:"hash_key_file"`
	IncludeTables     []string          `yaml:"include_tables"`
	ExcludeTables     []string          `yaml:"exclude_tables"`
	StatusInterval    time.Duration     `yaml:"status_interval"`

	// postgres-log and file: the directory, a glob on file names in it and
	// the format (postgres-csvlog or postgres-jsonlog for postgres-log; any
	// of audit.FormatNames for file).
	Dir    string `yaml:"dir"`
	Glob   string `yaml:"glob"`
	Format string `yaml:"format"`
	// PollInterval is how often the directory is read (DefaultPollInterval).
	PollInterval time.Duration `yaml:"poll_interval"`
	// Timezone is the IANA zone of timestamps written without one.
	Timezone string `yaml:"timezone"`
	// Delimiter and Quote override a delimited format's characters.
	Delimiter string `yaml:"delimiter"`
	Quote     string `yaml:"quote"`

	// Host is recorded as the database host (the connection's host or the
	// agent's host name if empty).
	Host string `yaml:"host"`
	// Database, Version and Port describe the database in the inventory
	// for file collectors, which cannot ask it.
	Database string `yaml:"database"`
	Version  string `yaml:"version"`
	Port     int    `yaml:"port"`
}

// LoadConfig reads and validates a gather.yaml. Unknown keys are errors.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read gather config: %w", err)
	}
	return ParseConfig(data)
}

// ParseConfig decodes and validates a gather.yaml document.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.DisallowUnknownField()); err != nil {
		return Config{}, &scalefield.Error{Code: scalefield.EINVALID, Message: "gather config: " + yaml.FormatError(err, false, true), Err: err}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

// Validate reports every problem in c at once, as one EINVALID error per
// problem joined together.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, scalefield.Errorf(scalefield.EINVALID, format, args...))
	}
	if c.Engine.URL == "" {
		bad("engine.url is required")
	} else if u, err := url.Parse(c.Engine.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		bad("engine.url %q: want https://host:port", c.Engine.URL)
	}
	if c.Engine.Token != "" && c.Engine.TokenFile != "" {
		bad("engine: set token or token_file, not both")
	}
	if fp := c.Engine.CAFingerprint; fp != "" {
		if len(normFingerprint(fp)) != 64 || strings.Trim(normFingerprint(fp), "0123456789abcdef") != "" {
			bad("engine.ca_fingerprint: want the 64 hex digits of a sha256")
		}
	}
	if c.Engine.HeartbeatInterval < 0 || (c.Engine.HeartbeatInterval > 0 && c.Engine.HeartbeatInterval < time.Second) {
		bad("engine.heartbeat_interval %s: want at least 1s", c.Engine.HeartbeatInterval)
	}
	if c.StateDir == "" {
		bad("state_dir is required")
	}
	if c.Spool.MaxBytes < 0 {
		bad("spool.max_bytes %d is negative", c.Spool.MaxBytes)
	}
	if c.Blob.URL == "" {
		bad("blob.url is required")
	} else if u, err := url.Parse(c.Blob.URL); err != nil || u.Scheme == "" {
		bad("blob.url %q is not a URL", c.Blob.URL)
	}
	if c.Files.MaxRows < 0 {
		bad("files.max_rows %d is negative", c.Files.MaxRows)
	}
	if c.Files.MaxAge < 0 || (c.Files.MaxAge > 0 && c.Files.MaxAge < 10*time.Millisecond) {
		bad("files.max_age %s: want at least 10ms", c.Files.MaxAge)
	}
	if l := c.Location; l != nil {
		if l.Lat < -90 || l.Lat > 90 {
			bad("location.lat %v out of range -90..90", l.Lat)
		}
		if l.Lon < -180 || l.Lon > 180 {
			bad("location.lon %v out of range -180..180", l.Lon)
		}
	}
	if len(c.Collectors) == 0 {
		bad("collectors: at least one is required")
	}
	seen := map[string]bool{}
	for i, cc := range c.Collectors {
		where := fmt.Sprintf("collectors[%d]", i)
		if cc.Name != "" {
			where = fmt.Sprintf("collector %q", cc.Name)
		}
		if !namePattern.MatchString(cc.Name) {
			bad("%s: name %q: use 1-63 letters, digits, '-' and '_'", where, cc.Name)
		} else if seen[cc.Name] {
			bad("%s: name is used twice", where)
		}
		seen[cc.Name] = true
		for _, err := range cc.validate() {
			bad("%s: %s", where, err)
		}
	}
	return errors.Join(errs...)
}

// validate returns the problems of one collector.
func (cc *CollectorConfig) validate() []string {
	var out []string
	switch cc.Type {
	case TypePostgresLogical:
		pc, err := cc.pglogicalConfig()
		if err != nil {
			out = append(out, err.Error())
			break
		}
		// pglogical's messages start with "pglogical: ".
		for _, e := range splitJoined(pc.Validate()) {
			out = append(out, strings.TrimPrefix(scalefield.ErrorMessage(e), "pglogical: "))
		}
		if cc.Dir != "" || cc.Glob != "" || cc.Format != "" {
			out = append(out, "dir, glob and format do not apply to postgres-logical")
		}
	case TypePostgresLog, TypeFile:
		if cc.Dir == "" {
			out = append(out, "dir is required")
		}
		if cc.Glob == "" {
			out = append(out, "glob is required")
		} else if _, err := filepath.Match(cc.Glob, ""); err != nil {
			out = append(out, fmt.Sprintf("glob %q is not a valid pattern", cc.Glob))
		}
		if cc.Type == TypePostgresLog && cc.Format != audit.FormatPostgresCSV && cc.Format != audit.FormatPostgresJSON {
			out = append(out, fmt.Sprintf("format %q: want %s or %s", cc.Format, audit.FormatPostgresCSV, audit.FormatPostgresJSON))
		} else if _, err := audit.LookupFormat(cc.Format); err != nil {
			out = append(out, fmt.Sprintf("format %q: want one of %s", cc.Format, strings.Join(audit.FormatNames(), ", ")))
		}
		if cc.PollInterval < 0 {
			out = append(out, "poll_interval is negative")
		}
		if cc.Timezone != "" {
			if _, err := time.LoadLocation(cc.Timezone); err != nil {
				out = append(out, fmt.Sprintf("timezone %q is unknown", cc.Timezone))
			}
		}
		if len(cc.Delimiter) > 1 || len(cc.Quote) > 1 {
			out = append(out, "delimiter and quote are single characters")
		}
		if cc.Slot != "" || cc.Publication != "" || len(cc.Masks) > 0 || cc.IncludeValues {
			out = append(out, "slot, publication, masks and include_values apply to postgres-logical only")
		}
	case "":
		out = append(out, "type is required (postgres-logical, postgres-log or file)")
	default:
		out = append(out, fmt.Sprintf("type %q: want postgres-logical, postgres-log or file", cc.Type))
	}
	if cc.Port < 0 || cc.Port > 65535 {
		out = append(out, fmt.Sprintf("port %d out of range", cc.Port))
	}
	return out
}

func splitJoined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// pglogicalConfig maps a postgres-logical collector onto pglogical.Config
// (without StartAfter, Logger or Now).
func (cc *CollectorConfig) pglogicalConfig() (pglogical.Config, error) {
	pc := pglogical.Config{
		ConnString: cc.ConnString, Slot: cc.Slot, Publication: cc.Publication,
		CreatePublication: cc.CreatePublication, ProtoVersion: cc.ProtoVersion,
		Host: cc.Host, Source: cc.Name, IncludeValues: cc.IncludeValues,
		IncludeTables: cc.IncludeTables, ExcludeTables: cc.ExcludeTables,
		StatusInterval: cc.StatusInterval,
	}
	if len(cc.Masks) > 0 {
		pc.Masks = map[string]pglogical.MaskAction{}
		for k, v := range cc.Masks {
			pc.Masks[k] = pglogical.MaskAction(v)
		}
	}
	switch {
	case cc.HashKey != "" && cc.HashKeyFile != "":
		return pc, errors.New("set hash_key or hash_key_file, not both")
	case cc.HashKey != "":
		pc.HashKey = []byte(cc.HashKey)
	case cc.HashKeyFile != "":
		b, err := os.ReadFile(cc.HashKeyFile)
		if err != nil {
			return pc, fmt.Errorf("hash_key_file: %v", err)
		}
		pc.HashKey = []byte(strings.TrimSpace(string(b)))
	}
	return pc, nil
}

// followConfig maps a postgres-log or file collector onto audit.FollowConfig
// with its state file under dir.
func (cc *CollectorConfig) followConfig(dir, host string) audit.FollowConfig {
	src := audit.Source{Name: cc.Name, Host: cc.Host}
	if src.Host == "" {
		src.Host = host
	}
	if cc.Timezone != "" {
		src.Location, _ = time.LoadLocation(cc.Timezone)
	}
	if cc.Delimiter != "" {
		src.Delimiter = cc.Delimiter[0]
	}
	if cc.Quote != "" {
		src.Quote = cc.Quote[0]
	}
	iv := cc.PollInterval
	if iv == 0 {
		iv = DefaultPollInterval
	}
	return audit.FollowConfig{
		Dir: cc.Dir, Pattern: cc.Glob, Format: cc.Format, Source: src,
		StateFile: filepath.Join(dir, "follower.json"), Interval: iv,
	}
}

// token returns the enrollment token from Token or TokenFile.
func (e *EngineConfig) token() (string, error) {
	if e.TokenFile != "" {
		b, err := os.ReadFile(e.TokenFile)
		if err != nil {
			return "", fmt.Errorf("read token file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return e.Token, nil
}

func normFingerprint(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ":", ""))
}

// withDefaults returns c with zero values replaced by defaults.
func (c Config) withDefaults() Config {
	if c.Spool.MaxBytes == 0 {
		c.Spool.MaxBytes = DefaultSpoolMaxBytes
	}
	if c.Files.MaxRows == 0 {
		c.Files.MaxRows = DefaultMaxRows
	}
	if c.Files.MaxAge == 0 {
		c.Files.MaxAge = DefaultMaxAge
	}
	return c
}
