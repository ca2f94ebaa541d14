import { Navigate, createBrowserRouter, type RouteObject } from 'react-router';
import { NotFoundPage } from '@/app/not-found-page';
import { RequireSession } from '@/app/require-session';
import { AdminIndex, AdminLayout, AdminSectionGuard } from '@/features/admin/components/admin-layout';
import { UsersPage } from '@/features/admin-users/components/users-page';
import { ApiKeysPage } from '@/features/api-keys/components/api-keys-page';
import { AuditPage } from '@/features/audit/components/audit-page';
import { LoginPage } from '@/features/auth/components/login-page';
import { SsoCallbackPage } from '@/features/auth/components/sso-callback-page';
import { EventsPage } from '@/features/events/components/events-page';
import { HecTokensPage } from '@/features/hec-tokens/components/hec-tokens-page';
import { MfaEnrollPage } from '@/features/mfa/components/mfa-enroll-page';
import { OperatorIndex, OperatorLayout } from '@/features/operator/components/operator-layout';
import { QuarantinePage } from '@/features/quarantine/components/quarantine-page';
import { AppShell } from '@/features/shell/components/app-shell';
import { ManagementPage } from '@/features/shell/components/management-page';
import { SourcesPage } from '@/features/sources/components/sources-page';
import { SsoSettingsPage } from '@/features/sso/components/sso-settings-page';
import { TenantsPage } from '@/features/tenants/components/tenants-page';
import { HOME_PATH } from '@/lib/paths';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/login/sso', element: <SsoCallbackPage /> },
  {
    element: <RequireSession />,
    children: [
      { path: 'mfa/enroll', element: <MfaEnrollPage /> },
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to={HOME_PATH} replace /> },
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <AdminIndex /> },
              {
                path: 'users',
                element: (
                  <AdminSectionGuard section="users">
                    <UsersPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'api-keys',
                element: (
                  <AdminSectionGuard section="api-keys">
                    <ApiKeysPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'hec-tokens',
                element: (
                  <AdminSectionGuard section="hec-tokens">
                    <HecTokensPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'sso',
                element: (
                  <AdminSectionGuard section="sso">
                    <SsoSettingsPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'audit',
                element: (
                  <AdminSectionGuard section="audit">
                    <AuditPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'tenants',
                element: (
                  <AdminSectionGuard section="tenants">
                    <TenantsPage />
                  </AdminSectionGuard>
                ),
              },
            ],
          },
          { path: 'management', element: <ManagementPage /> },
          {
            path: 'operator',
            element: <OperatorLayout />,
            children: [
              { index: true, element: <OperatorIndex /> },
              { path: 'sources', element: <SourcesPage /> },
              { path: 'quarantine', element: <QuarantinePage /> },
            ],
          },
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
