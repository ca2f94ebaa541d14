-- The gather zone on the engine side: the certificate authority that
-- issues agents their client certificates, one-time enrollment tokens,
-- enrolled agents (nodes) with their inventory, and the queue of activity
-- files to import into Bronze (see docs/gather-protocol.md).
--
-- Tenant tables are under row-level security like every other: GraphQL
-- reads and changes them as scalefield_app inside the caller's tenant. The
-- gather listener (enrollment, before a tenant is known), the scanner and
-- the import stage (across tenants) use the privileged connection and name
-- the tenant in every statement.

-- +goose Up

-- The engine's CA: exactly one row, shared by every replica. The private
-- key is PKCS#8 PEM sealed with the engine's secret cipher (AES-256-GCM,
-- --secret-key-file), so a copy of the database alone cannot sign a client
-- certificate. Not readable by the application role at all.
CREATE TABLE gather_ca (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    cert_pem   text NOT NULL,
    key_sealed bytea NOT NULL,
    created_at timestamptz NOT NULL
);
REVOKE ALL ON gather_ca FROM scalefield_app;

-- One-time enrollment tokens a tenant admin creates for an agent. Only the
-- sha256 of the secret is kept; the secret is shown once. A token is spent
-- (used_at, node_id) by the first enrollment that presents it.
CREATE TABLE gather_enrollment_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at    timestamptz,
    node_id    uuid,
    CHECK ((used_at IS NULL) = (node_id IS NULL))
);
CREATE INDEX gather_enrollment_tokens_tenant_idx ON gather_enrollment_tokens (tenant_id, created_at DESC);

ALTER TABLE gather_enrollment_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE gather_enrollment_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gather_enrollment_tokens
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- Enrolled agents. The node's identity is its client certificate: CN is the
-- node id, OU the tenant id; only the certificate with cert_fingerprint
-- (sha256 of its DER bytes) is accepted for the node, and none once
-- revoked_at is set. The inventory columns hold what the last heartbeat
-- said; inventory keeps the rest of it (spool, collectors) as sent.
CREATE TABLE gather_nodes (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The enrollment token's name: what the admin called the agent.
    name              text NOT NULL DEFAULT '',
    hostname          text NOT NULL DEFAULT '',
    version           text NOT NULL DEFAULT '',
    os                text NOT NULL DEFAULT '',
    ips               text[] NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    cert_serial       text NOT NULL,
    cert_fingerprint  bytea NOT NULL CHECK (length(cert_fingerprint) = 32),
    cert_not_after    timestamptz NOT NULL,
    enrolled_at       timestamptz NOT NULL,
    revoked_at        timestamptz,
    last_heartbeat_at timestamptz,
    -- Seconds between heartbeats asked of the node; status is computed
    -- against it.
    heartbeat_interval_seconds int NOT NULL DEFAULT 30 CHECK (heartbeat_interval_seconds > 0),
    inventory         jsonb NOT NULL DEFAULT '{}',
    location_lat      double precision CHECK (location_lat BETWEEN -90 AND 90),
    location_lon      double precision CHECK (location_lon BETWEEN -180 AND 180),
    location_label    text NOT NULL DEFAULT '',
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
    CHECK ((location_lat IS NULL) = (location_lon IS NULL))
);
-- Serves the node list (keyset on enrolled_at, id) and the scanner.
CREATE INDEX gather_nodes_tenant_idx ON gather_nodes (tenant_id, enrolled_at, id);

ALTER TABLE gather_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE gather_nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gather_nodes
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- The databases each node reported, keyed by what identifies one on the
-- node. Heartbeats upsert them (last_seen); those not reported for a week
-- are pruned.
CREATE TABLE gather_databases (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    node_id    uuid NOT NULL REFERENCES gather_nodes (id) ON DELETE CASCADE,
    engine     text NOT NULL,
    name       text NOT NULL DEFAULT '',
    host       text NOT NULL DEFAULT '',
    port       int NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),
    version    text NOT NULL DEFAULT '',
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (node_id, engine, host, port, name)
);
CREATE INDEX gather_databases_tenant_idx ON gather_databases (tenant_id, node_id);

ALTER TABLE gather_databases ENABLE ROW LEVEL SECURITY;
ALTER TABLE gather_databases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gather_databases
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- The import queue: one row per manifest key, whether a notice or a scan
-- found it first (ON CONFLICT DO NOTHING), so a file is imported once.
-- The manifest columns are NULL until the import stage has read the stored
-- manifest (a scan knows only the key).
--
-- queued → importing (claimed with FOR UPDATE SKIP LOCKED; lease_until
-- bounds a claim whose replica died) → done, in the transaction that wrote
-- its Bronze rows; or → quarantined with the reason, or back to queued
-- (next_attempt_at) after a transient failure.
CREATE TABLE gather_files (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    node_id         uuid NOT NULL REFERENCES gather_nodes (id) ON DELETE CASCADE,
    manifest_key    text NOT NULL UNIQUE CHECK (manifest_key LIKE '%.manifest.json'),
    file_key        text NOT NULL,
    sha256          text,
    rows            bigint CHECK (rows >= 0),
    bytes           bigint CHECK (bytes >= 0),
    min_time        timestamptz,
    max_time        timestamptz,
    source          text NOT NULL DEFAULT '',
    engine          text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'importing', 'done', 'quarantined')),
    -- Why the file is quarantined, or what went wrong on the last attempt.
    error           text NOT NULL DEFAULT '',
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    imported_rows   bigint NOT NULL DEFAULT 0 CHECK (imported_rows >= 0),
    -- How the engine learnt of the file: notice or scan.
    found_by        text NOT NULL CHECK (found_by IN ('notice', 'scan')),
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    done_at         timestamptz,
    CHECK ((status = 'done') = (done_at IS NOT NULL))
);
-- Serves the claim: the oldest due file first.
CREATE INDEX gather_files_claim_idx ON gather_files (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX gather_files_lease_idx ON gather_files (lease_until) WHERE status = 'importing';
-- Serves the import list, newest first, filtered by status or not.
CREATE INDEX gather_files_tenant_idx ON gather_files (tenant_id, id DESC);
CREATE INDEX gather_files_tenant_status_idx ON gather_files (tenant_id, status, id DESC);

ALTER TABLE gather_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE gather_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gather_files
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- +goose Down
DROP TABLE gather_files;
DROP TABLE gather_databases;
DROP TABLE gather_nodes;
DROP TABLE gather_enrollment_tokens;
DROP TABLE gather_ca;
