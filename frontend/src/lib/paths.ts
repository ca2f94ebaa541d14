import type { Role } from '@/lib/gql/graphql';

/** Where a signed-in user lands unless they asked for another page (see homePath). */
export const HOME_PATH = '/analyst';

/** The Management overview: where managers land. */
export const MANAGEMENT_PATH = '/management';

/** Where someone of this role lands after sign-in: managers on the overview, everyone else on the events. */
export function homePath(role: Role): string {
  return role === 'MANAGER' ? MANAGEMENT_PATH : HOME_PATH;
}

/** Where the signed-in user changes their own password (from the account menu). */
export const CHANGE_PASSWORD_PATH = '/account/password';

/** The only page a session of scope MFA_ENROLLMENT may open. */
export const MFA_ENROLL_PATH = '/mfa/enroll';

/** A path to return to after sign-in: an in-app path other than the sign-in pages, else fallback. */
export function safeReturnPath(path: unknown, fallback: string = HOME_PATH): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) return fallback;
  if (path.startsWith('/login') || path.startsWith(MFA_ENROLL_PATH)) return fallback;
  return path;
}
