-- Ingestion at full breadth: HEC indexer acknowledgement and idempotent
-- retries, and the registry of sources with their per-minute volumes.
--
-- The receivers commit through store.EventService.CommitIngest on the
-- privileged pool (COPY into tables under row-level security needs a role
-- the policies do not confine); every row carries the tenant of the verified
-- credential. Reads run as scalefield_app under the policies below.

-- +goose Up

-- A token with indexer acknowledgement enabled requires every request to
-- name a channel (X-Splunk-Request-Channel); Splunk calls this useACK.
ALTER TABLE hec_tokens ADD COLUMN ack_enabled boolean NOT NULL DEFAULT false;

-- The ack counter of each HEC channel of a tenant. A committed request on
-- a channel takes the next ack id in its commit transaction, so ack ids of
-- a channel increase by one from 0 and never repeat, on any replica.
CREATE TABLE ingest_channels (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel      text NOT NULL CHECK (length(channel) BETWEEN 1 AND 64),
    -- The number of ack ids handed out: the next one is next_ack_id.
    next_ack_id  bigint NOT NULL CHECK (next_ack_id >= 0),
    last_used_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);

ALTER TABLE ingest_channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_channels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_channels
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- One row per committed receiver request that is acknowledged on a channel
-- or carries an idempotency key, written in the transaction of its Bronze
-- rows: the row exists exactly when the request is committed. The ack
-- endpoint reads it; a retry with the same dedup key inside the window
-- finds it and is answered with the original ack id instead of storing the
-- events again. Rows older than the retention are pruned.
CREATE TABLE ingest_requests (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The HEC channel, '' when the request named none.
    channel    text NOT NULL DEFAULT '',
    -- NULL when the request was not acknowledged on a channel.
    ack_id     bigint,
    -- SHA-256 of the request id (X-Splunk-Request-Id) or of the content,
    -- with the token and channel; NULL for none. An expired key is set to
    -- NULL when a new request with the same key is committed.
    dedup_key  bytea CHECK (length(dedup_key) = 32),
    events     int NOT NULL CHECK (events >= 0),
    created_at timestamptz NOT NULL,
    CHECK (ack_id IS NULL OR channel <> '')
);
CREATE UNIQUE INDEX ingest_requests_dedup_key ON ingest_requests (tenant_id, dedup_key);
-- Serves the ack endpoint.
CREATE UNIQUE INDEX ingest_requests_ack_idx ON ingest_requests (tenant_id, channel, ack_id) WHERE ack_id IS NOT NULL;
-- Serves pruning.
CREATE INDEX ingest_requests_created_at_idx ON ingest_requests (created_at);

ALTER TABLE ingest_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_requests
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- The registry of sources a tenant sends from: one row per ingest channel
-- kind (hec, hec-raw, syslog-udp, syslog-tcp, syslog-tls) and configured
-- source name (the HEC token's name, the syslog listener's source). Each
-- commit adds its batch's totals with one upsert per source.
CREATE TABLE ingest_sources (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind <> ''),
    name         text NOT NULL,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    events_total bigint NOT NULL DEFAULT 0 CHECK (events_total >= 0),
    bytes_total  bigint NOT NULL DEFAULT 0 CHECK (bytes_total >= 0),
    PRIMARY KEY (tenant_id, kind, name)
);

ALTER TABLE ingest_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_sources FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_sources
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- Events and bytes committed per source and minute: the time series behind
-- ingestStats. Written in the same upsert pass as ingest_sources; pruned
-- after the stats retention.
CREATE TABLE ingest_source_minutes (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind      text NOT NULL,
    name      text NOT NULL,
    minute    timestamptz NOT NULL CHECK (minute = date_trunc('minute', minute)),
    events    bigint NOT NULL CHECK (events >= 0),
    bytes     bigint NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (tenant_id, minute, kind, name)
);

ALTER TABLE ingest_source_minutes ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_source_minutes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_source_minutes
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- +goose Down
DROP TABLE ingest_source_minutes;
DROP TABLE ingest_sources;
DROP TABLE ingest_requests;
DROP TABLE ingest_channels;
ALTER TABLE hec_tokens DROP COLUMN ack_enabled;
