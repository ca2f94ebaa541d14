import type { ReactNode } from 'react';
import styles from './data-table.module.css';

export { styles as tableStyles };

type DataTableProps = {
  /** The table's accessible name. */
  caption: string;
  busy?: boolean;
  head: ReactNode;
  children: ReactNode;
};

/** A scrollable, bordered table: head is the header row's cells, children the body rows. */
export function DataTable({ caption, busy = false, head, children }: DataTableProps) {
  return (
    <div className={styles.scroller} tabIndex={0} role="region" aria-label={`${caption} table, scrollable`}>
      <table className={styles.table} aria-busy={busy || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A dash for a value that is not set. */
export function Missing({ label = 'none' }: { label?: string }) {
  return (
    <span className={styles.missing} aria-label={label}>
      —
    </span>
  );
}
