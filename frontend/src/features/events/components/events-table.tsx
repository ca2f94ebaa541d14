import { EventRow } from '@/features/events/components/event-row';
import type { FeedRow } from '@/features/events/types/feed-event';
import styles from './events-table.module.css';

type EventsTableProps = {
  rows: FeedRow[];
  busy: boolean;
};

export function EventsTable({ rows, busy }: EventsTableProps) {
  return (
    <div className={styles.scroller} tabIndex={0} role="region" aria-label="Events table, scrollable">
      <table className={styles.table} aria-busy={busy || undefined}>
        <caption className="visually-hidden">Events</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Host</th>
            <th scope="col">Source type</th>
            <th scope="col">User</th>
            <th scope="col">Source IP</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <EventRow key={row.event.id} event={row.event} fresh={row.cursor === null} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
