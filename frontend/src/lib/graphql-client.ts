import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createSocketClient, type Client as SocketClient } from 'graphql-ws';
import { hasErrorCode } from '@/lib/graphql-errors';
import { createSocketStatusStore, type SocketStatusStore } from '@/lib/socket-status';

/** The Forbidden close code of graphql-transport-ws: the server refused connection_init. */
const CLOSE_FORBIDDEN = 4403;
const MAX_RETRY_WAIT_MS = 10_000;

export type GraphqlClientOptions = {
  /** Same-origin by default; tests and tools may point elsewhere. */
  httpUrl?: string;
  wsUrl?: string;
  getToken: () => string | null;
  /** Called when the server no longer accepts the token. */
  onUnauthenticated: () => void;
};

export type GraphqlClient = {
  client: Client;
  /** State of this client's subscription WebSocket. */
  socketStatus: SocketStatusStore;
  /** Closes the WebSocket; the client must not be used afterwards. */
  dispose: () => void;
};

/** Builds the urql client: HTTP for queries and mutations, graphql-ws for subscriptions. */
export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const { getToken, onUnauthenticated } = options;
  const socketStatus = createSocketStatusStore('connecting');
  const authorization = () => {
    const token = getToken();
    return token ? `Bearer ${token}` : undefined;
  };

  const socket = createSocket(options.wsUrl ?? defaultWsUrl(), authorization, onUnauthenticated, socketStatus);

  const client = new Client({
    url: options.httpUrl ?? '/graphql',
    preferGetMethod: false,
    fetchOptions: () => {
      const value = authorization();
      return value ? { headers: { authorization: value } } : {};
    },
    exchanges: [
      mapExchange({
        onError(error) {
          if (hasErrorCode(error, 'UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    socketStatus,
    dispose: () => void socket.dispose(),
  };
}

function createSocket(
  url: string,
  authorization: () => string | undefined,
  onUnauthenticated: () => void,
  status: SocketStatusStore,
): SocketClient {
  return createSocketClient({
    url,
    lazy: true,
    connectionParams: () => {
      const value = authorization();
      return value ? { authorization: value } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 500),
      ),
    on: {
      connecting: () => status.set('connecting'),
      connected: () => status.set('live'),
      closed: (event) => {
        status.set('disconnected');
        if (isCloseEvent(event) && event.code === CLOSE_FORBIDDEN) onUnauthenticated();
      },
    },
  });
}

function isCloseEvent(value: unknown): value is { code: number } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';
}

function defaultWsUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/graphql`;
}
