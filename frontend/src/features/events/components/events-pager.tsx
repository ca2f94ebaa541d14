import { useId } from 'react';
import styles from './events-pager.module.css';

export const pageSizes = [25, 50, 100] as const;

type EventsPagerProps = {
  page: number;
  pageSize: number;
  onPageSizeChange: (size: number) => void;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
  onPrevious: () => void;
  onNext: () => void;
  disabled: boolean;
};

export function EventsPager(props: EventsPagerProps) {
  const id = useId();
  return (
    <nav className={styles.pager} aria-label="Pages">
      <div className={styles.size}>
        <label htmlFor={`${id}-size`}>Rows per page</label>
        <select
          id={`${id}-size`}
          value={props.pageSize}
          onChange={(e) => props.onPageSizeChange(Number(e.target.value))}
        >
          {pageSizes.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.buttons}>
        <span className={styles.page} aria-live="polite">
          Page {props.page}
        </span>
        <button
          type="button"
          className="button"
          onClick={props.onPrevious}
          disabled={props.disabled || !props.hasPreviousPage}
        >
          Previous
        </button>
        <button type="button" className="button" onClick={props.onNext} disabled={props.disabled || !props.hasNextPage}>
          Next
        </button>
      </div>
    </nav>
  );
}
