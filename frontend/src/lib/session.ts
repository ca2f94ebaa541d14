import type { Role } from '@/lib/gql/graphql';

/** What a successful login leaves behind. */
export type Session = {
  token: string;
  /** RFC 3339 instant after which the token is no longer accepted. */
  expiresAt: string;
  user: { id: string; email: string; displayName: string; role: Role };
  tenant: { id: string; slug: string; name: string };
};

/** Why the last session ended; the login page explains it. */
export type SessionEndReason = 'signed-out' | 'expired' | 'unauthenticated';

export type SessionSnapshot = {
  session: Session | null;
  endReason: SessionEndReason | null;
};

export type SessionStore = {
  getSnapshot: () => SessionSnapshot;
  subscribe: (listener: () => void) => () => void;
  start: (session: Session) => void;
  end: (reason: SessionEndReason) => void;
  getToken: () => string | null;
};

const STORAGE_KEY = 'scalefield.session';

/**
 * Keeps the session in memory and in sessionStorage (so a reload keeps the
 * user signed in, a new tab does not), and ends it when the token expires.
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
    const remaining = Date.parse(session.expiresAt) - now();
    // setTimeout overflows past ~24.8 days; such tokens are re-checked on reload.
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

  const restored = readStoredSession(storage);
  if (restored && Date.parse(restored.expiresAt) > now()) {
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
    if (typeof value.token === 'string' && typeof value.expiresAt === 'string' && value.user && value.tenant) {
      return value as Session;
    }
  } catch {
    // A corrupt entry is treated as no session.
  }
  storage.removeItem(STORAGE_KEY);
  return null;
}
