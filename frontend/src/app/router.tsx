import { Navigate, createBrowserRouter, type RouteObject } from 'react-router';
import { NotFoundPage } from '@/app/not-found-page';
import { RequireSession } from '@/app/require-session';
import { LoginPage } from '@/features/auth/components/login-page';
import { EventsPage } from '@/features/events/components/events-page';
import { AdministrationPage } from '@/features/shell/components/administration-page';
import { AppShell } from '@/features/shell/components/app-shell';
import { ManagementPage } from '@/features/shell/components/management-page';
import { OperatorPage } from '@/features/shell/components/operator-page';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="/analyst" replace /> },
          { path: 'admin', element: <AdministrationPage /> },
          { path: 'management', element: <ManagementPage /> },
          { path: 'operator', element: <OperatorPage /> },
          { path: 'analyst', element: <EventsPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
