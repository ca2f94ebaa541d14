import { useEffect } from 'react';
import { RouterProvider } from 'react-router/dom';
import { AppProvider } from '@/app/provider';
import { createAppRouter } from '@/app/router';
import { createSessionStore } from '@/lib/session';
import { createGraphqlRefreshExchange, createSessionRefresher } from '@/lib/session-refresher';

const sessionStore = createSessionStore();
const refresher = createSessionRefresher({ store: sessionStore, exchange: createGraphqlRefreshExchange() });
const router = createAppRouter();

export function App() {
  useEffect(() => refresher.start(), []);
  return (
    <AppProvider sessionStore={sessionStore} refresh={refresher.refresh}>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
