import { useId, useState, type FormEvent } from 'react';
import { groupInFours } from '@/features/mfa/utils/group-secret';
import { CopyButton } from '@/components/copy-button';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './mfa-enroll.module.css';

export const AuthenticatorSetupFragment = graphql(`
  fragment AuthenticatorSetup_enrollment on MfaEnrollment {
    secret
    uri
    qrCode
  }
`);

type AuthenticatorSetupProps = {
  enrollment: FragmentType<typeof AuthenticatorSetupFragment>;
  onConfirm: (code: string) => void;
  confirming: boolean;
  error: string | null;
};

/** Step one and two of the enrolment: add the authenticator, then prove it works with a code. */
export function AuthenticatorSetup(props: AuthenticatorSetupProps) {
  const enrollment = getFragmentData(AuthenticatorSetupFragment, props.enrollment);
  const id = useId();
  const [code, setCode] = useState('');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    props.onConfirm(code.replace(/\s+/g, ''));
  }

  return (
    <div className={styles.steps}>
      <section className={styles.step} aria-labelledby={`${id}-scan`}>
        <h2 id={`${id}-scan`}>1. Add Scalefield to your authenticator app</h2>
        <div className={styles.scan}>
          <img
            className={styles.qr}
            src={enrollment.qrCode}
            alt="QR code to scan with your authenticator app"
            width={176}
            height={176}
          />
          <p>
            Scan the QR code with an app such as Google Authenticator, 1Password or Aegis. If you cannot scan it, type
            the setup key in instead: time-based (TOTP), 6 digits, every 30 seconds.
          </p>
        </div>
        <div className={`field ${styles.keyField}`}>
          <label htmlFor={`${id}-key`}>Setup key</label>
          <div className={styles.key}>
            <input
              id={`${id}-key`}
              type="text"
              readOnly
              spellCheck={false}
              value={groupInFours(enrollment.secret)}
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={enrollment.secret} label="Copy key" />
          </div>
        </div>
      </section>
      <section className={styles.step} aria-labelledby={`${id}-confirm`}>
        <h2 id={`${id}-confirm`}>2. Enter the code it shows</h2>
        <form className={styles.confirm} onSubmit={handleSubmit}>
          <div className="field">
            <label htmlFor={`${id}-code`}>6-digit code</label>
            <input
              id={`${id}-code`}
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              pattern="\s*\d{3}\s*\d{3}\s*"
              title="The 6 digits your authenticator shows"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <button type="submit" className="button button-primary" disabled={props.confirming}>
            {props.confirming ? 'Confirming…' : 'Confirm'}
          </button>
        </form>
        {props.error && (
          <p className="inline-alert" role="alert" style={{ marginTop: 'var(--space-3)' }}>
            {props.error}
          </p>
        )}
      </section>
    </div>
  );
}
