// Package gather holds what the engine knows about the databases gather
// agents watch: the bundled table of current releases per engine and major
// version, and the patch status of a reported version against it. The agent
// itself and its collectors live in the subpackages.
package gather

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PatchStatus says how a database version compares with the newest release
// of its major version.
type PatchStatus string

// Patch statuses.
const (
	// PatchCurrent: the newest patch release of a supported major version
	// (or newer than the table knows).
	PatchCurrent PatchStatus = "CURRENT"
	// PatchBehind: a supported major version, but not its newest patch.
	PatchBehind PatchStatus = "BEHIND"
	// PatchUnsupported: a major version past its end of life.
	PatchUnsupported PatchStatus = "UNSUPPORTED"
	// PatchUnknown: the engine or the version is not one the table knows.
	PatchUnknown PatchStatus = "UNKNOWN"
)

// Release is the newest release of one major version of an engine.
type Release struct {
	// Major is the major version as the engine numbers it ("17", "8.0",
	// "10.11", "19" for Oracle 19c, "16" for SQL Server 2022).
	Major string `json:"major"`
	// Name is the marketing name when it differs ("19c", "2022").
	Name      string `json:"name,omitempty"`
	Latest    string `json:"latest"`
	Supported bool   `json:"supported"`
	// EndOfLife is the vendor's end of (standard) support, YYYY-MM-DD, or
	// "" when not announced.
	EndOfLife string `json:"end_of_life"`
}

// ReleaseTable is the bundled table of releases.
type ReleaseTable struct {
	// AsOf is the date the table was last checked against the vendors.
	AsOf    string               `json:"as_of"`
	Note    string               `json:"note"`
	Engines map[string][]Release `json:"engines"`
}

//go:embed releases.json
var releasesJSON []byte

var releases = mustParseReleases(releasesJSON)

func mustParseReleases(data []byte) *ReleaseTable {
	t, err := ParseReleases(data)
	if err != nil {
		panic(err)
	}
	return t
}

// ParseReleases decodes and checks a release table.
func ParseReleases(data []byte) (*ReleaseTable, error) {
	var t ReleaseTable
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("release table: %w", err)
	}
	if _, err := time.Parse(time.DateOnly, t.AsOf); err != nil {
		return nil, fmt.Errorf("release table: as_of: %w", err)
	}
	for engine, rs := range t.Engines {
		for _, r := range rs {
			v, ok := parseVersion(engine, r.Latest)
			if !ok || majorOf(engine, v) != r.Major {
				return nil, fmt.Errorf("release table: %s %s: latest %q is not of that major version", engine, r.Major, r.Latest)
			}
			if r.EndOfLife != "" {
				if _, err := time.Parse(time.DateOnly, r.EndOfLife); err != nil {
					return nil, fmt.Errorf("release table: %s %s: end_of_life: %w", engine, r.Major, err)
				}
			}
		}
	}
	return &t, nil
}

// Releases returns the bundled table.
func Releases() *ReleaseTable { return releases }

// Classification is the patch status of one database version.
type Classification struct {
	Status PatchStatus
	// Major is the major version found in the version string, "" when none.
	Major string
	// Latest is the newest release of that major version, "" when the table
	// has no row for it.
	Latest string
	// EndOfLife of that major version, "" when unknown.
	EndOfLife string
}

// ClassifyVersion compares a version as a database reports it
// ("15.8", "PostgreSQL 15.8 on x86_64-pc-linux-gnu…", "10.11.6-MariaDB-0+deb12u1",
// "5.5.5-10.11.6-MariaDB", "19.21.0.0.0", "16.0.4125.3", "v11.5.9.0") with
// the bundled table. engine is one of postgresql, mysql, mariadb, oracle,
// sqlserver, db2, mongodb (any case).
func ClassifyVersion(engine, version string) Classification {
	return releases.Classify(engine, version)
}

// Classify is ClassifyVersion against t.
func (t *ReleaseTable) Classify(engine, version string) Classification {
	engine = strings.ToLower(strings.TrimSpace(engine))
	rs, ok := t.Engines[engine]
	if !ok {
		return Classification{Status: PatchUnknown}
	}
	v, ok := parseVersion(engine, version)
	if !ok {
		return Classification{Status: PatchUnknown}
	}
	major := majorOf(engine, v)
	for _, r := range rs {
		if r.Major != major {
			continue
		}
		c := Classification{Major: major, Latest: r.Latest, EndOfLife: r.EndOfLife}
		latest, _ := parseVersion(engine, r.Latest)
		switch {
		case !r.Supported:
			c.Status = PatchUnsupported
		case compareVersions(v, latest) >= 0:
			c.Status = PatchCurrent
		default:
			c.Status = PatchBehind
		}
		return c
	}
	// A major version the table lacks: older than every row means past its
	// end of life; newer means the table is older than the database.
	c := Classification{Major: major, Status: PatchUnsupported}
	for _, r := range rs {
		if compareVersions(toInts(major), toInts(r.Major)) > 0 {
			c.Status = PatchUnknown
		}
	}
	return c
}

var dotted = regexp.MustCompile(`\d+(?:\.\d+)+`)

// parseVersion finds the version numbers in s.
func parseVersion(engine, s string) ([]int, bool) {
	s = strings.TrimSpace(s)
	if engine == "mariadb" || engine == "mysql" {
		// MariaDB announces itself to MySQL clients as 5.5.5-<version>.
		s = strings.TrimPrefix(s, "5.5.5-")
	}
	matches := dotted.FindAllString(s, -1)
	if len(matches) == 0 {
		// "17" alone is a version for PostgreSQL.
		if n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(s), "v")); err == nil && n > 0 {
			return []int{n}, true
		}
		return nil, false
	}
	best := toInts(matches[0])
	if engine == "oracle" {
		// "Release 19.0.0.0.0 … Version 19.21.0.0.0": the highest is the RU.
		for _, m := range matches[1:] {
			if v := toInts(m); compareVersions(v, best) > 0 {
				best = v
			}
		}
	}
	return best, best != nil
}

func toInts(s string) []int {
	parts := strings.Split(s, ".")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out[i] = n
	}
	return out
}

// majorOf returns the major version of v: its first number for
// PostgreSQL 10 and later, Oracle and SQL Server, its first two otherwise.
func majorOf(engine string, v []int) string {
	n := 2
	if engine == "postgresql" || engine == "oracle" || engine == "sqlserver" {
		n = 1
	}
	if engine == "postgresql" && len(v) > 0 && v[0] < 10 {
		n = 2 // 9.6, 9.5: the major version had two numbers before 10.
	}
	parts := make([]string, 0, n)
	for i := range n {
		x := 0
		if i < len(v) {
			x = v[i]
		}
		parts = append(parts, strconv.Itoa(x))
	}
	return strings.Join(parts, ".")
}

// compareVersions compares numerically, missing numbers counting as 0.
func compareVersions(a, b []int) int {
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
	}
	return 0
}

// EngineNames returns the engines of the table, sorted.
func (t *ReleaseTable) EngineNames() []string {
	names := make([]string, 0, len(t.Engines))
	for e := range t.Engines {
		names = append(names, e)
	}
	slices.Sort(names)
	return names
}
