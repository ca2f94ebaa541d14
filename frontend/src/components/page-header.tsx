import type { ReactNode } from 'react';
import styles from './page-header.module.css';

type PageHeaderProps = {
  title: string;
  description?: string;
  /** Shown at the right of the title, e.g. a status or actions. */
  aside?: ReactNode;
  /** The browser tab's title, when it should say more than the title (e.g. the open section). */
  documentTitle?: string;
};

export function PageHeader({ title, description, aside, documentTitle }: PageHeaderProps) {
  return (
    <div className={styles.header}>
      <title>{`${documentTitle ?? title} · Scalefield`}</title>
      <div>
        <h1 className={styles.title}>{title}</h1>
        {description && <p className={styles.description}>{description}</p>}
      </div>
      {aside && <div className={styles.aside}>{aside}</div>}
    </div>
  );
}
