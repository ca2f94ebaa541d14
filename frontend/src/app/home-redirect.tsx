import { Navigate } from 'react-router';
import { homePath } from '@/lib/paths';
import { useRequiredSession } from '@/lib/session-context';

/** The signed-in root: the landing page of the user's role. */
export function HomeRedirect() {
  const { user } = useRequiredSession();
  return <Navigate to={homePath(user.role)} replace />;
}
