import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createGraphqlClient } from '@/lib/graphql-client';
import type { SessionStore } from '@/lib/session';
import { SessionProvider, useSession } from '@/lib/session-context';
import { SocketStatusContext } from '@/lib/socket-status';

type AppProviderProps = {
  sessionStore: SessionStore;
  children: ReactNode;
};

export function AppProvider({ sessionStore, children }: AppProviderProps) {
  return (
    <SessionProvider store={sessionStore}>
      <GraphqlProvider sessionStore={sessionStore}>{children}</GraphqlProvider>
    </SessionProvider>
  );
}

/**
 * One GraphQL client per session, so a new sign-in starts with an empty cache
 * and a WebSocket authenticated with the new token.
 */
function GraphqlProvider({ sessionStore, children }: AppProviderProps) {
  const token = useSession().session?.token ?? null;
  const graphql = useMemo(
    () =>
      createGraphqlClient({
        getToken: () => token,
        onUnauthenticated: () => sessionStore.end('unauthenticated'),
      }),
    [token, sessionStore],
  );

  // Close the previous client's WebSocket once its successor is in place.
  const previous = useRef(graphql);
  useEffect(() => {
    if (previous.current !== graphql) {
      previous.current.dispose();
      previous.current = graphql;
    }
  }, [graphql]);

  return (
    <SocketStatusContext value={graphql.socketStatus}>
      <UrqlProvider value={graphql.client}>{children}</UrqlProvider>
    </SocketStatusContext>
  );
}
