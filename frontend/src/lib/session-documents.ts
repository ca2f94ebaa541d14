import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { Session } from '@/lib/session';

/** Everything the session store keeps; every operation that returns a Session selects it. */
export const SessionFieldsFragment = graphql(`
  fragment SessionFields on Session {
    token
    expiresAt
    refreshToken
    refreshExpiresAt
    scope
    user {
      id
      email
      displayName
      role
      mfaEnabled
    }
    tenant {
      id
      slug
      name
    }
  }
`);

export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...SessionFields
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const LogoutEverywhereMutation = graphql(`
  mutation LogoutEverywhere {
    logoutEverywhere
  }
`);

/** The session to store, from a Session selected with SessionFields. */
export function toSession(fragment: FragmentType<typeof SessionFieldsFragment>): Session {
  const s = getFragmentData(SessionFieldsFragment, fragment);
  return {
    token: s.token,
    expiresAt: s.expiresAt,
    refreshToken: s.refreshToken,
    refreshExpiresAt: s.refreshExpiresAt,
    scope: s.scope,
    user: {
      id: s.user.id,
      email: s.user.email,
      displayName: s.user.displayName,
      role: s.user.role,
      mfaEnabled: s.user.mfaEnabled,
    },
    tenant: { id: s.tenant.id, slug: s.tenant.slug, name: s.tenant.name },
  };
}
