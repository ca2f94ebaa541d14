import type { Role, SessionScope } from '@/lib/gql/graphql';

/** What a completed sign-in (or a refresh) leaves behind. */
export type Session = {
  /** Access token (JWT) sent as Authorization: Bearer. */
  token: string;
  /** RFC 3339 instant after which the access token is no longer accepted. */
  expiresAt: string;
  /** Opaque token that buys a new session once; rotated on every refresh. */
  refreshToken: string;
  /** RFC 3339 instant after which the refresh token is no longer accepted: the session's end. */
  refreshExpiresAt: string;
  /** MFA_ENROLLMENT sessions may only enrol an authenticator. */
  scope: SessionScope;
  user: { id: string; email: string; displayName: string; role: Role; mfaEnabled: boolean };
  tenant: { id: string; slug: string; name: string };
};

/** Why the last session ended; the login page explains it. */
export type SessionEndReason = 'signed-out' | 'signed-out-everywhere' | 'expired' | 'unauthenticated';

export type SessionSnapshot = {
  session: Session | null;
  endReason: SessionEndReason | null;
};

export type SessionStore = {
  getSnapshot: () => SessionSnapshot;
  subscribe: (listener: () => void) => () => void;
  /** Starts a session, or replaces the current one with its refreshed successor. */
  start: (session: Session) => void;
  end: (reason: SessionEndReason) => void;
  getToken: () => string | null;
};

const STORAGE_KEY = 'scalefield.session';

/**
 * Keeps the session in memory and in sessionStorage (so a reload keeps the
 * user signed in, a new tab does not), and ends it when its refresh token
 * expires. Access tokens are renewed before they expire by the session
 * refresher (session-refresher.ts), which calls start with the new session.
 */
export function createSessionStore(
  storage: Storage = window.sessionStorage,
  now: () => number = Date.now,
): SessionStore {
  const listeners = new Set<() => void>();
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let snapshot: SessionSnapshot = { session: null, endReason: null };

  function publish(next: SessionSnapshot) {
    snapshot = next;
    listeners.forEach((listener) => listener());
  }

  function scheduleExpiry(session: Session) {
    clearTimeout(expiryTimer);
    const remaining = Date.parse(session.refreshExpiresAt) - now();
    // setTimeout overflows past ~24.8 days; such sessions are re-checked on reload.
    if (remaining < 2 ** 31 - 1) {
      expiryTimer = setTimeout(() => end('expired'), Math.max(remaining, 0));
    }
  }

  function start(session: Session) {
    storage.setItem(STORAGE_KEY, JSON.stringify(session));
    scheduleExpiry(session);
    publish({ session, endReason: null });
  }

  function end(reason: SessionEndReason) {
    clearTimeout(expiryTimer);
    storage.removeItem(STORAGE_KEY);
    if (snapshot.session) publish({ session: null, endReason: reason });
  }

  // A stored session whose access token has expired is still restored while
  // its refresh token is valid: the refresher renews it at once.
  const restored = readStoredSession(storage);
  if (restored && Date.parse(restored.refreshExpiresAt) > now()) {
    snapshot = { session: restored, endReason: null };
    scheduleExpiry(restored);
  } else if (restored) {
    storage.removeItem(STORAGE_KEY);
    snapshot = { session: null, endReason: 'expired' };
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start,
    end,
    getToken: () => snapshot.session?.token ?? null,
  };
}

function readStoredSession(storage: Storage): Session | null {
  const raw = storage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    if (
      typeof value.token === 'string' &&
      typeof value.expiresAt === 'string' &&
      typeof value.refreshToken === 'string' &&
      typeof value.refreshExpiresAt === 'string' &&
      (value.scope === 'FULL' || value.scope === 'MFA_ENROLLMENT') &&
      value.user &&
      value.tenant
    ) {
      return value as Session;
    }
  } catch {
    // A corrupt entry is treated as no session.
  }
  // Corrupt, or written by an older version without a refresh token.
  storage.removeItem(STORAGE_KEY);
  return null;
}
