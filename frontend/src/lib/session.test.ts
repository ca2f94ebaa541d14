import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, type Session } from '@/lib/session';

const NOW = Date.parse('2026-11-22T20:00:00Z');

function session(expiresAt: string): Session {
  return {
    token: 'jwt-token',
    expiresAt,
    user: { id: 'u1', email: 'a@example.com', displayName: 'A', role: 'ANALYST' },
    tenant: { id: 't1', slug: 'acme', name: 'Acme Corp' },
  };
}

describe('createSessionStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the session in sessionStorage and restores it', () => {
    createSessionStore(window.sessionStorage).start(session('2026-11-22T21:00:00Z'));

    const restored = createSessionStore(window.sessionStorage);

    expect(restored.getToken()).toBe('jwt-token');
    expect(restored.getSnapshot().session?.tenant.name).toBe('Acme Corp');
  });

  it('ends the session when it expires', () => {
    const store = createSessionStore(window.sessionStorage);
    const listener = vi.fn();
    store.subscribe(listener);
    store.start(session('2026-11-22T20:30:00Z'));

    vi.advanceTimersByTime(30 * 60 * 1000);

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'expired' });
    expect(window.sessionStorage.length).toBe(0);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('does not restore an expired session', () => {
    window.sessionStorage.setItem('scalefield.session', JSON.stringify(session('2026-11-22T19:59:00Z')));

    const store = createSessionStore(window.sessionStorage);

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'expired' });
    expect(window.sessionStorage.length).toBe(0);
  });

  it('ignores a corrupt stored session', () => {
    window.sessionStorage.setItem('scalefield.session', '{not json');

    expect(createSessionStore(window.sessionStorage).getSnapshot().session).toBeNull();
  });

  it('records why the session ended', () => {
    const store = createSessionStore(window.sessionStorage);
    store.start(session('2026-11-22T21:00:00Z'));

    store.end('signed-out');

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'signed-out' });
  });
});
