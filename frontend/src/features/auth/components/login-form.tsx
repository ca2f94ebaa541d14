import { useId, useState, type FormEvent } from 'react';
import type { Credentials } from '@/features/auth/types/credentials';
import styles from './login-form.module.css';

type LoginFormProps = {
  onSubmit: (credentials: Credentials) => void;
  submitting: boolean;
  error: string | null;
};

export function LoginForm({ onSubmit, submitting, error }: LoginFormProps) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit({ email, password, tenant });
  }

  return (
    <form className={styles.form} onSubmit={handleSubmit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <details className={styles.tenant}>
        <summary>Sign in to a specific tenant</summary>
        <div className="field">
          <label htmlFor={`${id}-tenant`}>Tenant</label>
          <input
            id={`${id}-tenant`}
            type="text"
            autoComplete="organization"
            placeholder="tenant slug, e.g. acme"
            spellCheck={false}
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
          />
          <p className="hint">Leave empty if you belong to one tenant only.</p>
        </div>
      </details>
      {error && (
        <p id={`${id}-error`} role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={submitting}>
        {submitting ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
