import { Client, fetchExchange } from '@urql/core';
import { errorCodes } from '@/lib/graphql-errors';
import type { Session, SessionStore } from '@/lib/session';
import { RefreshSessionMutation, toSession } from '@/lib/session-documents';

/** What exchanging a refresh token gave. */
export type RefreshOutcome =
  | { ok: true; session: Session }
  /** transient: the server could not answer (network, rate limit, outage); worth trying again. */
  | { ok: false; transient: boolean; message: string };

export type SessionRefresher = {
  /**
   * Exchanges the refresh token for a new session and stores it. Concurrent
   * calls share one exchange: a refresh token works once, and presenting it
   * twice signs the whole session out. Resolves the new access token, or null
   * when there is none (signed out, or a transient failure to retry later).
   */
  refresh: () => Promise<string | null>;
  /** Renews the store's sessions shortly before their access tokens expire. Returns a stop function. */
  start: () => () => void;
};

export type SessionRefresherOptions = {
  store: SessionStore;
  exchange: (refreshToken: string) => Promise<RefreshOutcome>;
  now?: () => number;
  /** How long before expiry to renew; at most half of the token's remaining life. */
  leadMs?: number;
  /** Wait before trying again after a transient failure. */
  retryMs?: number;
};

const DEFAULT_LEAD_MS = 60_000;
const DEFAULT_RETRY_MS = 5_000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Keeps a session alive: renews the access token ahead of its expiry, and on
 * demand when the server refused it. When the refresh token is refused the
 * session ends ('unauthenticated'); after a transient failure it is retried
 * while the access token is still good, and the session ends when it is not.
 */
export function createSessionRefresher(options: SessionRefresherOptions): SessionRefresher {
  const { store, exchange, now = Date.now } = options;
  const leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  let inflight: Promise<string | null> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function refresh(): Promise<string | null> {
    if (inflight) return inflight;
    const session = store.getSnapshot().session;
    if (!session) return Promise.resolve(null);
    inflight = run(session).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function run(session: Session): Promise<string | null> {
    let outcome: RefreshOutcome;
    try {
      outcome = await exchange(session.refreshToken);
    } catch (error) {
      outcome = { ok: false, transient: true, message: error instanceof Error ? error.message : String(error) };
    }
    const current = store.getSnapshot().session;
    // Signed out, or signed in afresh, while the exchange ran: leave that be.
    if (!current || current.refreshToken !== session.refreshToken) return current?.token ?? null;
    if (outcome.ok) {
      store.start(outcome.session);
      return outcome.session.token;
    }
    if (outcome.transient && Date.parse(session.expiresAt) - now() > retryMs) {
      setTimer(retryMs);
      return null;
    }
    store.end('unauthenticated');
    return null;
  }

  function setTimer(delay: number) {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), Math.min(Math.max(delay, 0), MAX_TIMEOUT_MS));
  }

  function schedule(session: Session) {
    const remaining = Date.parse(session.expiresAt) - now();
    setTimer(remaining - Math.min(leadMs, remaining / 2));
  }

  function start() {
    let scheduledFor: string | null = null;
    const sync = () => {
      const session = store.getSnapshot().session;
      if (!session) {
        clearTimeout(timer);
        scheduledFor = null;
      } else if (session.token !== scheduledFor) {
        scheduledFor = session.token;
        schedule(session);
      }
    };
    sync();
    const unsubscribe = store.subscribe(sync);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }

  return { refresh, start };
}

const TRANSIENT_CODES = new Set(['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);

/** Exchanges refresh tokens with the server's refreshSession, on a client of its own without authentication. */
export function createGraphqlRefreshExchange(url = '/graphql'): (refreshToken: string) => Promise<RefreshOutcome> {
  const client = new Client({ url, exchanges: [fetchExchange], preferGetMethod: false, requestPolicy: 'network-only' });
  return async (refreshToken) => {
    const result = await client.mutation(RefreshSessionMutation, { refreshToken }).toPromise();
    if (result.data) return { ok: true, session: toSession(result.data.refreshSession) };
    const error = result.error;
    if (!error) return { ok: false, transient: true, message: 'empty answer' };
    const codes = errorCodes(error);
    const transient = codes.length === 0 ? Boolean(error.networkError) : codes.every((c) => TRANSIENT_CODES.has(c));
    return { ok: false, transient, message: error.message };
  };
}
