import type { ReactNode } from 'react';
import { PageHeader } from '@/components/page-header';
import styles from './view-placeholder.module.css';

type ViewPlaceholderProps = {
  title: string;
  summary: string;
  children: ReactNode;
};

/** A view that is planned but not built yet; says so plainly. */
export function ViewPlaceholder({ title, summary, children }: ViewPlaceholderProps) {
  return (
    <>
      <PageHeader title={title} description={summary} />
      <section className={styles.card} aria-label="Planned">
        <span className={styles.tag}>Not built yet</span>
        <div className={styles.body}>{children}</div>
      </section>
    </>
  );
}
