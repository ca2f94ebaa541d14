import type { ReactNode } from 'react';
import styles from './no-access.module.css';

type NoAccessProps = {
  /** e.g. "You do not have access to administration." */
  title: string;
  /** Why, and whom to ask. */
  children: ReactNode;
};

/** Instead of a whole view the role may not open. */
export function NoAccess({ title, children }: NoAccessProps) {
  return (
    <section className={styles.noAccess} aria-label="No access">
      <p className={styles.title}>{title}</p>
      <p>{children}</p>
    </section>
  );
}
