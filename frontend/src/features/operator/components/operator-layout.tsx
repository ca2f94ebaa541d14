import { Navigate, Outlet, useLocation } from 'react-router';
import { operatorSections } from '@/features/operator/components/operator-sections';
import { NoAccess } from '@/components/no-access';
import { PageHeader } from '@/components/page-header';
import { SectionTabs } from '@/components/section-tabs';
import { operatorAccess, roleLabel } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';

/** /operator: the view's header, its tabs and the open section, for roles that may read sources. */
export function OperatorLayout() {
  const { user } = useRequiredSession();
  const { pathname } = useLocation();
  const open = operatorSections.find((section) => pathname.startsWith(section.path));
  const access = operatorAccess(user.role);

  return (
    <>
      <PageHeader
        title="Operator"
        description="Keeping the data flowing: where events come from, what arrived, and what could not be processed."
        documentTitle={access.read && open ? `${open.label} · Operator` : undefined}
      />
      {access.read ? (
        <>
          <SectionTabs label="Operator sections" tabs={operatorSections} />
          <Outlet />
        </>
      ) : (
        <NoAccess title="You do not have access to the Operator view.">
          Your role ({roleLabel(user.role)}) cannot see the tenant&apos;s sources or quarantine. Ask a tenant
          administrator if you need to.
        </NoAccess>
      )}
    </>
  );
}

/** /operator itself: the sources. */
export function OperatorIndex() {
  return <Navigate to="/operator/sources" replace />;
}
