package agent

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather/activityfile"
)

// client speaks the gather protocol (docs/gather-protocol.md).
type client struct {
	base string
	http *http.Client
}

func newClient(base string, tc *tls.Config) *client {
	tr := &http.Transport{
		TLSClientConfig:     tc,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (c *client) close() { c.http.CloseIdleConnections() }

// protocolCodes maps the protocol's error codes onto the domain's.
var protocolCodes = map[string]string{
	"invalid":      scalefield.EINVALID,
	"unauthorized": scalefield.EUNAUTHORIZED,
	"conflict":     scalefield.ECONFLICT,
	"too_large":    scalefield.EINVALID,
	"rate_limited": scalefield.ERATELIMIT,
	"internal":     scalefield.EUNAVAILABLE,
}

// post sends body as JSON to path and decodes a 2xx answer into out. A
// failed request or a 5xx is EUNAVAILABLE; other errors carry the
// engine's code and message.
func (c *client) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return scalefield.Errorf(scalefield.EINVALID, "engine URL: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return &scalefield.Error{Code: scalefield.EUNAVAILABLE, Message: "engine unreachable", Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &scalefield.Error{Code: scalefield.EUNAVAILABLE, Message: "read engine answer", Err: err}
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error, Code string }
		_ = json.Unmarshal(data, &e)
		code, ok := protocolCodes[e.Code]
		if !ok || resp.StatusCode >= 500 {
			code = scalefield.EUNAVAILABLE
		}
		msg := e.Error
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return scalefield.Errorf(code, "engine answered %d on %s: %s", resp.StatusCode, path, msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &scalefield.Error{Code: scalefield.EUNAVAILABLE, Message: "engine answer is not the expected JSON", Err: err}
	}
	return nil
}

// Heartbeat is the body of POST /gather/v1/heartbeat.
type Heartbeat struct {
	Version    string            `json:"version"`
	Hostname   string            `json:"hostname"`
	IPs        []string          `json:"ips"`
	OS         string            `json:"os"`
	Databases  []Database        `json:"databases"`
	Location   *Location         `json:"location"`
	Spool      SpoolStats        `json:"spool"`
	Collectors []CollectorStatus `json:"collectors"`
}

// Database is one database in the host inventory.
type Database struct {
	Engine  string `json:"engine"`
	Version string `json:"version"`
	Name    string `json:"name"`
	Host    string `json:"host"`
	Port    int    `json:"port"`
}

// SpoolStats is the spool's fill level.
type SpoolStats struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// CollectorStatus is one collector's health.
type CollectorStatus struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Status is starting, running, paused (spool full), retrying (after an
	// error) or stopped.
	Status string `json:"status"`
	Error  string `json:"error"`
	// Position is the last position stored durably in the blob store.
	Position string `json:"position"`
}

type heartbeatResponse struct {
	BlobURLHint              string `json:"blob_url_hint"`
	HeartbeatIntervalSeconds int    `json:"heartbeat_interval_seconds"`
}

// FileNotice is one entry of POST /gather/v1/files.
type FileNotice struct {
	ManifestKey string                `json:"manifest_key"`
	Manifest    activityfile.Manifest `json:"manifest"`
}

type filesRequest struct {
	Files []FileNotice `json:"files"`
}

func (c *client) heartbeat(ctx context.Context, hb Heartbeat) (heartbeatResponse, error) {
	var resp heartbeatResponse
	err := c.post(ctx, "/gather/v1/heartbeat", hb, &resp)
	return resp, err
}

func (c *client) notifyFiles(ctx context.Context, files []FileNotice) error {
	return c.post(ctx, "/gather/v1/files", filesRequest{Files: files}, nil)
}
