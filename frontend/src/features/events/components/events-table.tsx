import { DataTable } from '@/components/data-table';
import { EventRow } from '@/features/events/components/event-row';
import type { FeedRow } from '@/features/events/types/feed-event';

type EventsTableProps = {
  rows: FeedRow[];
  busy: boolean;
};

export function EventsTable({ rows, busy }: EventsTableProps) {
  return (
    <DataTable
      caption="Events"
      busy={busy}
      head={
        <>
          <th scope="col">Time</th>
          <th scope="col">Severity</th>
          <th scope="col">Host</th>
          <th scope="col">Source type</th>
          <th scope="col">User</th>
          <th scope="col">Source IP</th>
          <th scope="col">Message</th>
        </>
      }
    >
      {rows.map((row) => (
        <EventRow key={row.event.id} event={row.event} fresh={row.cursor === null} />
      ))}
    </DataTable>
  );
}
