import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '@/lib/session-context';

/** Renders the signed-in routes, or sends the visitor to /login and back afterwards. */
export function RequireSession() {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  return <Outlet />;
}
