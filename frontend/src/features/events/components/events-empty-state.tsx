import { hecCurlExample } from '@/lib/hec-example';
import styles from './events-states.module.css';

type EventsEmptyStateProps = {
  filtered: boolean;
  onClearFilters: () => void;
};

export function EventsEmptyState({ filtered, onClearFilters }: EventsEmptyStateProps) {
  if (filtered) {
    return (
      <div className={styles.box}>
        <p className={styles.title}>No events match these filters.</p>
        <button type="button" className="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className={styles.box}>
      <p className={styles.title}>No events yet.</p>
      <p className={styles.text}>
        Send one to the HTTP Event Collector endpoint with one of your tenant&apos;s HEC tokens; it shows up here as
        soon as it is refined:
      </p>
      <pre className={styles.code} tabIndex={0} aria-label="Example request">
        {hecCurlExample(window.location.origin, '<token>', null)}
      </pre>
    </div>
  );
}
