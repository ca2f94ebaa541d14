import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, type Session } from '@/lib/session';

const NOW = Date.parse('2026-11-22T20:00:00Z');

function session(expiresAt: string, refreshExpiresAt = '2026-11-23T04:00:00Z'): Session {
  return {
    token: 'jwt-token',
    expiresAt,
    refreshToken: 'refresh-1',
    refreshExpiresAt,
    scope: 'FULL',
    user: { id: 'u1', email: 'a@example.com', displayName: 'A', role: 'ANALYST', mfaEnabled: false },
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
    expect(restored.getSnapshot().session?.refreshToken).toBe('refresh-1');
  });

  it('ends the session when its refresh token expires', () => {
    const store = createSessionStore(window.sessionStorage);
    const listener = vi.fn();
    store.subscribe(listener);
    store.start(session('2026-11-22T20:15:00Z', '2026-11-22T20:30:00Z'));

    vi.advanceTimersByTime(15 * 60 * 1000);
    expect(store.getSnapshot().session).not.toBeNull();

    vi.advanceTimersByTime(15 * 60 * 1000);
    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'expired' });
    expect(window.sessionStorage.length).toBe(0);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('restores a session whose access token expired while its refresh token is good', () => {
    window.sessionStorage.setItem('scalefield.session', JSON.stringify(session('2026-11-22T19:59:00Z')));

    expect(createSessionStore(window.sessionStorage).getToken()).toBe('jwt-token');
  });

  it('does not restore a session whose refresh token expired', () => {
    window.sessionStorage.setItem(
      'scalefield.session',
      JSON.stringify(session('2026-11-22T19:00:00Z', '2026-11-22T19:59:00Z')),
    );

    const store = createSessionStore(window.sessionStorage);

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'expired' });
    expect(window.sessionStorage.length).toBe(0);
  });

  it('ignores a corrupt stored session, or one without a refresh token', () => {
    window.sessionStorage.setItem('scalefield.session', '{not json');
    expect(createSessionStore(window.sessionStorage).getSnapshot().session).toBeNull();

    const { refreshToken: _, ...old } = session('2026-11-22T21:00:00Z');
    window.sessionStorage.setItem('scalefield.session', JSON.stringify(old));
    expect(createSessionStore(window.sessionStorage).getSnapshot().session).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
  });

  it('records why the session ended', () => {
    const store = createSessionStore(window.sessionStorage);
    store.start(session('2026-11-22T21:00:00Z'));

    store.end('signed-out');

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'signed-out' });
  });
});
