import { Navigate, useLocation } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { useLogin } from '@/features/auth/hooks/use-login';
import { BrandMark } from '@/components/brand-mark';
import type { SessionEndReason } from '@/lib/session';
import { useSession } from '@/lib/session-context';
import styles from './login-page.module.css';

const DEFAULT_PATH = '/analyst';

const endNotices: Record<SessionEndReason, string | null> = {
  'signed-out': 'You have signed out.',
  expired: 'Your session has expired. Please sign in again.',
  unauthenticated: 'Your session is no longer valid. Please sign in again.',
};

export function LoginPage() {
  const { session, endReason } = useSession();
  const { login, submitting, error } = useLogin();
  const location = useLocation();
  const from = readFrom(location.state);

  // Signing in publishes the session, which lands here and moves on.
  if (session) return <Navigate to={from} replace />;

  const notice = !error && endReason ? endNotices[endReason] : null;

  return (
    <main className={styles.page}>
      <title>Sign in · Scalefield</title>
      <div className={styles.panel}>
        <div className={styles.brand}>
          <BrandMark size={40} />
          <span className={styles.product}>Scalefield</span>
        </div>
        <h1 className={styles.title}>Sign in</h1>
        <p className={styles.subtitle}>Security data fabric for your tenants.</p>
        {notice && (
          <p className={styles.notice} role="status">
            {notice}
          </p>
        )}
        <LoginForm onSubmit={(credentials) => void login(credentials)} submitting={submitting} error={error} />
      </div>
    </main>
  );
}

function readFrom(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string') {
    return state.from.startsWith('/') && state.from !== '/login' ? state.from : DEFAULT_PATH;
  }
  return DEFAULT_PATH;
}
