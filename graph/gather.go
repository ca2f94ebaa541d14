package graph

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	scalefield "github.com/scalefield/scalefield"
	"github.com/scalefield/scalefield/gather"
	"github.com/scalefield/scalefield/graph/model"
)

// GatherService is what the gather resolvers call (store.GatherService
// with the engine's CA).
type GatherService interface {
	// CreateGatherEnrollmentToken: EINVALID for a bad name or lifetime.
	CreateGatherEnrollmentToken(ctx context.Context, name string, ttl time.Duration, audit *scalefield.AuditEntry) (*scalefield.GatherEnrollmentToken, string, error)
	// ListGatherNodes: EINVALID for a bad page size or cursor.
	ListGatherNodes(ctx context.Context, first int, after *string) ([]*scalefield.GatherNode, []string, bool, int, error)
	// RevokeGatherNode: ENOTFOUND.
	RevokeGatherNode(ctx context.Context, id string, audit *scalefield.AuditEntry) (*scalefield.GatherNode, error)
	// ListGatherFiles: EINVALID for a bad filter.
	ListGatherFiles(ctx context.Context, f scalefield.GatherFileFilter) (*scalefield.GatherFilePage, error)
	// RetryGatherFile: ENOTFOUND; ECONFLICT unless quarantined.
	RetryGatherFile(ctx context.Context, id int64, audit *scalefield.AuditEntry) (*scalefield.GatherFile, error)
	// GatherCA returns the CA certificate's fingerprint and PEM.
	GatherCA() (fingerprint, certPEM string)
}

// gatherService returns the service, or EUNAVAILABLE when the engine runs
// without one.
func (r *Resolver) gatherService() (GatherService, error) {
	if r.Gather == nil {
		return nil, scalefield.Errorf(scalefield.EUNAVAILABLE, "the gather zone is not configured on this engine")
	}
	return r.Gather, nil
}

// gatherNodeStatus compares the last heartbeat with the node's interval.
func gatherNodeStatus(n *scalefield.GatherNode, now time.Time) model.GatherNodeStatus {
	switch {
	case n.RevokedAt != nil:
		return model.GatherNodeStatusRevoked
	case n.LastHeartbeatAt == nil:
		return model.GatherNodeStatusOffline
	}
	age := now.Sub(*n.LastHeartbeatAt)
	switch {
	case age <= 2*n.HeartbeatInterval:
		return model.GatherNodeStatusOnline
	case age <= 10*n.HeartbeatInterval:
		return model.GatherNodeStatusStale
	default:
		return model.GatherNodeStatusOffline
	}
}

// gatherInventory is the part of a heartbeat kept as sent.
type gatherInventory struct {
	Spool *struct {
		Files *int     `json:"files"`
		Bytes *float64 `json:"bytes"`
	} `json:"spool"`
	Collectors []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Status   string `json:"status"`
		Error    string `json:"error"`
		Position string `json:"position"`
	} `json:"collectors"`
}

func toModelGatherNode(n *scalefield.GatherNode, now time.Time) *model.GatherNode {
	out := &model.GatherNode{
		ID: n.ID, Name: n.Name, Status: gatherNodeStatus(n, now), Hostname: n.Hostname, Version: n.Version, Os: n.OS,
		Ips: n.IPs, EnrolledAt: n.EnrolledAt, LastHeartbeatAt: n.LastHeartbeatAt, HeartbeatIntervalSeconds: int(n.HeartbeatInterval / time.Second),
		CertificateExpiresAt: n.CertNotAfter, RevokedAt: n.RevokedAt, Databases: []*model.GatherDatabase{}, Collectors: []*model.GatherCollector{},
	}
	if out.Ips == nil {
		out.Ips = []string{}
	}
	if l := n.Location; l != nil {
		out.Location = &model.GatherLocation{Lat: l.Lat, Lon: l.Lon, Label: l.Label}
	}
	releases := gather.Releases()
	for _, d := range n.Databases {
		c := releases.Classify(d.Engine, d.Version)
		out.Databases = append(out.Databases, &model.GatherDatabase{
			Engine: d.Engine, Version: d.Version, Name: d.Name, Host: d.Host, Port: d.Port, LastSeen: d.LastSeen,
			MajorVersion: optional(c.Major), LatestVersion: optional(c.Latest), PatchStatus: model.PatchStatus(c.Status),
			EndOfLife: optional(c.EndOfLife), ReleasesAsOf: releases.AsOf,
		})
	}
	var inv gatherInventory
	if json.Unmarshal(n.Inventory, &inv) == nil {
		if inv.Spool != nil {
			out.SpoolFiles, out.SpoolBytes = inv.Spool.Files, inv.Spool.Bytes
		}
		for _, c := range inv.Collectors {
			out.Collectors = append(out.Collectors, &model.GatherCollector{Name: c.Name, Type: c.Type, Status: c.Status,
				Error: optional(c.Error), Position: optional(c.Position)})
		}
	}
	return out
}

func toModelGatherImport(f *scalefield.GatherFile) *model.GatherImport {
	out := &model.GatherImport{
		ID: formatID(f.ID), NodeID: f.NodeID, ManifestKey: f.ManifestKey, FileKey: f.FileKey,
		Status: model.GatherImportStatus(strings.ToUpper(f.Status)), Error: optional(f.Error), FoundBy: strings.ToUpper(f.FoundBy),
		Attempts: f.Attempts, ImportedRows: float64(f.ImportedRows), CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, DoneAt: f.DoneAt,
	}
	if m := f.Manifest; m != nil {
		rows, bytes := float64(m.Rows), float64(m.Bytes)
		out.Rows, out.Bytes, out.Sha256 = &rows, &bytes, optional(m.SHA256)
		out.Source, out.Engine = optional(m.Source), optional(m.Engine)
		if !m.MinTime.IsZero() {
			minT, maxT := m.MinTime, m.MaxTime
			out.MinTime, out.MaxTime = &minT, &maxT
		}
	}
	return out
}

func parseGatherImportID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, scalefield.Errorf(scalefield.ENOTFOUND, "import not found")
	}
	return n, nil
}
