import { useId } from 'react';
import { CopyButton } from '@/components/copy-button';
import styles from './one-time-secret.module.css';

type OneTimeSecretProps = {
  /** What the secret is, e.g. "API key". */
  label: string;
  secret: string;
  /** A ready command using the secret. */
  example: string;
  exampleLabel: string;
};

/** A secret the server shows only once: a warning, the value with a copy button, and an example. */
export function OneTimeSecret({ label, secret, example, exampleLabel }: OneTimeSecretProps) {
  const id = useId();
  return (
    <div className={styles.secret}>
      <p className={`inline-warning ${styles.warning}`} role="note">
        <strong>Copy the {label} now.</strong>
        It is shown only this once and cannot be retrieved later. Store it in a secret manager; if it is lost, revoke it
        and create another.
      </p>
      <div className="field">
        <label htmlFor={`${id}-secret`}>{label}</label>
        <div className={styles.value}>
          <input
            id={`${id}-secret`}
            type="text"
            readOnly
            value={secret}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            data-autofocus
          />
          <CopyButton text={secret} label={`Copy ${label}`} className="button button-primary" />
        </div>
      </div>
      <div>
        <div className={styles.exampleHeader}>
          <span className={styles.exampleLabel} id={`${id}-example`}>
            {exampleLabel}
          </span>
          <CopyButton text={example} label="Copy example" />
        </div>
        <pre className={styles.code} tabIndex={0} aria-labelledby={`${id}-example`}>
          {example}
        </pre>
      </div>
    </div>
  );
}
