package ingest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Syslog listener protocols.
const (
	ProtocolUDP = "udp" // RFC 5426: one message per datagram
	ProtocolTCP = "tcp" // RFC 6587: octet counting or LF framing
	ProtocolTLS = "tls" // RFC 5425: TCP framing inside TLS
)

// Limits of syslog listeners.
const (
	// MaxUDPMessageBytes is the largest UDP payload over IPv4.
	MaxUDPMessageBytes = 65507
	// MaxStreamMessageBytes bounds max_message_bytes of TCP and TLS.
	MaxStreamMessageBytes = 16 << 20
)

// Duration is a time.Duration that reads from JSON and YAML as a Go
// duration string ("30s", "5m") or a number of seconds.
type Duration time.Duration

// UnmarshalJSON reads "30s" or 30.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if s, err := strconv.Unquote(string(b)); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration %s: want a string such as \"30s\" or a number of seconds", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// SyslogConfig configures the syslog receivers: one entry per listener.
// LoadSyslogConfig reads it from a YAML or JSON file:
//
//	listeners:
//	  - listen: 0.0.0.0:6514
//	    protocol: tls
//	    tenant_slug: acme
//	    source: firewalls
//	    cert_file: /etc/scalefield/syslog.crt
//	    key_file: /etc/scalefield/syslog.key
type SyslogConfig struct {
	Listeners []SyslogListenerConfig `json:"listeners"`
	// StopGrace is how long Stop goes on reading what senders have already
	// sent before it closes the connections. Default 2s.
	StopGrace Duration `json:"stop_grace"`
}

// SyslogListenerConfig is one syslog listener, mapped to a tenant and a
// source.
type SyslogListenerConfig struct {
	// Listen is the host:port to listen on (port 0 picks one).
	Listen string `json:"listen"`
	// Protocol is udp, tcp or tls.
	Protocol string `json:"protocol"`
	// TenantSlug or TenantID (exactly one) names the tenant the messages
	// belong to.
	TenantSlug string `json:"tenant_slug"`
	TenantID   string `json:"tenant_id"`
	// Source names the listener in Bronze, the source registry and metrics.
	Source string `json:"source"`
	// Sourcetype of the Bronze records. Default "syslog".
	Sourcetype string `json:"sourcetype"`
	// MaxMessageBytes bounds one message; larger ones are skipped and
	// counted as rejected. Default 65536 (UDP: 65507).
	MaxMessageBytes int `json:"max_message_bytes"`
	// IdleTimeout closes a TCP/TLS connection that sends nothing for this
	// long. Default 5m.
	IdleTimeout Duration `json:"idle_timeout"`
	// MaxConnections caps the open TCP/TLS connections; further ones are
	// closed at once. Default 1000.
	MaxConnections int `json:"max_connections"`
	// CertFile and KeyFile are the PEM certificate chain and key of a tls
	// listener.
	CertFile string `json:"cert_file"`
	KeyFile  string `json:"key_file"`
	// ClientCAFile, when set on a tls listener, requires client
	// certificates signed by these PEM CAs (mutual TLS, RFC 5425 §5.2).
	ClientCAFile string `json:"client_ca_file"`
}

