-- Identity: account lockout, sign-in sessions with rotating refresh tokens,
-- TOTP multi-factor authentication with recovery codes, API keys for
-- integrators, and per-tenant OpenID Connect single sign-on settings.
--
-- Tables with a tenant carry tenant_id and a row-level security policy on
-- the scalefield.tenant_id setting. Users, their MFA state and recovery
-- codes belong to a person, who may be a member of several tenants, so they
-- have no tenant and no policy.

-- +goose Up

-- Lockout with backoff: after auth.Config.LockoutThreshold failed sign-ins
-- in a row the account is locked until locked_until; every further failure
-- doubles the lock, up to a ceiling. A successful sign-in resets both.
ALTER TABLE users
    ADD COLUMN failed_logins int NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN locked_until  timestamptz;

-- A sign-in: one refresh-token family. Access tokens name it in their sid
-- claim, and are refused once it is revoked or expired.
CREATE TABLE auth_sessions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- RFC 8176 authentication methods: pwd, otp, mfa, fed.
    amr           text[] NOT NULL,
    scope         text NOT NULL CHECK (scope IN ('full', 'mfa-enrollment')),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL,
    -- Absolute end of the session: refreshing never extends it.
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    -- logout, logout_everywhere, refresh_reuse, mfa_enrolled, membership_removed
    revoke_reason text,
    ip            text NOT NULL DEFAULT '',
    user_agent    text NOT NULL DEFAULT '',
    CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE INDEX auth_sessions_tenant_user_idx ON auth_sessions (tenant_id, user_id);
-- Serves "sign out everywhere".
CREATE INDEX auth_sessions_user_active_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

ALTER TABLE auth_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON auth_sessions
    USING (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid);

-- Opaque refresh tokens, kept as SHA-256 of the secret (256 random bits:
-- nothing to brute-force, so a fast hash suffices). Each is used once: using
-- it sets rotated_at and issues the next one. A token that comes back after
-- rotation means it leaked, and the whole session is revoked.
CREATE TABLE refresh_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    rotated_at timestamptz,
    expires_at timestamptz NOT NULL
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON refresh_tokens
    USING (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid);

-- A user's TOTP authenticator. The secret is AES-256-GCM ciphertext
-- (auth.Cipher: key id, nonce, sealed secret), bound to the user's ID.
CREATE TABLE user_mfa (
    user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_enc bytea NOT NULL,
    -- NULL while enrolment waits for its first valid code.
    enabled_at timestamptz,
    -- The last TOTP time step accepted: a code of this step or an earlier
    -- one is refused, so a code cannot be replayed.
    last_step  bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One-time recovery codes, kept as SHA-256 of the user ID and the code (80
-- random bits each: too many to brute-force even with a fast hash).
CREATE TABLE mfa_recovery_codes (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    UNIQUE (user_id, code_hash)
);

-- API keys for integrators: sk_<prefix>_<secret>. Only a SHA-256 of the
-- whole key is kept; the prefix lets people recognise a key in lists.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text NOT NULL,
    secret_hash  bytea NOT NULL UNIQUE,
    -- No platform-admin keys.
    role         text NOT NULL CHECK (role IN ('tenant-admin', 'manager', 'operator', 'analyst', 'viewer')),
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    -- Updated at most once a minute per key.
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id, created_at DESC);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid);

-- A tenant's OpenID Connect identity provider.
CREATE TABLE oidc_settings (
    tenant_id         uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    enabled           boolean NOT NULL DEFAULT false,
    issuer_url        text NOT NULL,
    client_id         text NOT NULL,
    -- AES-256-GCM ciphertext of the client secret, bound to the tenant ID.
    client_secret_enc bytea,
    -- Email domains allowed to sign in (lower case); empty allows none.
    allowed_domains   text[] NOT NULL DEFAULT '{}',
    -- The ID token claim holding the user's groups.
    groups_claim      text NOT NULL DEFAULT 'groups',
    -- {"group": "role"}; platform-admin is never granted.
    group_roles       jsonb NOT NULL DEFAULT '{}',
    -- Role for users in no mapped group; NULL refuses them.
    default_role      text CHECK (default_role IN ('tenant-admin', 'manager', 'operator', 'analyst', 'viewer')),
    -- Scopes asked for besides openid, email and profile (e.g. groups).
    extra_scopes      text[] NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        uuid REFERENCES users (id) ON DELETE SET NULL
);

ALTER TABLE oidc_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE oidc_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON oidc_settings
    USING (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('scalefield.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE oidc_settings;
DROP TABLE api_keys;
DROP TABLE mfa_recovery_codes;
DROP TABLE user_mfa;
DROP TABLE refresh_tokens;
DROP TABLE auth_sessions;
ALTER TABLE users DROP COLUMN locked_until, DROP COLUMN failed_logins;
