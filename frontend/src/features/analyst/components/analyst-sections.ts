import type { SectionTab } from '@/components/section-tabs';

/** The sections of the Analyst view, in the order of its tabs; every one needs events:read. */
export const analystSections: SectionTab[] = [
  { path: '/analyst', label: 'Live events', end: true },
  { path: '/analyst/explorer', label: 'Explorer' },
];
