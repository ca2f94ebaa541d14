package pglogical

import (
	"errors"
	"log/slog"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/scalefield/scalefield"
)

// Defaults of Config.
const (
	DefaultSlot           = "scalefield"
	DefaultPublication    = "scalefield"
	DefaultSource         = "pglogical"
	DefaultStatusInterval = 10 * time.Second
	// DefaultReadBatchDelay is how long the collector lets changes gather
	// in the socket once it has read all that had arrived.
	DefaultReadBatchDelay = 10 * time.Millisecond
	DefaultProtoVersion   = 1
	// MinHashKeyLen is the shortest Config.HashKey accepted when a rule hashes.
	MinHashKeyLen = 16
)

// MaskAction says what happens to a column's value in a record's Statement.
type MaskAction string

// Mask actions, from least to most restrictive.
const (
	// MaskKeep shows the value as it is; used to exempt one column from a
	// wider pattern (an exact rule beats every pattern).
	MaskKeep MaskAction = "keep"
	// MaskHide replaces a non-null value with "***".
	MaskHide MaskAction = "mask"
	// MaskHash replaces a non-null value with "hmac-sha256:" and the hex
	// HMAC-SHA256 of the value under Config.HashKey: equal values stay equal,
	// so analysts can follow a value without seeing it.
	MaskHash MaskAction = "hash"
	// MaskDrop leaves the column out of the record altogether, name included.
	MaskDrop MaskAction = "drop"
)

func (a MaskAction) rank() int {
	switch a {
	case MaskKeep:
		return 0
	case MaskHide:
		return 1
	case MaskHash:
		return 2
	case MaskDrop:
		return 3
	}
	return -1
}

// Config configures a Collector. The zero value of every field but
// ConnString means its default.
type Config struct {
	// ConnString is a libpq URL or key=value string for the database whose
	// changes are collected. The role needs the REPLICATION attribute (and
	// superuser, or ownership of every table, when CreatePublication is
	// set). The collector adds replication=database itself.
	ConnString string
	// Slot is the logical replication slot, created with the pgoutput plugin
	// if missing. Lowercase letters, digits and underscores; DefaultSlot if
	// empty.
	Slot string
	// Publication names the publication to stream; DefaultPublication if
	// empty. A lowercase SQL identifier.
	Publication string
	// CreatePublication allows the collector to run
	// CREATE PUBLICATION … FOR ALL TABLES when the publication is missing.
	// Without it a missing publication is an error.
	CreatePublication bool
	// ProtoVersion is the pgoutput protocol version, 1 (default) or 2.
	// Streaming of in-progress transactions is never requested, so both
	// deliver whole committed transactions.
	ProtoVersion int
	// Host is recorded in every record's Host; the host of ConnString if
	// empty.
	Host string
	// Source is recorded in every record's Source; DefaultSource if empty.
	Source string
	// IncludeValues puts column values (masked by Masks) into each record's
	// Statement. Without it a Statement names the columns only.
	IncludeValues bool
	// Masks maps "schema.table.column" patterns to what happens to that
	// column's value. Each part may use path.Match wildcards
	// ("*.*.ssn", "hr.*.*"). An exact rule beats every pattern; among
	// patterns the most restrictive action wins (drop > hash > mask > keep).
	// MaskDrop applies even when IncludeValues is off.
	Masks map[string]MaskAction
	// HashKey is the HMAC key for MaskHash; at least MinHashKeyLen bytes when
	// any rule hashes. Keep it secret: with the key, guessed values can be
	// confirmed.
	HashKey []byte
	// IncludeTables, when not empty, limits records to tables whose
	// "schema.table" matches one of these path.Match patterns.
	IncludeTables []string
	// ExcludeTables drops records of tables whose "schema.table" matches one
	// of these patterns; it wins over IncludeTables.
	ExcludeTables []string
	// StatusInterval is how often a standby status update is sent when the
	// server asks for none; DefaultStatusInterval if zero. Keep it well
	// under the server's wal_sender_timeout (60s by default).
	StatusInterval time.Duration
	// ReadBatchDelay is how long the collector waits, after a read that
	// emptied the socket, before it reads again, so that changes gather and
	// it wakes once per batch of them instead of once per change (the
	// server sends each change as its own message). It delays capture by at
	// most this much; DefaultReadBatchDelay if zero, none if negative.
	ReadBatchDelay time.Duration
	// StartAfter is the commit LSN of the newest transaction already durably
	// stored (see ParsePosition). Transactions committed at or before it are
	// not delivered again, even when the slot's confirmed position is older.
	StartAfter LSN
	// Now is the clock for standby status updates; time.Now if nil.
	Now func() time.Time
	// Logger receives progress and problems; slog.Default() if nil.
	Logger *slog.Logger
}

var (
	slotPattern        = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)
	publicationPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
)

