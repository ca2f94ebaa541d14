import type { Role } from '@/lib/gql/graphql';

export const roleLabels: Record<Role, string> = {
  PLATFORM_ADMIN: 'Platform admin',
  TENANT_ADMIN: 'Tenant admin',
  MANAGER: 'Manager',
  OPERATOR: 'Operator',
  ANALYST: 'Analyst',
  VIEWER: 'Viewer',
};

/** Every role, highest first. */
export const roles: Role[] = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'MANAGER', 'OPERATOR', 'ANALYST', 'VIEWER'];

export function roleLabel(role: Role): string {
  return roleLabels[role];
}

/** The roles someone of the given role may hand out (to members or API keys): their own and lower. */
export function rolesUpTo(role: Role): Role[] {
  return roles.slice(roles.indexOf(role));
}

/** Sections of the Administration view. */
export type AdminSection = 'users' | 'api-keys' | 'hec-tokens' | 'sso' | 'audit' | 'retention' | 'gather' | 'tenants';

/** What a role may do in the Administration view; mirrors the server's permissions, which decide. */
export type AdminAccess = {
  users: 'manage' | 'read' | null;
  apiKeys: boolean;
  hecTokens: boolean;
  sso: boolean;
  audit: boolean;
  /** retention:manage — how long each layer keeps the tenant's data. */
  retention: boolean;
  /** gather:manage — enrollment tokens for gather agents. */
  gather: boolean;
  tenants: boolean;
};

export function adminAccess(role: Role): AdminAccess {
  switch (role) {
    case 'PLATFORM_ADMIN':
      return {
        users: 'manage',
        apiKeys: true,
        hecTokens: true,
        sso: true,
        audit: true,
        retention: true,
        gather: true,
        tenants: true,
      };
    case 'TENANT_ADMIN':
      return {
        users: 'manage',
        apiKeys: true,
        hecTokens: true,
        sso: true,
        audit: true,
        retention: true,
        gather: true,
        tenants: false,
      };
    case 'MANAGER':
      return {
        users: 'read',
        apiKeys: false,
        hecTokens: false,
        sso: false,
        audit: true,
        retention: false,
        gather: false,
        tenants: false,
      };
    default:
      return {
        users: null,
        apiKeys: false,
        hecTokens: false,
        sso: false,
        audit: false,
        retention: false,
        gather: false,
        tenants: false,
      };
  }
}

export function canOpenAdminSection(role: Role, section: AdminSection): boolean {
  const access = adminAccess(role);
  switch (section) {
    case 'users':
      return access.users !== null;
    case 'api-keys':
      return access.apiKeys;
    case 'hec-tokens':
      return access.hecTokens;
    case 'sso':
      return access.sso;
    case 'audit':
      return access.audit;
    case 'retention':
      return access.retention;
    case 'gather':
      return access.gather;
    case 'tenants':
      return access.tenants;
  }
}

/** What a role may do in the Operator view; mirrors the server's permissions, which decide. */
export type OperatorAccess = {
  /** sources:read — sources, ingest statistics and the quarantine. */
  read: boolean;
  /** quarantine:manage — send quarantined records back to the refine stage. */
  reprocess: boolean;
  /** pipeline:manage — rebuild Silver and Gold for a time range of Bronze records. */
  pipeline: boolean;
};

export function operatorAccess(role: Role): OperatorAccess {
  switch (role) {
    case 'PLATFORM_ADMIN':
    case 'TENANT_ADMIN':
    case 'OPERATOR':
      return { read: true, reprocess: true, pipeline: true };
    case 'MANAGER':
      return { read: true, reprocess: false, pipeline: true };
    default:
      return { read: false, reprocess: false, pipeline: false };
  }
}

/** What a role may do with gather agents (Operator view); mirrors the server's permissions, which decide. */
export type GatherAccess = {
  /** gather:read — nodes, inventory, patch levels and the import queue. */
  read: boolean;
  /** gather:manage — enrollment tokens and revoking nodes. */
  manage: boolean;
  /** quarantine:manage — queue a quarantined import again. */
  retry: boolean;
};

export function gatherAccess(role: Role): GatherAccess {
  switch (role) {
    case 'PLATFORM_ADMIN':
    case 'TENANT_ADMIN':
      return { read: true, manage: true, retry: true };
    case 'MANAGER':
    case 'OPERATOR':
      return { read: true, manage: false, retry: true };
    default:
      return { read: false, manage: false, retry: false };
  }
}
