import {
  Client,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
  type Operation,
} from '@urql/core';
import { authExchange } from '@urql/exchange-auth';
import { createClient as createSocketClient, type Client as SocketClient } from 'graphql-ws';
import { hasErrorCode } from '@/lib/graphql-errors';
import { createSocketStatusStore, type SocketStatusStore } from '@/lib/socket-status';

/** The Forbidden close code of graphql-transport-ws: the server refused connection_init. */
const CLOSE_FORBIDDEN = 4403;
/** Our own close code for a restart with fresh connection parameters (graphql-ws recipe). */
const CLOSE_RESTART = 4205;
const MAX_RETRY_WAIT_MS = 10_000;

/**
 * Context for an operation that checks a password or code the user typed
 * (login, verifyMfa, changePassword): its UNAUTHENTICATED means a wrong one or a locked
 * account, an answer to show, not a refused token. It is not retried (a
 * retry would count as another failed sign-in) and does not end the session.
 * A token expired by the clock is still renewed before sending.
 */
export const PASSWORD_CHECK_CONTEXT = { passwordCheck: true } as const;

export type GraphqlClientOptions = {
  /** Same-origin by default; tests and tools may point elsewhere. */
  httpUrl?: string;
  wsUrl?: string;
  /** The current access token; read for every request and every WebSocket connection. */
  getToken: () => string | null;
  /**
   * Renews the access token (single-flight). Resolves the new token, or null
   * when there is none. Without it, a refused token is never renewed.
   */
  refresh?: () => Promise<string | null>;
  /** Whether the access token has expired by the clock, so it is renewed before sending. */
  tokenExpired?: () => boolean;
  /** Called when the server still refuses after a refresh: the session is over. */
  onUnauthenticated: () => void;
};

export type GraphqlClient = {
  client: Client;
  /** State of this client's subscription WebSocket. */
  socketStatus: SocketStatusStore;
  /** Reconnects the WebSocket (if open) so it authenticates with the current token. */
  reconnect: () => void;
  /** Closes the WebSocket; the client must not be used afterwards. */
  dispose: () => void;
};

/**
 * Builds the urql client: HTTP for queries and mutations, graphql-ws for
 * subscriptions. An operation refused with UNAUTHENTICATED renews the token
 * once and is retried once (@urql/exchange-auth); if it is refused again the
 * session is over. Operations with PASSWORD_CHECK_CONTEXT are exempt.
 */
export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const { getToken, onUnauthenticated } = options;
  const refresh = options.refresh ?? (async () => getToken());
  const socket = createSocket(options.wsUrl ?? defaultWsUrl(), getToken, refresh, onUnauthenticated);

  const client = new Client({
    url: options.httpUrl ?? '/graphql',
    preferGetMethod: false,
    exchanges: [
      // Outermost, so it sees only what is left after the retry.
      mapExchange({
        onError(error, operation) {
          if (refusedToken(error, operation)) onUnauthenticated();
        },
      }),
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const token = getToken();
          return token ? utils.appendHeaders(operation, { authorization: `Bearer ${token}` }) : operation;
        },
        didAuthError: refusedToken,
        willAuthError: () => options.tokenExpired?.() ?? false,
        async refreshAuth() {
          await refresh();
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket.client.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    socketStatus: socket.status,
    reconnect: socket.restart,
    dispose: () => void socket.client.dispose(),
  };
}

/** Whether the server refused the operation's token (rather than a password it checked). */
function refusedToken(error: CombinedError, operation: Operation): boolean {
  return hasErrorCode(error, 'UNAUTHENTICATED') && operation.context.passwordCheck !== true;
}

type Socket = { client: SocketClient; status: SocketStatusStore; restart: () => void };

function createSocket(
  url: string,
  getToken: () => string | null,
  refresh: () => Promise<string | null>,
  onUnauthenticated: () => void,
): Socket {
  const status = createSocketStatusStore('connecting');
  let restartOpenSocket: (() => void) | null = null;
  let restartWhenConnected = false;
  let attempting = false;
  let reconnectAtOnce = false;
  let refusals = 0;
  let renewing: Promise<unknown> | null = null;

  const client = createSocketClient({
    url,
    lazy: true,
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      // A refused token is renewed before connecting again.
      if (renewing) await renewing;
      if (reconnectAtOnce) {
        reconnectAtOnce = false;
        return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 500),
      );
    },
    on: {
      connecting: () => {
        attempting = true;
        status.set('connecting');
      },
      connected: (ws) => {
        attempting = false;
        status.set('live');
        refusals = 0;
        restartOpenSocket = () => {
          if (isOpenSocket(ws)) {
            reconnectAtOnce = true;
            ws.close(CLOSE_RESTART, 'Client Restart');
          }
        };
        if (restartWhenConnected) {
          restartWhenConnected = false;
          restartOpenSocket();
        }
      },
      closed: (event) => {
        attempting = false;
        restartWhenConnected = false;
        restartOpenSocket = null;
        status.set('disconnected');
        if (!isCloseEvent(event) || event.code !== CLOSE_FORBIDDEN) return;
        // Refused at connection_init: renew the token once, and give up if
        // the renewed one is refused too.
        refusals += 1;
        if (refusals > 1) {
          onUnauthenticated();
          return;
        }
        renewing = refresh()
          .then((token) => {
            if (!token) onUnauthenticated();
          })
          .finally(() => {
            renewing = null;
          });
      },
    },
  });

  return {
    client,
    status,
    restart() {
      if (restartOpenSocket) restartOpenSocket();
      else if (attempting) restartWhenConnected = true;
    },
  };
}

function isOpenSocket(value: unknown): value is WebSocket {
  return typeof WebSocket !== 'undefined' && value instanceof WebSocket && value.readyState === WebSocket.OPEN;
}

function isCloseEvent(value: unknown): value is { code: number } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';
}

function defaultWsUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/graphql`;
}
