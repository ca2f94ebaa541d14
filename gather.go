package scalefield

import (
	"encoding/json"
	"time"
)

// The gather zone: agents beside customer databases enroll with a token,
// report heartbeats with their inventory, and announce Parquet files that
// the engine imports into Bronze.

// Audit actions of the gather zone.
const (
	AuditGatherTokenCreated  = "gather.token_created"
	AuditGatherNodeEnrolled  = "gather.node_enrolled"
	AuditGatherNodeRevoked   = "gather.node_revoked"
	AuditGatherImportRetried = "gather.import_retried"
)

// Lifetimes of the gather zone.
const (
	DefaultGatherTokenTTL    = 24 * time.Hour
	MaxGatherTokenTTL        = 30 * 24 * time.Hour
	DefaultHeartbeatInterval = 30 * time.Second
)

// Statuses of a gather file in the import queue.
const (
	GatherFileQueued      = "queued"
	GatherFileImporting   = "importing"
	GatherFileDone        = "done"
	GatherFileQuarantined = "quarantined"
)

// GatherEnrollmentToken is a one-time token an agent enrolls with.
type GatherEnrollmentToken struct {
	ID, TenantID, Name, CreatedBy string
	CreatedAt, ExpiresAt          time.Time
}

// GatherLocation is where a node says it is.
type GatherLocation struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Label string  `json:"label"`
}

// GatherDatabase is a database a node reported.
type GatherDatabase struct {
	Engine, Version, Name, Host string
	Port                        int
	FirstSeen, LastSeen         time.Time
}

// GatherNode is an enrolled gather agent.
type GatherNode struct {
	ID, TenantID, Name         string
	Hostname, Version, OS      string
	IPs                        []string
	CertSerial                 string
	CertFingerprint            []byte
	CertNotAfter, EnrolledAt   time.Time
	RevokedAt, LastHeartbeatAt *time.Time
	HeartbeatInterval          time.Duration
	Location                   *GatherLocation
	// Inventory is the rest of the last heartbeat (spool, collectors) as
	// the agent sent it.
	Inventory json.RawMessage
	Databases []GatherDatabase
}

// GatherHeartbeat is what a heartbeat reports.
type GatherHeartbeat struct {
	Version, Hostname, OS string
	IPs                   []string
	Databases             []GatherDatabase
	Location              *GatherLocation
	Inventory             json.RawMessage
}

// IssuedCert is what the CA issued a node, as the store keeps it.
type IssuedCert struct {
	Serial      string
	Fingerprint []byte
	NotAfter    time.Time
}

// GatherEnrollment is an enrollment request, after its CSR was read.
type GatherEnrollment struct {
	Token, Hostname, Version, IP string
	// Sign issues the node's certificate once the token is accepted.
	Sign func(nodeID, tenantID string) (IssuedCert, error)
}

// GatherManifest is what the import queue keeps of a file's manifest.
type GatherManifest struct {
	File, SHA256, Source, Engine string
	Rows, Bytes                  int64
	MinTime, MaxTime             time.Time
}

// GatherFile is one file of the import queue.
type GatherFile struct {
	ID                     int64
	TenantID, NodeID       string
	ManifestKey, FileKey   string
	Manifest               *GatherManifest // nil until read
	Status, Error, FoundBy string
	Attempts               int
	ImportedRows           int64
	CreatedAt, UpdatedAt   time.Time
	NextAttemptAt          time.Time
	DoneAt                 *time.Time
}

// GatherFileNotice announces a file: its manifest key and, when the agent
// sent it, the manifest.
type GatherFileNotice struct {
	ManifestKey string
	Manifest    *GatherManifest
}

// GatherNodeRef names an enrolled node.
type GatherNodeRef struct{ TenantID, NodeID string }

// GatherKeyPrefix returns the blob store prefix of a node's files:
// "<tenant id>/<node id>/".
func GatherKeyPrefix(tenantID, nodeID string) string { return tenantID + "/" + nodeID + "/" }

// GatherFileFilter narrows ListGatherFiles.
type GatherFileFilter struct {
	Status *string
	First  int
	After  *string
}

// GatherFilePage is one page of the import queue, newest first.
type GatherFilePage struct {
	Files       []*GatherFile
	Cursors     []string
	HasNextPage bool
	TotalCount  int
}
