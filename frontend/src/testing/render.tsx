import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { RouterProvider, createMemoryRouter, type RouteObject } from 'react-router';
import type { Client } from '@urql/core';
import { Provider as UrqlProvider } from 'urql';
import type { Role } from '@/lib/gql/graphql';
import { createSessionStore, type Session, type SessionStore } from '@/lib/session';
import { SessionProvider } from '@/lib/session-context';
import { SocketStatusContext, createSocketStatusStore, type SocketStatus } from '@/lib/socket-status';

export const testSession: Session = {
  token: 'test-token',
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  refreshToken: 'test-refresh-token',
  refreshExpiresAt: new Date(Date.now() + 8 * 3_600_000).toISOString(),
  scope: 'FULL',
  user: { id: 'u1', email: 'analyst@example.com', displayName: 'Test Analyst', role: 'ANALYST', mfaEnabled: false },
  tenant: { id: 't1', slug: 'acme', name: 'Acme Corp' },
};

/** testSession with another role (and MFA on, as administrators have it). */
export function sessionWithRole(role: Role, overrides: Partial<Session['user']> = {}): Session {
  return {
    ...testSession,
    user: { ...testSession.user, email: `${role.toLowerCase()}@example.com`, role, mfaEnabled: true, ...overrides },
  };
}

type RenderOptions = {
  client: Client;
  session?: Session | null;
  socketStatus?: SocketStatus;
  /** Routes to mount; defaults to one route rendering ui at path. */
  routes?: RouteObject[];
  path?: string;
  /** The session refresher's refresh, for components that renew tokens themselves. */
  refresh?: () => Promise<string | null>;
};

/** Renders with the providers the app has, on a memory router. */
export function renderWithProviders(ui: ReactNode, options: RenderOptions) {
  const sessionStore: SessionStore = createSessionStore(window.sessionStorage);
  if (options.session !== null) sessionStore.start(options.session ?? testSession);
  const socketStatus = createSocketStatusStore(options.socketStatus ?? 'live');
  const path = options.path ?? '/';
  const router = createMemoryRouter(options.routes ?? [{ path, element: ui }], { initialEntries: [path] });

  const utils = render(
    <SessionProvider store={sessionStore} refresh={options.refresh}>
      <SocketStatusContext value={socketStatus}>
        <UrqlProvider value={options.client}>
          <RouterProvider router={router} />
        </UrqlProvider>
      </SocketStatusContext>
    </SessionProvider>,
  );
  return { ...utils, router, sessionStore, socketStatus };
}
