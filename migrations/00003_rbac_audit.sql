-- Authorization and accountability: the Casbin permission rules, and the
-- append-only, hash-chained audit log.

-- +goose Up

-- Casbin "p" rules (role, domain, resource, action). rbac.SyncPolicy writes
-- them at start from the one Go table in rbac/policy.go. Role assignments
-- ("g" rules) are NOT kept here: rbac's adapter derives them from
-- memberships and api_keys, so there is one source of truth for who holds
-- which role; the CHECK keeps it that way.
CREATE TABLE casbin_rules (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ptype text NOT NULL CHECK (ptype LIKE 'p%'),
    v0    text NOT NULL DEFAULT '',
    v1    text NOT NULL DEFAULT '',
    v2    text NOT NULL DEFAULT '',
    v3    text NOT NULL DEFAULT '',
    v4    text NOT NULL DEFAULT '',
    v5    text NOT NULL DEFAULT '',
    UNIQUE (ptype, v0, v1, v2, v3, v4, v5)
);

-- The audit log: every security-relevant change and sign-in attempt. Rows
-- are never changed or deleted (a trigger refuses it). Each row carries the
-- hash of the previous row of its chain: one chain per tenant, and one for
-- platform events (tenant_id NULL). There is no foreign key to tenants: the
-- record outlives the tenant.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid,
    -- Microsecond precision, as stored; the hash covers the stored value.
    at          timestamptz NOT NULL,
    actor_type  text NOT NULL CHECK (actor_type IN ('user', 'apikey', 'anonymous', 'system')),
    actor_id    text NOT NULL DEFAULT '',
    actor_label text NOT NULL DEFAULT '',
    ip          inet,
    action      text NOT NULL CHECK (action <> ''),
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea NOT NULL CHECK (length(hash) = 32)
);
-- Serves the chain head, newest-first pages and verification (NULLs, the
-- platform chain, are indexed too).
CREATE INDEX audit_log_tenant_id_idx ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_log_tenant_action_idx ON audit_log (tenant_id, action, id DESC);
CREATE INDEX audit_log_tenant_actor_idx ON audit_log (tenant_id, actor_id, id DESC);
-- A chain cannot fork: two rows never follow the same predecessor, even if
-- an append bypassed the lock of scalefield_append_audit.
CREATE UNIQUE INDEX audit_log_chain_link_key
    ON audit_log ((coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)), prev_hash);

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION scalefield_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION scalefield_refuse_change();

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid);

-- The hash of an audit row: SHA-256 over the UTF-8 text of a JSON array of
-- the row's fields in a fixed order, as PostgreSQL renders jsonb. That
-- rendering is deterministic: object keys sorted (jsonb order: by length,
-- then bytewise), duplicates removed, fixed spacing, numbers as stored. The
-- time is hashed as integer microseconds since the Unix epoch, exactly the
-- stored value. Changing this function breaks every existing chain: add a
-- new version tag instead.
-- +goose StatementBegin
CREATE FUNCTION scalefield_audit_hash(prev_hash bytea, tenant_id uuid, at timestamptz,
    actor_type text, actor_id text, actor_label text, ip inet, action text,
    target_type text, target_id text, details jsonb)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(convert_to(jsonb_build_array(
        'scalefield-audit-v1',
        encode(prev_hash, 'hex'),
        coalesce(tenant_id::text, ''),
        (extract(epoch FROM at) * 1000000)::bigint,
        actor_type, actor_id, actor_label,
        coalesce(ip::text, ''),
        action, target_type, target_id,
        details)::text, 'UTF8'))
$$;
-- +goose StatementEnd

-- Appends one row to its chain and returns its id, time and hashes. The
-- chain's advisory lock (held to the end of the caller's transaction)
-- serializes appends from every replica, so concurrent appends still form
-- one chain; call it late in a transaction. SECURITY DEFINER: the owner
-- (the migrating role, which row-level security does not confine) reads the
-- chain head and writes platform rows (tenant_id NULL), which no tenant's
-- policy admits. It refuses a tenant other than the one the transaction is
-- scoped to; an unscoped transaction (trusted code acting before a tenant
-- is known) may append to any chain. p_at NULL means now.
-- +goose StatementBegin
CREATE FUNCTION scalefield_append_audit(p_tenant uuid, p_at timestamptz,
    p_actor_type text, p_actor_id text, p_actor_label text, p_ip inet, p_action text,
    p_target_type text, p_target_id text, p_details jsonb)
RETURNS TABLE (out_id bigint, out_at timestamptz, out_prev_hash bytea, out_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    scope  uuid := nullif(current_setting('scalefield.tenant_id', true), '')::uuid;
    v_prev bytea;
    v_at   timestamptz := coalesce(p_at, clock_timestamp());
    v_hash bytea;
    v_id   bigint;
BEGIN
    IF p_tenant IS NOT NULL AND scope IS NOT NULL AND p_tenant <> scope THEN
        RAISE EXCEPTION 'audit entry for tenant % outside the transaction''s tenant', p_tenant
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('scalefield.audit:' || coalesce(p_tenant::text, 'platform')));
    -- A new snapshot after the lock: the head committed by the last holder.
    IF p_tenant IS NULL THEN
        SELECT a.hash INTO v_prev FROM audit_log a WHERE a.tenant_id IS NULL ORDER BY a.id DESC LIMIT 1;
    ELSE
        SELECT a.hash INTO v_prev FROM audit_log a WHERE a.tenant_id = p_tenant ORDER BY a.id DESC LIMIT 1;
    END IF;
    v_prev := coalesce(v_prev, decode(repeat('00', 32), 'hex'));
    v_hash := scalefield_audit_hash(v_prev, p_tenant, v_at, p_actor_type, p_actor_id, p_actor_label,
        p_ip, p_action, p_target_type, p_target_id, p_details);
    INSERT INTO audit_log (tenant_id, at, actor_type, actor_id, actor_label, ip, action,
        target_type, target_id, details, prev_hash, hash)
    VALUES (p_tenant, v_at, p_actor_type, p_actor_id, p_actor_label, p_ip, p_action,
        p_target_type, p_target_id, p_details, v_prev, v_hash)
    RETURNING id INTO v_id;
    RETURN QUERY SELECT v_id, v_at, v_prev, v_hash;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION scalefield_append_audit(uuid, timestamptz, text, text, text, inet, text, text, text, jsonb);
DROP FUNCTION scalefield_audit_hash(bytea, uuid, timestamptz, text, text, text, inet, text, text, text, jsonb);
DROP TABLE audit_log;
DROP TABLE casbin_rules;
