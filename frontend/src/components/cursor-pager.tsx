import { useId } from 'react';
import styles from './cursor-pager.module.css';

export const pageSizes = [25, 50, 100] as const;

type CursorPagerProps = {
  page: number;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
  onPrevious: () => void;
  onNext: () => void;
  disabled: boolean;
  /** With both, a "Rows per page" select is shown. */
  pageSize?: number;
  onPageSizeChange?: (size: number) => void;
};

export function CursorPager(props: CursorPagerProps) {
  const id = useId();
  const { pageSize, onPageSizeChange } = props;
  return (
    <nav className={styles.pager} aria-label="Pages">
      {pageSize !== undefined && onPageSizeChange && (
        <div className={styles.size}>
          <label htmlFor={`${id}-size`}>Rows per page</label>
          <select id={`${id}-size`} value={pageSize} onChange={(e) => onPageSizeChange(Number(e.target.value))}>
            {pageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
      )}
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
