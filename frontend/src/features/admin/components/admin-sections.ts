import type { AdminSection } from '@/lib/roles';

export type AdminSectionLink = { id: AdminSection; path: string; label: string };

/** The sections of the Administration view, in the order of its tabs. */
export const adminSections: AdminSectionLink[] = [
  { id: 'users', path: '/admin/users', label: 'Users & roles' },
  { id: 'api-keys', path: '/admin/api-keys', label: 'API keys' },
  { id: 'hec-tokens', path: '/admin/hec-tokens', label: 'HEC tokens' },
  { id: 'sso', path: '/admin/sso', label: 'Single sign-on' },
  { id: 'audit', path: '/admin/audit', label: 'Audit log' },
  { id: 'retention', path: '/admin/retention', label: 'Data retention' },
  { id: 'gather', path: '/admin/gather', label: 'Gather enrollment' },
  { id: 'tenants', path: '/admin/tenants', label: 'Tenants' },
];