// LoadSyslogConfig reads a syslog configuration from a JSON file, or YAML
// when the name ends in .yaml or .yml, applies the defaults and validates
// it. Unknown fields are errors.
func LoadSyslogConfig(path string) (SyslogConfig, error) {
	var cfg SyslogConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("syslog config: %w", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		if data, err = yaml.YAMLToJSON(data); err != nil {
			return cfg, fmt.Errorf("syslog config %s: %w", path, err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("syslog config %s: %w", path, err)
	}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("syslog config %s: %w", path, err)
	}
	return cfg, nil
}

// ApplyDefaults fills in the fields left zero.
func (c *SyslogConfig) ApplyDefaults() {
	if c.StopGrace == 0 {
		c.StopGrace = Duration(2 * time.Second)
	}
	for i := range c.Listeners {
		l := &c.Listeners[i]
		l.Protocol = strings.ToLower(strings.TrimSpace(l.Protocol))
		if l.Sourcetype == "" {
			l.Sourcetype = "syslog"
		}
		if l.MaxMessageBytes == 0 {
			l.MaxMessageBytes = 64 << 10
			if l.Protocol == ProtocolUDP {
				l.MaxMessageBytes = MaxUDPMessageBytes
			}
		}
		if l.IdleTimeout == 0 {
			l.IdleTimeout = Duration(5 * time.Minute)
		}
		if l.MaxConnections == 0 {
			l.MaxConnections = 1000
		}
	}
}

// Validate fails on any value that cannot work, naming the listener.
func (c SyslogConfig) Validate() error {
	var errs []error
	if c.StopGrace < 0 {
		errs = append(errs, fmt.Errorf("stop_grace %s: must not be negative", time.Duration(c.StopGrace)))
	}
	seen := map[string]int{}
	for i, l := range c.Listeners {
		if err := l.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("listener %d (%s %s): %w", i, l.Protocol, l.Listen, err))
		}
		transport := "tcp"
		if l.Protocol == ProtocolUDP {
			transport = "udp"
		}
		if _, port, _ := net.SplitHostPort(l.Listen); port != "0" {
			key := transport + " " + l.Listen
			if j, dup := seen[key]; dup {
				errs = append(errs, fmt.Errorf("listener %d: %s %s is also listener %d's address", i, transport, l.Listen, j))
			}
			seen[key] = i
		}
	}
	return errors.Join(errs...)
}

// Validate checks one listener; a tls listener's key pair and client CAs
// are loaded to prove they can be.
func (l SyslogListenerConfig) Validate() error {
	var errs []error
	if host, port, err := net.SplitHostPort(l.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: want host:port: %w", l.Listen, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("listen %q: bad port", l.Listen))
	} else if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		errs = append(errs, fmt.Errorf("listen %q: bad host", l.Listen))
	}
	maxBytes := MaxStreamMessageBytes
	switch l.Protocol {
	case ProtocolUDP:
		maxBytes = MaxUDPMessageBytes
	case ProtocolTCP, ProtocolTLS:
	default:
		errs = append(errs, fmt.Errorf("protocol %q: want udp, tcp or tls", l.Protocol))
	}
	switch {
	case (l.TenantSlug == "") == (l.TenantID == ""):
		errs = append(errs, errors.New("set exactly one of tenant_slug and tenant_id"))
	case l.TenantID != "" && !isGUID(l.TenantID):
		errs = append(errs, fmt.Errorf("tenant_id %q: not a UUID", l.TenantID))
	}
	if strings.TrimSpace(l.Source) == "" || len(l.Source) > 100 {
		errs = append(errs, errors.New("source is required (at most 100 characters): it names the listener in Bronze and metrics"))
	}
	if l.MaxMessageBytes < 480 || l.MaxMessageBytes > maxBytes {
		errs = append(errs, fmt.Errorf("max_message_bytes %d: must be 480..%d", l.MaxMessageBytes, maxBytes))
	}
	if l.Protocol != ProtocolUDP {
		if l.IdleTimeout < Duration(time.Second) {
			errs = append(errs, fmt.Errorf("idle_timeout %s: must be at least 1s", time.Duration(l.IdleTimeout)))
		}
		if l.MaxConnections < 1 || l.MaxConnections > 100000 {
			errs = append(errs, fmt.Errorf("max_connections %d: must be 1..100000", l.MaxConnections))
		}
	}
	if l.Protocol == ProtocolTLS {
		if _, err := l.tlsConfig(); err != nil {
			errs = append(errs, err)
		}
	} else if l.CertFile != "" || l.KeyFile != "" || l.ClientCAFile != "" {
		errs = append(errs, errors.New("cert_file, key_file and client_ca_file are for tls listeners only"))
	}
	return errors.Join(errs...)
}

// tlsConfig loads the listener's certificate, key and client CAs.
func (l SyslogListenerConfig) tlsConfig() (*tls.Config, error) {
	if l.CertFile == "" || l.KeyFile == "" {
		return nil, errors.New("a tls listener needs cert_file and key_file")
	}
	cert, err := tls.LoadX509KeyPair(l.CertFile, l.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("cert_file/key_file: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if l.ClientCAFile != "" {
		pem, err := os.ReadFile(l.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("client_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client_ca_file %s: no PEM certificates", l.ClientCAFile)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, c := range h {
		if !(c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
