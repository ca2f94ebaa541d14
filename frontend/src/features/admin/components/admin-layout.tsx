import type { ReactNode } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { adminSections } from '@/features/admin/components/admin-sections';
import { PageHeader } from '@/components/page-header';
import { ForbiddenState } from '@/components/query-state';
import { canOpenAdminSection, roleLabel, type AdminSection } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import styles from './admin-layout.module.css';

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
        <section className={styles.noAccess} aria-label="No access">
          <p className={styles.noAccessTitle}>You do not have access to administration.</p>
          <p>
            Your role ({roleLabel(user.role)}) cannot manage users, keys or settings. Ask a tenant administrator if you
            need to.
          </p>
        </section>
      ) : (
        <>
          <nav className={styles.tabs} aria-label="Administration sections">
            <ul className={styles.list}>
              {sections.map((section) => (
                <li key={section.id}>
                  <NavLink
                    to={section.path}
                    className={({ isActive }) => (isActive ? `${styles.tab} ${styles.active}` : styles.tab)}
                  >
                    {section.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
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
