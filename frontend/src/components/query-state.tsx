import type { CombinedError } from '@urql/core';
import type { ReactNode } from 'react';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import styles from './query-state.module.css';

export function LoadingState({ label }: { label: string }) {
  return (
    <div className={`${styles.box} ${styles.loading}`} role="status">
      <span className={styles.spinner} aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.box}>
      <p className={styles.title}>{title}</p>
      {children}
    </div>
  );
}

export function EmptyStateText({ children }: { children: ReactNode }) {
  return <p className={styles.text}>{children}</p>;
}

/** A command to copy from an empty state, e.g. how to send a first event. */
export function EmptyStateCode({ label, children }: { label: string; children: string }) {
  return (
    <pre className={styles.code} tabIndex={0} aria-label={label}>
      {children}
    </pre>
  );
}

type ErrorStateProps = {
  /** The query's error, or the message a hook already made of it. */
  error: CombinedError | string;
  /** What could not be loaded, e.g. "Users". */
  what: string;
  onRetry: () => void;
};

/** A failed load; a FORBIDDEN answer says the role does not allow it rather than offering a retry. */
export function ErrorState({ error, what, onRetry }: ErrorStateProps) {
  if (typeof error !== 'string' && hasErrorCode(error, 'FORBIDDEN')) return <ForbiddenState />;
  return (
    <div className={`${styles.box} ${styles.error}`} role="alert">
      <p className={styles.title}>{what} could not be loaded.</p>
      <p className={styles.text}>{typeof error === 'string' ? error : errorMessage(error)}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

export function ForbiddenState({ children }: { children?: ReactNode }) {
  return (
    <div className={`${styles.box} ${styles.forbidden}`} role="alert">
      <p className={styles.title}>You do not have access to this.</p>
      <p className={styles.text}>
        {children ?? 'Your role does not allow it. Ask a tenant administrator if you need access.'}
      </p>
    </div>
  );
}
