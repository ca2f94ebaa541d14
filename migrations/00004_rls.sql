-- Row-level security: every tenant-owned table admits only the rows of the
-- tenant named in the transaction setting scalefield.tenant_id, which the
-- store sets from the verified session. The application serves requests as
-- scalefield_app, a role that cannot bypass these policies; only the
-- privileged connection (migrations, pipeline stages, lookups made before a
-- tenant is known) can.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'scalefield_app') THEN
        CREATE ROLE scalefield_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;
-- +goose StatementEnd

GRANT USAGE ON SCHEMA public TO scalefield_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO scalefield_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO scalefield_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO scalefield_app;
-- Tables made by later migrations are granted too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO scalefield_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO scalefield_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO scalefield_app;
-- The migration history is not the application's business.
REVOKE ALL ON goose_db_version FROM scalefield_app;

-- The tenant of the current transaction, or NULL when none is set.
-- +goose StatementBegin
CREATE FUNCTION scalefield_current_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('scalefield.tenant_id', true), '')::uuid
$$;
-- +goose StatementEnd

-- A tenant sees its own row only.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = scalefield_current_tenant())
    WITH CHECK (id = scalefield_current_tenant());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

ALTER TABLE hec_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE hec_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hec_tokens
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

ALTER TABLE bronze_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE bronze_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON bronze_events
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

ALTER TABLE refine_queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE refine_queue FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON refine_queue
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

ALTER TABLE quarantine ENABLE ROW LEVEL SECURITY;
ALTER TABLE quarantine FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quarantine
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

ALTER TABLE silver_security_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE silver_security_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON silver_security_events
    USING (tenant_id = scalefield_current_tenant())
    WITH CHECK (tenant_id = scalefield_current_tenant());

-- +goose Down
DROP POLICY tenant_isolation ON silver_security_events;
ALTER TABLE silver_security_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE silver_security_events DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON quarantine;
ALTER TABLE quarantine NO FORCE ROW LEVEL SECURITY;
ALTER TABLE quarantine DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON refine_queue;
ALTER TABLE refine_queue NO FORCE ROW LEVEL SECURITY;
ALTER TABLE refine_queue DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON bronze_events;
ALTER TABLE bronze_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE bronze_events DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON hec_tokens;
ALTER TABLE hec_tokens NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hec_tokens DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON memberships;
ALTER TABLE memberships NO FORCE ROW LEVEL SECURITY;
ALTER TABLE memberships DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON tenants;
ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tenants DISABLE ROW LEVEL SECURITY;
DROP FUNCTION scalefield_current_tenant();
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM scalefield_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM scalefield_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM scalefield_app;
REVOKE USAGE ON SCHEMA public FROM scalefield_app;
