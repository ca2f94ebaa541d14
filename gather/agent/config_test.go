package agent

import (
	"strings"
	"testing"
	"time"
)

const exampleConfig = `
engine:
  url: https://engine.example.com:8443
  token_file: /etc/scalefield/gather-token
  ca_fingerprint: 95b5c0ffee95b5c0ffee95b5c0ffee95b5c0ffee95b5c0ffee95b5c0ffee95b5
  heartbeat_interval: 15s
state_dir: /var/lib/scalefield-gather
hostname: db-0.prod.internal
spool:
  max_bytes: 2GiB
blob:
  url: s3://activity?region=eu-central-1
files:
  max_rows: 200000
  max_age: 30s
location: {lat: 50.11, lon: 8.68, label: Frankfurt DC2}
collectors:
  - name: pg-orders
    type: postgres-logical
    conn_string: postgres://gather@127.0.0.1:5432/orders
    slot: scalefield_orders
    create_publication: true
    include_values: true
    masks:
      "*.*.ssn": hash
      "public.users.email": mask
    hash_key: 0123456789abcdef0123
    exclude_tables: ["public.sessions"]
  - name: pg-audit
    type: postgres-log
    dir: /var/log/postgresql
    glob: "*.csv"
    format: postgres-csvlog
    conn_string: postgres://gather@127.0.0.1:5432/orders
  - name: maria
    type: file
    dir: /var/lib/mysql
    glob: server_audit.log*
    format: mariadb-audit
    timezone: Europe/Berlin
`

func TestParseConfig(t *testing.T) {
	t.Run("the documented example", func(t *testing.T) {
		c, err := ParseConfig([]byte(exampleConfig))
		if err != nil {
			t.Fatal(err)
		}
		if c.Spool.MaxBytes != 2<<30 || c.Files.MaxAge != 30*time.Second || c.Engine.HeartbeatInterval != 15*time.Second {
			t.Errorf("config %+v", c)
		}
		if len(c.Collectors) != 3 || c.Collectors[0].Masks["*.*.ssn"] != "hash" || c.Location.Label != "Frankfurt DC2" {
			t.Errorf("collectors %+v", c.Collectors)
		}
		pc, err := c.Collectors[0].pglogicalConfig()
		if err != nil || pc.Source != "pg-orders" || !pc.IncludeValues || len(pc.HashKey) != 20 {
			t.Errorf("pglogical config %+v, %v", pc, err)
		}
	})
	t.Run("sizes", func(t *testing.T) {
		for in, want := range map[string]int64{"1024": 1024, "512MiB": 512 << 20, "10 MB": 10e6, "1GiB": 1 << 30} {
			if got, err := ParseSize(in); err != nil || got != want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
			}
		}
		for _, in := range []string{"", "-1", "lots", "1.5GiB"} {
			if _, err := ParseSize(in); err == nil {
				t.Errorf("ParseSize(%q) accepted", in)
			}
		}
	})
	t.Run("unknown keys are errors", func(t *testing.T) {
		_, err := ParseConfig([]byte(exampleConfig + "spool_size: 3\n"))
		if err == nil || !strings.Contains(err.Error(), "spool_size") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("every problem is reported", func(t *testing.T) {
		bad := `
engine: {url: "http://engine", token: a, token_file: b, ca_fingerprint: xyz}
files: {max_rows: -1}
location: {lat: 91, lon: 0}
collectors:
  - {name: "bad name", type: file, dir: /x, glob: "[", format: nope}
  - {name: pg, type: postgres-logical, slot: "Bad-Slot", masks: {"a.b": hash}}
  - {name: pg, type: postgres-log, dir: /x, glob: "*", format: mariadb-audit}
  - {name: x, type: oracle}
`
		_, err := ParseConfig([]byte(bad))
		if err == nil {
			t.Fatal("accepted")
		}
		for _, want := range []string{
			"engine.url", "token or token_file", "ca_fingerprint", "state_dir", "blob.url", "max_rows", "location.lat",
			`name "bad name"`, "glob", `format "nope"`, "connection string is required", "slot", "want schema.table.column",
			"hash key", "used twice", "postgres-csvlog", `type "oracle"`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not mention %q:\n%v", want, err)
			}
		}
	})
}
