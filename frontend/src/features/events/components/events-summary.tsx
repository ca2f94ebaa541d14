import styles from './events-summary.module.css';

const numberFormat = new Intl.NumberFormat();

type EventsSummaryProps = {
  totalCount: number | null;
  newEventCount: number;
  onShowNew: () => void;
};

export function EventsSummary({ totalCount, newEventCount, onShowNew }: EventsSummaryProps) {
  return (
    <div className={styles.summary}>
      <p className={styles.count} aria-live="polite">
        {totalCount === null ? '\u00a0' : `${numberFormat.format(totalCount)} ${totalCount === 1 ? 'event' : 'events'}`}
      </p>
      {newEventCount > 0 && (
        <button type="button" className={`button button-primary ${styles.newEvents}`} onClick={onShowNew}>
          {numberFormat.format(newEventCount)} new {newEventCount === 1 ? 'event' : 'events'} — show
        </button>
      )}
    </div>
  );
}
