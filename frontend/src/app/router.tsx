import { lazy, Suspense } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { HomeRedirect } from '@/app/home-redirect';
import { LoadingState } from '@/components/query-state';
import { NotFoundPage } from '@/app/not-found-page';
import { RequireSession } from '@/app/require-session';
import { ChangePasswordPage } from '@/features/account/components/change-password-page';
import { AdminIndex, AdminLayout, AdminSectionGuard } from '@/features/admin/components/admin-layout';
import { AnalystLayout } from '@/features/analyst/components/analyst-layout';
import { UsersPage } from '@/features/admin-users/components/users-page';
import { ApiKeysPage } from '@/features/api-keys/components/api-keys-page';
import { AuditPage } from '@/features/audit/components/audit-page';
import { LoginPage } from '@/features/auth/components/login-page';
import { SsoCallbackPage } from '@/features/auth/components/sso-callback-page';
import { EventsPage } from '@/features/events/components/events-page';
import { ExplorerPage } from '@/features/explorer/components/explorer-page';
import { GatherImportsPage } from '@/features/gather/components/gather-imports-page';
import { GatherNodesPage } from '@/features/gather/components/gather-nodes-page';
import { GatherEnrollmentPage } from '@/features/gather-enrollment/components/gather-enrollment-page';
import { HecTokensPage } from '@/features/hec-tokens/components/hec-tokens-page';
import { MfaEnrollPage } from '@/features/mfa/components/mfa-enroll-page';
import { OperatorIndex, OperatorLayout } from '@/features/operator/components/operator-layout';
import { QuarantinePage } from '@/features/quarantine/components/quarantine-page';
import { ReprocessPage } from '@/features/reprocess/components/reprocess-page';
import { RetentionPage } from '@/features/retention/components/retention-page';
import { AppShell } from '@/features/shell/components/app-shell';
import { SourcesPage } from '@/features/sources/components/sources-page';
import { SsoSettingsPage } from '@/features/sso/components/sso-settings-page';
import { TenantsPage } from '@/features/tenants/components/tenants-page';

// The overview draws with ECharts, which is large: it loads with the page.
const OverviewPage = lazy(() =>
  import('@/features/overview/components/overview-page').then((module) => ({ default: module.OverviewPage })),
);

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
          { index: true, element: <HomeRedirect /> },
          { path: 'account/password', element: <ChangePasswordPage /> },
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
                path: 'retention',
                element: (
                  <AdminSectionGuard section="retention">
                    <RetentionPage />
                  </AdminSectionGuard>
                ),
              },
              {
                path: 'gather',
                element: (
                  <AdminSectionGuard section="gather">
                    <GatherEnrollmentPage />
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
          {
            path: 'management',
            element: (
              <Suspense fallback={<LoadingState label="Loading the overview…" />}>
                <OverviewPage />
              </Suspense>
            ),
          },
          {
            path: 'operator',
            element: <OperatorLayout />,
            children: [
              { index: true, element: <OperatorIndex /> },
              { path: 'sources', element: <SourcesPage /> },
              { path: 'quarantine', element: <QuarantinePage /> },
              { path: 'reprocess', element: <ReprocessPage /> },
              { path: 'gather', element: <GatherNodesPage /> },
              { path: 'imports', element: <GatherImportsPage /> },
            ],
          },
          {
            path: 'analyst',
            element: <AnalystLayout />,
            children: [
              { index: true, element: <EventsPage /> },
              { path: 'explorer', element: <ExplorerPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
