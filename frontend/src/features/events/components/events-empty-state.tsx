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
        {hecExample(window.location.origin)}
      </pre>
    </div>
  );
}

function hecExample(origin: string): string {
  return [
    `curl ${origin}/services/collector/event \\`,
    `  -H "Authorization: Splunk <token>" \\`,
    `  -d '{"event": {"message": "user login failed", "user": "alice", "severity": "high"},`,
    `       "host": "web-01", "sourcetype": "demo"}'`,
  ].join('\n');
}
