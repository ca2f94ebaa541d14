import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { BeginMfaEnrollmentMutation, ConfirmMfaEnrollmentMutation } from '@/features/mfa/api/mfa-documents';
import { AuthenticatorSetup } from '@/features/mfa/components/authenticator-setup';
import { RecoveryCodes } from '@/features/mfa/components/recovery-codes';
import { AuthLayout } from '@/components/auth-layout';
import { LoadingState } from '@/components/query-state';
import { errorMessage } from '@/lib/graphql-errors';
import { HOME_PATH } from '@/lib/paths';
import type { Session } from '@/lib/session';
import { toSession } from '@/lib/session-documents';
import { useSession, useSessionStore } from '@/lib/session-context';
import { useSignOut } from '@/lib/use-sign-out';
import styles from './mfa-enroll.module.css';

type Confirmed = { recoveryCodes: string[]; session: Session };

/**
 * /mfa/enroll: an administrator without MFA signs in with a session that may
 * do nothing else. Add an authenticator, confirm a code, save the recovery
 * codes; only then is the full session (from the confirmation) stored.
 */
export function MfaEnrollPage() {
  const { session } = useSession();
  const sessionStore = useSessionStore();
  const navigate = useNavigate();
  const { signOut, busy: signingOut } = useSignOut();
  const [begin, executeBegin] = useMutation(BeginMfaEnrollmentMutation);
  const [confirm, executeConfirm] = useMutation(ConfirmMfaEnrollmentMutation);
  const [confirmed, setConfirmed] = useState<Confirmed | null>(null);

  // Each call makes a new secret: call once, not again on a re-run of the effect.
  const begun = useRef(false);
  useEffect(() => {
    if (begun.current || session?.scope !== 'MFA_ENROLLMENT') return;
    begun.current = true;
    void executeBegin({});
  }, [executeBegin, session?.scope]);

  // Signed out from here: the sign-in guard takes over, this is only a fallback.
  if (!session) return <Navigate to="/login" replace />;
  if (session.scope !== 'MFA_ENROLLMENT' && !confirmed) return <Navigate to={HOME_PATH} replace />;

  async function handleConfirm(code: string) {
    const result = await executeConfirm({ code });
    const answer = result.data?.confirmMfaEnrollment;
    if (answer) setConfirmed({ recoveryCodes: answer.recoveryCodes, session: toSession(answer.session) });
  }

  function handleContinue() {
    if (!confirmed) return;
    sessionStore.start(confirmed.session);
    void navigate(HOME_PATH, { replace: true });
  }

  const footer = (
    <div className={styles.footer}>
      <span>
        Signed in as <strong>{session.user.email}</strong>
      </span>
      <button type="button" className="button button-quiet" onClick={() => void signOut()} disabled={signingOut}>
        Sign out
      </button>
    </div>
  );

  if (confirmed) {
    return (
      <AuthLayout title="Save your recovery codes" subtitle="Two-factor authentication is on." wide>
        <RecoveryCodes
          codes={confirmed.recoveryCodes}
          account={`${session.user.email} (${session.tenant.slug})`}
          onContinue={handleContinue}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Set up two-factor authentication"
      subtitle="Administrators sign in with a second factor. Set it up to continue."
      wide
    >
      {begin.data ? (
        <AuthenticatorSetup
          enrollment={begin.data.beginMfaEnrollment}
          onConfirm={(code) => void handleConfirm(code)}
          confirming={confirm.fetching}
          error={confirm.error ? errorMessage(confirm.error) : null}
        />
      ) : begin.error ? (
        <div role="alert">
          <p className="inline-alert">The enrolment could not be started: {errorMessage(begin.error)}</p>
          <button type="button" className="button" onClick={() => void executeBegin({})} disabled={begin.fetching}>
            Try again
          </button>
        </div>
      ) : (
        <LoadingState label="Preparing your authenticator key…" />
      )}
      {footer}
    </AuthLayout>
  );
}
