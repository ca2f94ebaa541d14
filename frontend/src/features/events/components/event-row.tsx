import { Missing, tableStyles } from '@/components/data-table';
import { SeverityBadge } from '@/components/severity-badge';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './events-table.module.css';

export const EventRowFragment = graphql(`
  fragment EventRow_event on SecurityEvent {
    id
    time
    receivedAt
    host
    source
    sourcetype
    severity
    message
    user
    srcIp
    dstIp
    action
    bronzeId
  }
`);

const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

type EventRowProps = {
  event: FragmentType<typeof EventRowFragment>;
  /** Marks a row that was just pushed by the subscription. */
  fresh?: boolean;
};

export function EventRow(props: EventRowProps) {
  const event = getFragmentData(EventRowFragment, props.event);
  return (
    <tr className={props.fresh ? styles.fresh : undefined} data-event-id={event.id}>
      <td className={tableStyles.muted}>
        <time dateTime={event.time} title={event.time}>
          {timeFormat.format(new Date(event.time))}
        </time>
      </td>
      <td>
        <SeverityBadge severity={event.severity} />
      </td>
      <td className={tableStyles.mono}>{event.host ?? <Missing />}</td>
      <td className={tableStyles.mono}>{event.sourcetype ?? <Missing />}</td>
      <td>{event.user ?? <Missing />}</td>
      <td className={tableStyles.mono}>{event.srcIp ?? <Missing />}</td>
      <td className={styles.message} title={event.message}>
        {event.message}
      </td>
    </tr>
  );
}
