-- Accounts are global (a person may belong to several tenants), but a
-- tenant's requests see only the accounts of its own members. Creating an
-- account is allowed; it becomes visible once it has a membership.
--
-- The person-level secrets (TOTP secrets, recovery codes) are read and
-- written only by the privileged connection during sign-in and enrolment;
-- requests may see whether a user has MFA, nothing more. The RBAC grant
-- rules are written at start by the privileged connection; requests may
-- read them only.

-- +goose Up
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY member_of_tenant ON users
    USING (EXISTS (
        SELECT 1 FROM memberships m
        WHERE m.user_id = users.id AND m.tenant_id = scalefield_current_tenant()))
    WITH CHECK (true);

REVOKE ALL ON user_mfa FROM scalefield_app;
GRANT SELECT (user_id, enabled_at) ON user_mfa TO scalefield_app;
REVOKE ALL ON mfa_recovery_codes FROM scalefield_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON casbin_rules FROM scalefield_app;

-- +goose Down
GRANT SELECT, INSERT, UPDATE, DELETE ON casbin_rules TO scalefield_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_recovery_codes TO scalefield_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_mfa TO scalefield_app;
DROP POLICY member_of_tenant ON users;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;
