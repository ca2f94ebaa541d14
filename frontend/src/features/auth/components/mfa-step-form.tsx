import { useId, useState, type FormEvent } from 'react';
import styles from './login-form.module.css';

type MfaStepFormProps = {
  onSubmit: (code: string) => void;
  onBack: () => void;
  submitting: boolean;
  error: string | null;
};

/** The second step of a sign-in: a TOTP code or a recovery code. */
export function MfaStepForm({ onSubmit, onBack, submitting, error }: MfaStepFormProps) {
  const id = useId();
  const [code, setCode] = useState('');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(code);
  }

  return (
    <form className={styles.form} onSubmit={handleSubmit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="field">
        <label htmlFor={`${id}-code`}>Authentication code</label>
        <input
          id={`${id}-code`}
          type="text"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          required
          autoFocus
          className={styles.code}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-describedby={`${id}-hint`}
        />
        <p id={`${id}-hint`} className="hint">
          Enter the 6-digit code from your authenticator, or a recovery code.
        </p>
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={submitting}>
        {submitting ? 'Verifying…' : 'Verify'}
      </button>
      <button
        type="button"
        className={`button button-quiet ${styles.secondary}`}
        onClick={onBack}
        disabled={submitting}
      >
        Back to sign in
      </button>
    </form>
  );
}
