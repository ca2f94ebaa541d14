import styles from './events-states.module.css';

export function EventsLoading() {
  return (
    <div className={`${styles.box} ${styles.loading}`} role="status">
      <span className={styles.spinner} aria-hidden="true" />
      Loading events…
    </div>
  );
}

export function EventsError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className={`${styles.box} ${styles.error}`} role="alert">
      <p className={styles.title}>Events could not be loaded.</p>
      <p className={styles.text}>{message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
