import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createGraphqlClient, type GraphqlClient } from '@/lib/graphql-client';
import type { SessionStore } from '@/lib/session';
import { SessionProvider, useSession } from '@/lib/session-context';
import { SocketStatusContext } from '@/lib/socket-status';

type AppProviderProps = {
  sessionStore: SessionStore;
  refresh: () => Promise<string | null>;
  children: ReactNode;
};

export function AppProvider({ sessionStore, refresh, children }: AppProviderProps) {
  return (
    <SessionProvider store={sessionStore} refresh={refresh}>
      <GraphqlProvider sessionStore={sessionStore} refresh={refresh}>
        {children}
      </GraphqlProvider>
    </SessionProvider>
  );
}

/**
 * One GraphQL client per signed-in identity (user, tenant, role, scope), so a
 * new sign-in starts with an empty cache and a fresh WebSocket. A refreshed
 * token keeps the client (and its cache) but reconnects its WebSocket, which
 * authenticates once, when it connects.
 */
function GraphqlProvider({ sessionStore, refresh, children }: AppProviderProps) {
  const { session } = useSession();
  const identity = session ? [session.user.id, session.tenant.id, session.user.role, session.scope].join('|') : '';
  const token = session?.token ?? null;

  const graphql = useMemo(
    () =>
      createGraphqlClient({
        getToken: sessionStore.getToken,
        refresh,
        tokenExpired: () => {
          const current = sessionStore.getSnapshot().session;
          return current !== null && Date.parse(current.expiresAt) <= Date.now();
        },
        onUnauthenticated: () => sessionStore.end('unauthenticated'),
      }),
    // identity is not read inside: a new identity is what asks for a new client.
    [identity, sessionStore, refresh],
  );

  // Close the previous client's WebSocket once its successor is in place.
  const previous = useRef<{ graphql: GraphqlClient; token: string | null }>({ graphql, token });
  useEffect(() => {
    const last = previous.current;
    if (last.graphql !== graphql) last.graphql.dispose();
    else if (last.token !== token && token !== null) graphql.reconnect();
    previous.current = { graphql, token };
  }, [graphql, token]);

  return (
    <SocketStatusContext value={graphql.socketStatus}>
      <UrqlProvider value={graphql.client}>{children}</UrqlProvider>
    </SocketStatusContext>
  );
}
