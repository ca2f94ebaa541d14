import { useState } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { MfaStepForm } from '@/features/auth/components/mfa-step-form';
import { SsoForm } from '@/features/auth/components/sso-form';
import { useLogin } from '@/features/auth/hooks/use-login';
import { useSsoLogin } from '@/features/auth/hooks/use-sso-login';
import { ssoErrorMessage } from '@/features/auth/utils/sso-error';
import { AuthLayout } from '@/components/auth-layout';
import type { SessionEndReason } from '@/lib/session';
import { MFA_ENROLL_PATH, homePath, safeReturnPath } from '@/lib/paths';
import { useSession } from '@/lib/session-context';
import styles from './login-form.module.css';
import noticeStyles from './login-page.module.css';

const endNotices: Record<SessionEndReason, string> = {
  'signed-out': 'You have signed out.',
  'signed-out-everywhere': 'You have signed out on every device.',
  expired: 'Your session has expired. Please sign in again.',
  unauthenticated: 'Your session is no longer valid. Please sign in again.',
};

type Step = { kind: 'password' } | { kind: 'mfa'; mfaToken: string } | { kind: 'sso' };

export function LoginPage() {
  const { session, endReason } = useSession();
  const { login, verify, submitting, verifying, loginError, verifyError } = useLogin();
  const sso = useSsoLogin();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [searchParams] = useSearchParams();
  const location = useLocation();

  // Signing in publishes the session, which lands here and moves on.
  if (session) {
    const from = readFrom(location.state, homePath(session.user.role));
    return <Navigate to={session.scope === 'MFA_ENROLLMENT' ? MFA_ENROLL_PATH : from} replace />;
  }

  const ssoError = searchParams.get('sso_error');

  if (step.kind === 'mfa') {
    return (
      <AuthLayout title="Two-factor authentication" subtitle="One more step to confirm it is you.">
        <MfaStepForm
          onSubmit={(code) => void verify(step.mfaToken, code)}
          onBack={() => setStep({ kind: 'password' })}
          submitting={verifying}
          error={verifyError}
        />
      </AuthLayout>
    );
  }

  if (step.kind === 'sso') {
    return (
      <AuthLayout title="Sign in with SSO" subtitle="Use your organisation's identity provider.">
        <SsoForm
          onSubmit={(tenant) => void sso.start(tenant)}
          onBack={() => setStep({ kind: 'password' })}
          submitting={sso.submitting}
          error={sso.error}
        />
      </AuthLayout>
    );
  }

  const notice = !loginError && !ssoError && endReason ? endNotices[endReason] : null;

  return (
    <AuthLayout title="Sign in" subtitle="Security data fabric for your tenants.">
      {notice && (
        <p className={noticeStyles.notice} role="status">
          {notice}
        </p>
      )}
      {ssoError && !loginError && (
        <p className={`${styles.error} ${noticeStyles.ssoError}`} role="alert">
          {ssoErrorMessage(ssoError)}
        </p>
      )}
      <LoginForm
        onSubmit={async (credentials) => {
          const outcome = await login(credentials);
          if (outcome.kind === 'mfa') setStep({ kind: 'mfa', mfaToken: outcome.mfaToken });
        }}
        submitting={submitting}
        error={loginError}
      />
      <div className={styles.alternatives}>
        <button type="button" className="button" onClick={() => setStep({ kind: 'sso' })}>
          Sign in with SSO
        </button>
      </div>
    </AuthLayout>
  );
}

function readFrom(state: unknown, fallback: string): string {
  return safeReturnPath(typeof state === 'object' && state !== null && 'from' in state ? state.from : null, fallback);
}