// Validate reports every bad value in c, as one error with code EINVALID.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, scalefield.Errorf(scalefield.EINVALID, format, args...))
	}
	if c.ConnString == "" {
		bad("pglogical: connection string is required")
	} else if _, err := pgconn.ParseConfig(c.ConnString); err != nil {
		bad("pglogical: connection string does not parse")
	}
	if c.Slot != "" && !slotPattern.MatchString(c.Slot) {
		bad("pglogical: slot %q: use 1-63 lowercase letters, digits and underscores", c.Slot)
	}
	if c.Publication != "" && !publicationPattern.MatchString(c.Publication) {
		bad("pglogical: publication %q: use a lowercase identifier of at most 63 characters", c.Publication)
	}
	if c.ProtoVersion != 0 && c.ProtoVersion != 1 && c.ProtoVersion != 2 {
		bad("pglogical: proto version %d: use 1 or 2", c.ProtoVersion)
	}
	if c.StatusInterval < 0 {
		bad("pglogical: status interval %s is negative", c.StatusInterval)
	}
	hashes := false
	for pattern, action := range c.Masks {
		if action.rank() < 0 {
			bad("pglogical: mask %q: action %q: use keep, mask, hash or drop", pattern, action)
		}
		if action == MaskHash {
			hashes = true
		}
		if err := checkPattern(pattern, 3); err != nil {
			bad("pglogical: mask %q: %s", pattern, err)
		}
	}
	if hashes && len(c.HashKey) < MinHashKeyLen {
		bad("pglogical: hash key must be at least %d bytes when a mask rule hashes", MinHashKeyLen)
	}
	for _, p := range c.IncludeTables {
		if err := checkPattern(p, 2); err != nil {
			bad("pglogical: include table %q: %s", p, err)
		}
	}
	for _, p := range c.ExcludeTables {
		if err := checkPattern(p, 2); err != nil {
			bad("pglogical: exclude table %q: %s", p, err)
		}
	}
	return errors.Join(errs...)
}

// checkPattern checks that p has parts dot-separated parts, each a valid
// path.Match pattern.
func checkPattern(p string, parts int) error {
	ps := strings.Split(p, ".")
	if len(ps) != parts {
		if parts == 3 {
			return errors.New("want schema.table.column")
		}
		return errors.New("want schema.table")
	}
	for _, s := range ps {
		if s == "" {
			return errors.New("empty part")
		}
		if _, err := path.Match(s, ""); err != nil {
			return errors.New("bad wildcard pattern")
		}
	}
	return nil
}

// ParseMaskRule parses a rule written "schema.table.column:action" (as in a
// flag or environment variable) into a Masks entry.
func ParseMaskRule(s string) (pattern string, action MaskAction, err error) {
	p, as, ok := strings.Cut(s, ":")
	p, a := strings.TrimSpace(p), MaskAction(strings.TrimSpace(as))
	if !ok || a.rank() < 0 {
		return "", "", scalefield.Errorf(scalefield.EINVALID, "mask rule %q: want schema.table.column:keep|mask|hash|drop", s)
	}
	if err := checkPattern(p, 3); err != nil {
		return "", "", scalefield.Errorf(scalefield.EINVALID, "mask rule %q: %s", s, err)
	}
	return p, a, nil
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Slot == "" {
		c.Slot = DefaultSlot
	}
	if c.Publication == "" {
		c.Publication = DefaultPublication
	}
	if c.ProtoVersion == 0 {
		c.ProtoVersion = DefaultProtoVersion
	}
	if c.Source == "" {
		c.Source = DefaultSource
	}
	if c.StatusInterval == 0 {
		c.StatusInterval = DefaultStatusInterval
	}
	if c.ReadBatchDelay == 0 {
		c.ReadBatchDelay = DefaultReadBatchDelay
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Host == "" {
		if pc, err := pgconn.ParseConfig(c.ConnString); err == nil {
			c.Host = pc.Host
		}
	}
	return c
}

// matchParts reports whether the dot-separated name matches the
// dot-separated pattern part by part (so "*" never crosses a dot).
func matchParts(pattern string, name []string) bool {
	ps := strings.Split(pattern, ".")
	if len(ps) != len(name) {
		return false
	}
	for i := range ps {
		if ok, _ := path.Match(ps[i], name[i]); !ok {
			return false
		}
	}
	return true
}

// tableIncluded reports whether records of schema.table are kept.
func (c *Config) tableIncluded(schema, table string) bool {
	name := []string{schema, table}
	for _, p := range c.ExcludeTables {
		if matchParts(p, name) {
			return false
		}
	}
	if len(c.IncludeTables) == 0 {
		return true
	}
	for _, p := range c.IncludeTables {
		if matchParts(p, name) {
			return true
		}
	}
	return false
}

// maskFor returns the action for one column, MaskKeep when no rule matches.
func (c *Config) maskFor(schema, table, column string) MaskAction {
	if a, ok := c.Masks[schema+"."+table+"."+column]; ok {
		return a
	}
	name := []string{schema, table, column}
	best := MaskKeep
	for p, a := range c.Masks {
		if a.rank() > best.rank() && matchParts(p, name) {
			best = a
		}
	}
	return best
}
