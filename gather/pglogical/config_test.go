package pglogical

import (
	"strings"
	"testing"

	"github.com/scalefield/scalefield"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	valid := func() Config {
		return Config{ConnString: "postgres://capture@db1:5432/app"}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	full := valid()
	full.Slot, full.Publication, full.ProtoVersion = "gather_1", "audit_pub", 2
	full.Masks = map[string]MaskAction{"public.users.email": MaskHash, "*.*.ssn": MaskDrop, "hr.*.*": MaskHide, "hr.staff.id": MaskKeep}
	full.HashKey = []byte("0123456789abcdef")
	full.IncludeTables, full.ExcludeTables = []string{"public.*", "hr.*"}, []string{"*.tmp_*"}
	if err := full.Validate(); err != nil {
		t.Fatalf("full config: %v", err)
	}

	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no connection string", func(c *Config) { c.ConnString = "" }, "connection string is required"},
		{"bad connection string", func(c *Config) { c.ConnString = "postgres://db:notaport/x" }, "connection string does not parse"},
		{"slot with capitals", func(c *Config) { c.Slot = "Gather" }, `slot "Gather"`},
		{"slot with a quote", func(c *Config) { c.Slot = "s'; DROP" }, "slot"},
		{"slot too long", func(c *Config) { c.Slot = strings.Repeat("s", 64) }, "slot"},
		{"publication starting with a digit", func(c *Config) { c.Publication = "1pub" }, `publication "1pub"`},
		{"publication with a dash", func(c *Config) { c.Publication = "audit-pub" }, "publication"},
		{"proto version 3", func(c *Config) { c.ProtoVersion = 3 }, "proto version 3"},
		{"negative status interval", func(c *Config) { c.StatusInterval = -1 }, "status interval"},
		{"unknown mask action", func(c *Config) { c.Masks = map[string]MaskAction{"a.b.c": "blur"} }, `action "blur"`},
		{"mask with two parts", func(c *Config) { c.Masks = map[string]MaskAction{"users.email": MaskHide} }, "want schema.table.column"},
		{"mask with an empty part", func(c *Config) { c.Masks = map[string]MaskAction{"public..email": MaskHide} }, "empty part"},
		{"mask with a bad wildcard", func(c *Config) { c.Masks = map[string]MaskAction{"public.[.email": MaskHide} }, "bad wildcard"},
		{"hash without key", func(c *Config) { c.Masks = map[string]MaskAction{"a.b.c": MaskHash} }, "hash key must be at least 16 bytes"},
		{"hash with short key", func(c *Config) {
			c.Masks, c.HashKey = map[string]MaskAction{"a.b.c": MaskHash}, []byte("short")
		}, "hash key"},
		{"include with three parts", func(c *Config) { c.IncludeTables = []string{"db.public.users"} }, "include table"},
		{"exclude with a bad wildcard", func(c *Config) { c.ExcludeTables = []string{"public.[x"} }, "exclude table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tc.change(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("want an error")
			}
			if code := scalefield.ErrorCode(err); code != scalefield.EINVALID {
				t.Errorf("code: got %s, want %s", code, scalefield.EINVALID)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to mention %q", err, tc.want)
			}
		})
	}

	t.Run("reports every problem", func(t *testing.T) {
		t.Parallel()
		err := Config{Slot: "X", ProtoVersion: 9}.Validate()
		for _, want := range []string{"connection string", "slot", "proto version"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want it to mention %q", err, want)
			}
		}
	})

	t.Run("New validates", func(t *testing.T) {
		t.Parallel()
		if _, err := New(Config{}); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("got %v, want code %s", err, scalefield.EINVALID)
		}
	})
}

func TestConfig_Defaults(t *testing.T) {
	t.Parallel()
	c := Config{ConnString: "host=db1.internal port=5433 dbname=app user=capture"}.withDefaults()
	if c.Slot != DefaultSlot || c.Publication != DefaultPublication || c.ProtoVersion != 1 ||
		c.Source != DefaultSource || c.StatusInterval != DefaultStatusInterval || c.Now == nil || c.Logger == nil {
		t.Errorf("defaults: %+v", c)
	}
	if c.Host != "db1.internal" {
		t.Errorf("host from the connection string: got %q", c.Host)
	}
}

