import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { CompleteSsoLoginMutation } from '@/features/auth/api/login-documents';
import { AuthLayout } from '@/components/auth-layout';
import { LoadingState } from '@/components/query-state';
import { errorMessage } from '@/lib/graphql-errors';
import { HOME_PATH, MFA_ENROLL_PATH } from '@/lib/paths';
import { toSession } from '@/lib/session-documents';
import { useSession, useSessionStore } from '@/lib/session-context';
import styles from './login-form.module.css';

/**
 * Where the server's SSO callback sends the browser: /login/sso#code=<one-time code>.
 * Exchanges the code for a session once, and takes the code out of the address.
 */
export function SsoCallbackPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const { session } = useSession();
  const sessionStore = useSessionStore();
  const [code] = useState(() => new URLSearchParams(location.hash.replace(/^#/, '')).get('code'));
  const [result, complete] = useMutation(CompleteSsoLoginMutation);
  const started = useRef(false);

  useEffect(() => {
    if (!code || started.current) return;
    // The code works once: never send it twice, never leave it in the history.
    started.current = true;
    void navigate({ pathname: location.pathname, search: location.search }, { replace: true });
    void complete({ code }).then((answer) => {
      if (answer.data) sessionStore.start(toSession(answer.data.completeSsoLogin));
    });
  }, [code, complete, navigate, location.pathname, location.search, sessionStore]);

  if (session && (started.current || !code)) {
    return <Navigate to={session.scope === 'MFA_ENROLLMENT' ? MFA_ENROLL_PATH : HOME_PATH} replace />;
  }

  const error = !code
    ? 'The sign-in link has no code. Start the single sign-on again.'
    : result.error
      ? errorMessage(result.error)
      : null;

  return (
    <AuthLayout title="Signing in with SSO">
      {error ? (
        <>
          <p role="alert" className={styles.error}>
            {error}
          </p>
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        </>
      ) : (
        <LoadingState label="Completing the sign-in…" />
      )}
    </AuthLayout>
  );
}
