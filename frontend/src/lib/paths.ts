/** Where a signed-in user lands unless they asked for another page. */
export const HOME_PATH = '/analyst';

/** The only page a session of scope MFA_ENROLLMENT may open. */
export const MFA_ENROLL_PATH = '/mfa/enroll';

/** A path to return to after sign-in: an in-app path other than the sign-in pages, else HOME_PATH. */
export function safeReturnPath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) return HOME_PATH;
  if (path.startsWith('/login') || path.startsWith(MFA_ENROLL_PATH)) return HOME_PATH;
  return path;
}