func TestConfig_MaskFor(t *testing.T) {
	t.Parallel()
	c := Config{Masks: map[string]MaskAction{
		"*.*.email":          MaskHash,
		"hr.*.*":             MaskHide,
		"hr.staff.email":     MaskKeep,
		"*.*.ssn":            MaskDrop,
		"hr.*.ssn":           MaskHide,
		"public.users.phone": MaskHide,
	}}
	for _, tc := range []struct {
		column string
		want   MaskAction
	}{
		{"public.users.email", MaskHash},
		{"public.users.name", MaskKeep},
		{"public.users.phone", MaskHide},
		{"hr.pay.amount", MaskHide},
		{"hr.pay.email", MaskHash}, // most restrictive pattern wins
		{"hr.pay.ssn", MaskDrop},
		{"hr.staff.email", MaskKeep}, // an exact rule beats every pattern
		{"public.users.ssn_note", MaskKeep},
	} {
		p := strings.Split(tc.column, ".")
		if got := c.maskFor(p[0], p[1], p[2]); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.column, got, tc.want)
		}
	}
}

func TestConfig_TableIncluded(t *testing.T) {
	t.Parallel()
	c := Config{IncludeTables: []string{"public.*", "hr.staff"}, ExcludeTables: []string{"*.tmp_*"}}
	for table, want := range map[string]bool{
		"public.users":   true,
		"public.tmp_x":   false,
		"hr.staff":       true,
		"hr.pay":         false,
		"sales.orders":   false,
		"publicx.users":  false,
		"public.tmp_old": false,
	} {
		s, tb, _ := strings.Cut(table, ".")
		if got := c.tableIncluded(s, tb); got != want {
			t.Errorf("%s: got %t, want %t", table, got, want)
		}
	}
	if all := (Config{}); !all.tableIncluded("any", "table") {
		t.Error("no patterns should include every table")
	}
}

func TestParseMaskRule(t *testing.T) {
	t.Parallel()
	p, a, err := ParseMaskRule(" public.users.email : hash ")
	if err != nil || p != "public.users.email" || a != MaskHash {
		t.Errorf("got %q %q %v", p, a, err)
	}
	for _, bad := range []string{"public.users.email", "public.users.email:blur", "users.email:mask", ":mask"} {
		if _, _, err := ParseMaskRule(bad); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%q: got %v, want code %s", bad, err, scalefield.EINVALID)
		}
	}
}

func TestLSNAndPosition(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0/0", "0/16B3748", "9/EAA6840", "FFFFFFFF/FFFFFFFF"} {
		l, err := ParseLSN(s)
		if err != nil || l.String() != s {
			t.Errorf("%s: got %s, %v", s, l, err)
		}
	}
	if l, _ := ParseLSN("1/0"); l != 1<<32 {
		t.Errorf("1/0 = %d", l)
	}
	for _, bad := range []string{"", "16B3748", "0/xyz", "100000000/0", "0/16B3748/1"} {
		if _, err := ParseLSN(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	pos := Position(0x16B3748, 3)
	if pos != "0/16B3748#3" {
		t.Errorf("position: got %s", pos)
	}
	commit, idx, err := ParsePosition(pos)
	if err != nil || commit != 0x16B3748 || idx != 3 {
		t.Errorf("parse position: got %s %d %v", commit, idx, err)
	}
	for _, bad := range []string{"0/16B3748", "0/16B3748#", "0/16B3748#-1", "x#1"} {
		if _, _, err := ParsePosition(bad); scalefield.ErrorCode(err) != scalefield.EINVALID {
			t.Errorf("%q: got %v, want code %s", bad, err, scalefield.EINVALID)
		}
	}
}
