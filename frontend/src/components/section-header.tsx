import type { ReactNode } from 'react';
import styles from './section-header.module.css';

type SectionHeaderProps = {
  /** id of the h2, for the section's aria-labelledby. */
  id?: string;
  title: string;
  description?: ReactNode;
  /** Buttons at the right, e.g. "Add user". */
  actions?: ReactNode;
};

/** The heading of a section inside a view (h2), with its actions. */
export function SectionHeader({ id, title, description, actions }: SectionHeaderProps) {
  return (
    <div className={styles.header}>
      <div>
        <h2 id={id} className={styles.title}>
          {title}
        </h2>
        {description && <p className={styles.description}>{description}</p>}
      </div>
      {actions && <div className={styles.actions}>{actions}</div>}
    </div>
  );
}
