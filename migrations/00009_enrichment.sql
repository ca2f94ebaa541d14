-- Enrichment data of the refine stage: each tenant's threat intel
-- indicators and user directory, and a per-tenant version the stage polls
-- to learn when to reload them.
--
-- Requests change these tables as scalefield_app under the row-level
-- security policies below. The refine stage reads them on the privileged
-- connection, one tenant at a time, naming the tenant in every query.

-- +goose Up

-- Indicators of compromise imported from STIX 2.1 bundles and CSV lists.
-- Values are stored in the canonical form of scalefield.Indicator.Normalize
-- (lower-case domains and hashes, masked CIDR ranges, ...), so the unique
-- key sees "Evil.COM." and "evil.com" as one indicator.
CREATE TABLE threat_indicators (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type        text NOT NULL CHECK (type IN ('ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'file-hash',
                                              'email-addr', 'user-account')),
    value       text NOT NULL CHECK (length(value) BETWEEN 1 AND 2048),
    -- The feed the indicator came from.
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    confidence  smallint NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    labels      text[] NOT NULL DEFAULT '{}',
    name        text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    -- NULL valid_from: always applied; NULL valid_until: never expires.
    valid_from  timestamptz,
    valid_until timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from)
);
-- The import's upsert key; also serves lookups by type and value.
CREATE UNIQUE INDEX threat_indicators_key ON threat_indicators (tenant_id, type, value, source);
-- Deleting or listing a feed.
CREATE INDEX threat_indicators_source_idx ON threat_indicators (tenant_id, source);
-- Purging expired indicators.
CREATE INDEX threat_indicators_valid_until_idx ON threat_indicators (valid_until) WHERE valid_until IS NOT NULL;

ALTER TABLE threat_indicators ENABLE ROW LEVEL SECURITY;
ALTER TABLE threat_indicators FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON threat_indicators
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- A tenant's user directory: what the refine stage adds to an event about
-- its actor. user_name is the lower-cased key events are matched on.
CREATE TABLE user_directory (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_name    text NOT NULL CHECK (user_name = lower(user_name) AND length(user_name) BETWEEN 1 AND 256),
    display_name text NOT NULL DEFAULT '',
    department   text NOT NULL DEFAULT '',
    title        text NOT NULL DEFAULT '',
    privileged   boolean NOT NULL DEFAULT false,
    manager      text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_name)
);

ALTER TABLE user_directory ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_directory FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_directory
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- The version of a tenant's enrichment data, bumped in the transaction of
-- every change to threat_indicators or user_directory. The refine stage
-- compares it with the version it has loaded before each batch (one cheap
-- query for all tenants of the batch) and reloads on a change. No row means
-- version 0: nothing imported yet.
CREATE TABLE enrichment_versions (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    version   bigint NOT NULL CHECK (version > 0)
);

ALTER TABLE enrichment_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrichment_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON enrichment_versions
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- Tables made after 00004 are granted to scalefield_app by its default
-- privileges; the grants are repeated so this file stands on its own.
GRANT SELECT, INSERT, UPDATE, DELETE ON threat_indicators, user_directory, enrichment_versions TO scalefield_app;

-- +goose Down
DROP TABLE enrichment_versions;
DROP TABLE user_directory;
DROP TABLE threat_indicators;
