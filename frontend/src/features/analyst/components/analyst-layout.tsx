import { Outlet, useLocation } from 'react-router';
import { analystSections } from '@/features/analyst/components/analyst-sections';
import { PageHeader } from '@/components/page-header';
import { SectionTabs } from '@/components/section-tabs';

/** /analyst: the view's header, its tabs (live events, explorer) and the open section. */
export function AnalystLayout() {
  const { pathname } = useLocation();
  const open = [...analystSections].reverse().find((section) => pathname.startsWith(section.path));
  return (
    <>
      <PageHeader
        title="Analyst"
        description="This tenant's security events: as they arrive, and to search and investigate."
        documentTitle={open ? `${open.label} · Analyst` : undefined}
      />
      <SectionTabs label="Analyst sections" tabs={analystSections} />
      <Outlet />
    </>
  );
}
