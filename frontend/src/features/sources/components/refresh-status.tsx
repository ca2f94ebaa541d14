import { useId } from 'react';
import { formatTime } from '@/lib/format';
import styles from './sources.module.css';

type RefreshStatusProps = {
  /** When the data shown is from (ISO 8601); null before the first answer. */
  updatedAt: string | null;
  intervalSeconds: number;
  paused: boolean;
  refreshing: boolean;
  onRefresh: () => void;
};

/** "Updated 14:05:09 · every 15 s" and a Refresh button. */
export function RefreshStatus({ updatedAt, intervalSeconds, paused, refreshing, onRefresh }: RefreshStatusProps) {
  const id = useId();
  return (
    <div className={styles.refresh}>
      <span id={id} className={styles.updated}>
        {updatedAt ? (
          <>
            Updated{' '}
            <time dateTime={updatedAt} title={updatedAt}>
              {formatTime(updatedAt)}
            </time>
          </>
        ) : (
          'Not loaded yet'
        )}
        {' · '}
        {paused ? 'auto-refresh paused while the tab is hidden' : `refreshes every ${intervalSeconds} s`}
      </span>
      {/* Not disabled while refreshing: focus stays on it for the keyboard. */}
      <button type="button" className="button" onClick={onRefresh} aria-describedby={id} aria-busy={refreshing}>
        <svg className={styles.refreshIcon} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2.5v3h-3" />
        </svg>
        Refresh
      </button>
    </div>
  );
}
