import { createContext, use, useSyncExternalStore, type ReactNode } from 'react';
import type { Session, SessionEndReason, SessionStore } from '@/lib/session';

const SessionStoreContext = createContext<SessionStore | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  return <SessionStoreContext value={store}>{children}</SessionStoreContext>;
}

export function useSessionStore(): SessionStore {
  const store = use(SessionStoreContext);
  if (!store) throw new Error('useSessionStore must be used inside <SessionProvider>');
  return store;
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
