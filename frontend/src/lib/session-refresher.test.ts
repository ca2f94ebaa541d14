import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, type Session } from '@/lib/session';
import { createSessionRefresher, type RefreshOutcome } from '@/lib/session-refresher';

const NOW = Date.parse('2026-11-22T20:00:00Z');
const MINUTE = 60_000;

function session(n: number, expiresInMs = 15 * MINUTE): Session {
  return {
    token: `access-${n}`,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshExpiresAt: new Date(Date.now() + 8 * 60 * MINUTE).toISOString(),
    scope: 'FULL',
    user: { id: 'u1', email: 'a@example.com', displayName: 'A', role: 'TENANT_ADMIN', mfaEnabled: true },
    tenant: { id: 't1', slug: 'acme', name: 'Acme Corp' },
  };
}

function setup(exchange: (refreshToken: string) => Promise<RefreshOutcome>) {
  const store = createSessionStore(window.sessionStorage);
  const exchangeMock = vi.fn(exchange);
  const refresher = createSessionRefresher({ store, exchange: exchangeMock, leadMs: MINUTE, retryMs: 5_000 });
  const stop = refresher.start();
  return { store, refresher, exchange: exchangeMock, stop };
}

describe('createSessionRefresher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes a minute before the access token expires, and again for the new one', async () => {
    let n = 1;
    const { store, exchange, stop } = setup(async () => ({ ok: true, session: session(++n) }));
    store.start(session(1));

    await vi.advanceTimersByTimeAsync(14 * MINUTE - 1);
    expect(exchange).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(exchange).toHaveBeenCalledWith('refresh-1');
    expect(store.getToken()).toBe('access-2');

    await vi.advanceTimersByTimeAsync(14 * MINUTE);
    expect(exchange).toHaveBeenLastCalledWith('refresh-2');
    expect(store.getToken()).toBe('access-3');
    stop();
  });

  it('refreshes at once a restored session whose access token has expired', async () => {
    const { store, exchange, stop } = setup(async () => ({ ok: true, session: session(2) }));
    store.start(session(1, -MINUTE));

    await vi.advanceTimersByTimeAsync(0);

    expect(exchange).toHaveBeenCalledTimes(1);
    expect(store.getToken()).toBe('access-2');
    stop();
  });

  it('exchanges the refresh token once for concurrent callers', async () => {
    let resolve: (outcome: RefreshOutcome) => void = () => {};
    const { store, refresher, exchange, stop } = setup(() => new Promise<RefreshOutcome>((r) => (resolve = r)));
    store.start(session(1));

    const first = refresher.refresh();
    const second = refresher.refresh();
    resolve({ ok: true, session: session(2) });

    expect(await first).toBe('access-2');
    expect(await second).toBe('access-2');
    expect(exchange).toHaveBeenCalledTimes(1);
    stop();
  });

  it('signs out when the refresh token is refused', async () => {
    const { store, refresher, stop } = setup(async () => ({ ok: false, transient: false, message: 'revoked' }));
    store.start(session(1));

    expect(await refresher.refresh()).toBeNull();

    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'unauthenticated' });
    stop();
  });

  it('retries a transient failure while the access token is good, and signs out when it is not', async () => {
    const { store, exchange, stop } = setup(async () => ({ ok: false, transient: true, message: 'offline' }));
    store.start(session(1, 30_000));

    // First try at half the remaining life (15 s), then every 5 s while more than 5 s are left.
    await vi.advanceTimersByTimeAsync(15_000);
    expect(exchange).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(exchange).toHaveBeenCalledTimes(2);
    expect(store.getSnapshot().session).not.toBeNull();

    await vi.advanceTimersByTimeAsync(5_000);
    expect(exchange).toHaveBeenCalledTimes(3);
    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'unauthenticated' });
    stop();
  });

  it('does not store a refreshed session after a sign-out', async () => {
    let resolve: (outcome: RefreshOutcome) => void = () => {};
    const { store, refresher, stop } = setup(() => new Promise<RefreshOutcome>((r) => (resolve = r)));
    store.start(session(1));

    const pending = refresher.refresh();
    store.end('signed-out');
    resolve({ ok: true, session: session(2) });

    expect(await pending).toBeNull();
    expect(store.getSnapshot()).toEqual({ session: null, endReason: 'signed-out' });
    stop();
  });
});
