import { RouterProvider } from 'react-router/dom';
import { AppProvider } from '@/app/provider';
import { createAppRouter } from '@/app/router';
import { createSessionStore } from '@/lib/session';

const sessionStore = createSessionStore();
const router = createAppRouter();

export function App() {
  return (
    <AppProvider sessionStore={sessionStore}>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
