import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { adminSections } from '@/features/admin/components/admin-sections';
import { NoAccess } from '@/components/no-access';
import { PageHeader } from '@/components/page-header';
import { ForbiddenState } from '@/components/query-state';
import { SectionTabs } from '@/components/section-tabs';
import { canOpenAdminSection, roleLabel, type AdminSection } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';

function useVisibleSections() {
  const { user } = useRequiredSession();
  return adminSections.filter((section) => canOpenAdminSection(user.role, section.id));
}

/** /admin: the view's header, one tab per section the role may open, and the open section. */
export function AdminLayout() {
  const { user } = useRequiredSession();
  const sections = useVisibleSections();
  const { pathname } = useLocation();
  const open = sections.find((section) => pathname.startsWith(section.path));

  return (
    <>
      <PageHeader
        title="Administration"
        description="Who can use Scalefield and how data gets in."
        documentTitle={open ? `${open.label} · Administration` : undefined}
      />
      {sections.length === 0 ? (
        <NoAccess title="You do not have access to administration.">
          Your role ({roleLabel(user.role)}) cannot manage users, keys or settings. Ask a tenant administrator if you
          need to.
        </NoAccess>
      ) : (
        <>
          <SectionTabs label="Administration sections" tabs={sections} />
          <Outlet />
        </>
      )}
    </>
  );
}

/** /admin itself: the first section the role may open. */
export function AdminIndex() {
  const first = useVisibleSections()[0];
  return first ? <Navigate to={first.path} replace /> : null;
}

/** Renders a section only for roles that may open it; the API refuses the others anyway. */
export function AdminSectionGuard({ section, children }: { section: AdminSection; children: ReactNode }) {
  const { user } = useRequiredSession();
  if (!canOpenAdminSection(user.role, section)) {
    return <ForbiddenState>Your role ({roleLabel(user.role)}) cannot open this section.</ForbiddenState>;
  }
  return children;
}
