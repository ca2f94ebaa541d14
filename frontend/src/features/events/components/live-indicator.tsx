import { useSocketStatus, type SocketStatus } from '@/lib/socket-status';
import styles from './live-indicator.module.css';

const labels: Record<SocketStatus, string> = {
  connecting: 'Connecting',
  live: 'Live',
  disconnected: 'Disconnected',
};

const descriptions: Record<SocketStatus, string> = {
  connecting: 'Connecting to the live event stream',
  live: 'New events appear as they arrive',
  disconnected: 'Not receiving new events; reconnecting automatically',
};

/** Shows whether new events are streaming in. */
export function LiveIndicator() {
  const status = useSocketStatus();
  return (
    <span
      className={`${styles.indicator} ${styles[status]}`}
      role="status"
      aria-label="Live updates"
      data-state={status}
      title={descriptions[status]}
    >
      <span className={styles.dot} aria-hidden="true" />
      {labels[status]}
    </span>
  );
}
