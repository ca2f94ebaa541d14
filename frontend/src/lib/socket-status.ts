import { createContext, use, useSyncExternalStore } from 'react';

/** State of the WebSocket that carries subscriptions. */
export type SocketStatus = 'connecting' | 'live' | 'disconnected';

export type SocketStatusStore = {
  get: () => SocketStatus;
  set: (status: SocketStatus) => void;
  subscribe: (listener: () => void) => () => void;
};

export function createSocketStatusStore(initial: SocketStatus = 'disconnected'): SocketStatusStore {
  const listeners = new Set<() => void>();
  let status = initial;
  return {
    get: () => status,
    set(next) {
      if (next === status) return;
      status = next;
      listeners.forEach((listener) => listener());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const SocketStatusContext = createContext<SocketStatusStore | null>(null);

export function useSocketStatus(): SocketStatus {
  const store = use(SocketStatusContext);
  if (!store) throw new Error('useSocketStatus must be used inside a SocketStatusContext provider');
  return useSyncExternalStore(store.subscribe, store.get);
}
