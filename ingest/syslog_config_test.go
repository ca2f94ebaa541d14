package ingest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalefield/scalefield/ingest"
)

func TestLoadSyslogConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "syslog.yaml")
	if err := os.WriteFile(yamlFile, []byte(`
listeners:
  - listen: 127.0.0.1:5514
    protocol: UDP
    tenant_slug: acme
    source: routers
  - listen: 127.0.0.1:5514
    protocol: tcp
    tenant_id: 6f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0
    source: firewalls
    sourcetype: cisco:asa
    max_message_bytes: 8192
    idle_timeout: 30s
    max_connections: 50
stop_grace: 5
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ingest.LoadSyslogConfig(yamlFile)
	if err != nil {
		t.Fatal(err)
	}
	udp, tcp := cfg.Listeners[0], cfg.Listeners[1]
	if udp.Protocol != "udp" || udp.Sourcetype != "syslog" || udp.MaxMessageBytes != ingest.MaxUDPMessageBytes ||
		tcp.Sourcetype != "cisco:asa" || tcp.MaxMessageBytes != 8192 || time.Duration(tcp.IdleTimeout) != 30*time.Second ||
		tcp.MaxConnections != 50 || time.Duration(cfg.StopGrace) != 5*time.Second {
		t.Errorf("config = %+v", cfg)
	}

	jsonFile := filepath.Join(dir, "syslog.json")
	if err := os.WriteFile(jsonFile, []byte(`{"listeners":[{"listen":":6514","protocol":"tcp","tenant_slug":"acme","source":"s","colour":"red"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadSyslogConfig(jsonFile); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown field: %v, want an error naming it", err)
	}
}

func TestSyslogConfigValidate(t *testing.T) {
	t.Parallel()
	ok := ingest.SyslogListenerConfig{Listen: "0.0.0.0:514", Protocol: "udp", TenantSlug: "acme", Source: "s"}
	tests := []struct {
		name   string
		change func(*ingest.SyslogListenerConfig)
		want   string
	}{
		{"valid", func(*ingest.SyslogListenerConfig) {}, ""},
		{"no port", func(l *ingest.SyslogListenerConfig) { l.Listen = "0.0.0.0" }, "want host:port"},
		{"bad port", func(l *ingest.SyslogListenerConfig) { l.Listen = ":99999" }, "bad port"},
		{"protocol", func(l *ingest.SyslogListenerConfig) { l.Protocol = "sctp" }, `protocol "sctp"`},
		{"no tenant", func(l *ingest.SyslogListenerConfig) { l.TenantSlug = "" }, "exactly one of tenant_slug and tenant_id"},
		{"two tenants", func(l *ingest.SyslogListenerConfig) { l.TenantID = "6f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0" }, "exactly one"},
		{"bad tenant id", func(l *ingest.SyslogListenerConfig) { l.TenantSlug, l.TenantID = "", "acme" }, "not a UUID"},
		{"no source", func(l *ingest.SyslogListenerConfig) { l.Source = " " }, "source is required"},
		{"udp message too large", func(l *ingest.SyslogListenerConfig) { l.MaxMessageBytes = 70000 }, "max_message_bytes 70000"},
		{"tls without key", func(l *ingest.SyslogListenerConfig) { l.Protocol = "tls" }, "needs cert_file and key_file"},
		{"tls with missing files", func(l *ingest.SyslogListenerConfig) {
			l.Protocol, l.CertFile, l.KeyFile = "tls", "/nonexistent.crt", "/nonexistent.key"
		}, "cert_file/key_file"},
		{"certificate on udp", func(l *ingest.SyslogListenerConfig) { l.CertFile = "x.pem" }, "for tls listeners only"},
		{"tcp idle timeout", func(l *ingest.SyslogListenerConfig) {
			l.Protocol, l.IdleTimeout = "tcp", ingest.Duration(time.Millisecond)
		}, "idle_timeout"},
		{"tcp connections", func(l *ingest.SyslogListenerConfig) { l.Protocol, l.MaxConnections = "tcp", -1 }, "max_connections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ok
			tt.change(&l)
			cfg := ingest.SyslogConfig{Listeners: []ingest.SyslogListenerConfig{l}}
			cfg.ApplyDefaults()
			err := cfg.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("the same address twice", func(t *testing.T) {
		cfg := ingest.SyslogConfig{Listeners: []ingest.SyslogListenerConfig{ok, ok}}
		cfg.ApplyDefaults()
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "also listener 0") {
			t.Errorf("Validate() = %v, want a duplicate address error", err)
		}
	})
}
