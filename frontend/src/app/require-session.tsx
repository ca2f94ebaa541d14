import { Navigate, Outlet, useLocation } from 'react-router';
import { MFA_ENROLL_PATH } from '@/lib/paths';
import { useSession } from '@/lib/session-context';

/**
 * Renders the signed-in routes, or sends the visitor to /login and back
 * afterwards. A session that may only enrol an authenticator is kept on
 * the enrolment page.
 */
export function RequireSession() {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  if (session.scope === 'MFA_ENROLLMENT' && location.pathname !== MFA_ENROLL_PATH) {
    return <Navigate to={MFA_ENROLL_PATH} replace />;
  }
  return <Outlet />;
}
