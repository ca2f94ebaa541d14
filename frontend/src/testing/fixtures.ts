import type { Role, SessionScope } from '@/lib/gql/graphql';

type SessionPayloadOptions = {
  token?: string;
  scope?: SessionScope;
  role?: Role;
  email?: string;
  mfaEnabled?: boolean;
};

/** A Session as the API returns it (SessionFields, with typenames). */
export function sessionPayload(options: SessionPayloadOptions = {}) {
  return {
    __typename: 'Session',
    token: options.token ?? 'jwt-token',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    refreshToken: `${options.token ?? 'jwt-token'}-refresh`,
    refreshExpiresAt: new Date(Date.now() + 8 * 3_600_000).toISOString(),
    scope: options.scope ?? 'FULL',
    user: {
      __typename: 'User',
      id: 'u1',
      email: options.email ?? 'ana@example.com',
      displayName: 'Ana',
      role: options.role ?? 'ANALYST',
      mfaEnabled: options.mfaEnabled ?? false,
    },
    tenant: { __typename: 'Tenant', id: 't1', slug: 'acme', name: 'Acme Corp' },
  };
}
