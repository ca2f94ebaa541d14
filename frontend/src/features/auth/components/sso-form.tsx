import { useId, useState, type FormEvent } from 'react';
import styles from './login-form.module.css';

type SsoFormProps = {
  onSubmit: (tenant: string) => void;
  onBack: () => void;
  submitting: boolean;
  error: string | null;
};

/** Asks which tenant to sign in to with its identity provider. */
export function SsoForm({ onSubmit, onBack, submitting, error }: SsoFormProps) {
  const id = useId();
  const [tenant, setTenant] = useState('');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(tenant.trim());
  }

  return (
    <form className={styles.form} onSubmit={handleSubmit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="field">
        <label htmlFor={`${id}-tenant`}>Tenant</label>
        <input
          id={`${id}-tenant`}
          type="text"
          autoComplete="organization"
          placeholder="tenant slug, e.g. acme"
          spellCheck={false}
          required
          autoFocus
          value={tenant}
          onChange={(e) => setTenant(e.target.value)}
        />
        <p className="hint">You will continue at your organisation&apos;s identity provider.</p>
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={submitting}>
        {submitting ? 'Redirecting…' : 'Continue with SSO'}
      </button>
      <button
        type="button"
        className={`button button-quiet ${styles.secondary}`}
        onClick={onBack}
        disabled={submitting}
      >
        Sign in with a password instead
      </button>
    </form>
  );
}
