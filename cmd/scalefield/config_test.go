package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{"DATABASE_URL": "postgres://localhost/db", "REDIS_URL": "redis://localhost:6379/0"}

	t.Run("environment fills what flags leave", func(t *testing.T) {
		e := map[string]string{"SCALEFIELD_TOKEN_TTL": "5m", "SCALEFIELD_ADDR": "0.0.0.0:9000", "SCALEFIELD_GOLD_FOLD_INTERVAL": "500ms"}
		for k, v := range base {
			e[k] = v
		}
		cfg, err := ParseConfig([]string{"--web-dir=", "--addr", "127.0.0.1:7000"}, env(e))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != "127.0.0.1:7000" || cfg.TokenTTL != 5*time.Minute || cfg.DatabaseURL != base["DATABASE_URL"] || cfg.GoldFoldInterval != 500*time.Millisecond {
			t.Errorf("got addr %s ttl %s db %s gold fold %s", cfg.Addr, cfg.TokenTTL, cfg.DatabaseURL, cfg.GoldFoldInterval)
		}
	})

	t.Run("secrets come from _FILE variables", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "db-url")
		if err := os.WriteFile(path, []byte("postgres://from-file/db\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ParseConfig([]string{"--web-dir="}, env(map[string]string{"DATABASE_URL_FILE": path, "REDIS_URL": base["REDIS_URL"]}))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DatabaseURL != "postgres://from-file/db" {
			t.Errorf("database url = %q", cfg.DatabaseURL)
		}
	})

	bad := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"missing database", []string{"--web-dir="}, map[string]string{"REDIS_URL": "redis://x"}, "database URL is required"},
		{"not a postgres url", []string{"--web-dir="}, map[string]string{"DATABASE_URL": "mysql://x", "REDIS_URL": "redis://x"}, "postgres:// URL"},
		{"bad ttl", []string{"--web-dir=", "--token-ttl", "1s"}, base, "token TTL"},
		{"bad ttl from env", []string{"--web-dir="}, merge(base, "SCALEFIELD_TOKEN_TTL", "soon"), "SCALEFIELD_TOKEN_TTL"},
		{"bad log level", []string{"--web-dir=", "--log-level", "loud"}, base, "log level"},
		{"missing web dir", []string{"--web-dir", "/nonexistent/dist"}, base, "web dir"},
		{"both var and file", []string{"--web-dir="}, merge(base, "REDIS_URL_FILE", "/x"), "both REDIS_URL and REDIS_URL_FILE"},
		{"bad address", []string{"--web-dir=", "--addr", "8080"}, base, "addr"},
		{"zero gold fold interval", []string{"--web-dir=", "--gold-fold-interval", "0s"}, base, "gold fold interval"},
	}
	for _, tt := range bad {
		t.Run(tt.name+" fails loudly", func(t *testing.T) {
			_, err := ParseConfig(tt.args, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func merge(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}
