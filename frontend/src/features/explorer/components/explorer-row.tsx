import { SeverityBadge } from '@/components/severity-badge';
import { Missing } from '@/components/data-table';
import { RiskScore, QualityScore, DupBadge } from '@/features/explorer/components/scores';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './explorer.module.css';

export const ExplorerRowFragment = graphql(`
  fragment ExplorerRow_event on SecurityEvent {
    id
    time
    severity
    classUid
    className
    message
    srcIp
    srcPort
    dstIp
    dstPort
    user
    riskScore
    quality
    dupCount
    threatMatches {
      value
    }
  }
`);

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

type ExplorerRowProps = {
  event: FragmentType<typeof ExplorerRowFragment>;
  selected: boolean;
  onOpen: (id: string) => void;
};

export function ExplorerRow(props: ExplorerRowProps) {
  const event = getFragmentData(ExplorerRowFragment, props.event);
  return (
    <tr
      className={props.selected ? styles.selectedRow : undefined}
      data-event-id={event.id}
      aria-selected={props.selected || undefined}
      onClick={(e) => {
        // The message button handles its own click (and the keyboard).
        if (!(e.target instanceof HTMLElement && e.target.closest('button'))) props.onOpen(event.id);
      }}
    >
      <td className={styles.time}>
        <time dateTime={event.time} title={event.time}>
          <span className={styles.timeDay}>{dayFormat.format(new Date(event.time))}</span>
          <span>{clockFormat.format(new Date(event.time))}</span>
        </time>
      </td>
      <td>
        <SeverityBadge severity={event.severity} />
      </td>
      <td className={styles.message}>
        <button
          type="button"
          className={styles.messageButton}
          title={event.message}
          onClick={() => props.onOpen(event.id)}
          aria-haspopup="dialog"
        >
          {event.threatMatches.length > 0 && (
            <span className={styles.threatMark} title="Matched a threat indicator">
              Threat
            </span>
          )}
          {event.message || '(no message)'}
        </button>
        <span className={styles.classLine}>{event.className}</span>
      </td>
      <td className={`${styles.mono} ${styles.endpointCell}`}>
        <span className={styles.endpointLine}>
          <Endpoint ip={event.srcIp} port={event.srcPort} />
        </span>
        <span className={styles.endpointLine}>
          <span className={styles.arrow} aria-label="to">
            {' → '}
          </span>
          <Endpoint ip={event.dstIp} port={event.dstPort} />
        </span>
      </td>
      <td className={styles.userCell} title={event.user ?? undefined}>
        {event.user ?? <Missing />}
      </td>
      <td className={styles.numeric}>
        <RiskScore value={event.riskScore} />
      </td>
      <td className={styles.numeric}>
        <QualityScore value={event.quality} />
      </td>
      <td className={styles.numeric}>
        <DupBadge count={event.dupCount} />
      </td>
    </tr>
  );
}

function Endpoint({ ip, port }: { ip: string | null | undefined; port: number | null | undefined }) {
  if (!ip) return <Missing />;
  return <>{port ? (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : ip}</>;
}
