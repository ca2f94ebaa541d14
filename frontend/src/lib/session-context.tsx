import { createContext, use, useSyncExternalStore, type ReactNode } from 'react';
import type { Session, SessionEndReason, SessionStore } from '@/lib/session';

type SessionContextValue = {
  store: SessionStore;
  /** Renews the access token; see session-refresher.ts. Absent in tests that do not need it. */
  refresh: (() => Promise<string | null>) | null;
};

const SessionStoreContext = createContext<SessionContextValue | null>(null);

type SessionProviderProps = {
  store: SessionStore;
  refresh?: () => Promise<string | null>;
  children: ReactNode;
};

export function SessionProvider({ store, refresh, children }: SessionProviderProps) {
  return <SessionStoreContext value={{ store, refresh: refresh ?? null }}>{children}</SessionStoreContext>;
}

function useSessionContext(): SessionContextValue {
  const value = use(SessionStoreContext);
  if (!value) throw new Error('session hooks must be used inside <SessionProvider>');
  return value;
}

export function useSessionStore(): SessionStore {
  return useSessionContext().store;
}

/** Renews the access token; resolves the new one, or null when the session could not be renewed. */
export function useRefreshSession(): () => Promise<string | null> {
  const { store, refresh } = useSessionContext();
  return refresh ?? (async () => store.getToken());
}

/** The current session (null when signed out) and why the last one ended. */
export function useSession(): { session: Session | null; endReason: SessionEndReason | null } {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The current session; only for components rendered behind the sign-in guard. */
export function useRequiredSession(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useRequiredSession called without a session');
  return session;
}
