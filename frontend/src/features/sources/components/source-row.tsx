import { Link } from 'react-router';
import { HealthBadge } from '@/features/sources/components/health-badge';
import { sourceHealth } from '@/features/sources/utils/source-health';
import { Missing, tableStyles } from '@/components/data-table';
import { IngestKindBadge } from '@/components/ingest-kind-badge';
import { RelativeTime } from '@/components/relative-time';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './sources.module.css';

export const SourceRowFragment = graphql(`
  fragment SourceRow_source on IngestSource {
    kind
    name
    firstSeen
    lastSeen
    eventsTotal
    bytesTotal
    quarantined
    pending
    lagSeconds
  }
`);

/** Records waiting longer than this for the refine stage are pointed out. */
export const LAG_WARNING_SECONDS = 60;

type SourceRowProps = {
  source: FragmentType<typeof SourceRowFragment>;
  /** The instant health and "… ago" count from. */
  now: number;
};

export function SourceRow(props: SourceRowProps) {
  const source = getFragmentData(SourceRowFragment, props.source);
  return (
    <tr>
      <td>
        <IngestKindBadge kind={source.kind} />
      </td>
      <td className={`${tableStyles.mono} ${styles.name}`}>{source.name}</td>
      <td>
        <HealthBadge health={sourceHealth(source.lastSeen, props.now)} />
      </td>
      <td className={tableStyles.muted}>
        <time dateTime={source.firstSeen} title={source.firstSeen}>
          {formatDateTime(source.firstSeen)}
        </time>
      </td>
      <td className={tableStyles.muted}>
        <RelativeTime iso={source.lastSeen} now={props.now} />
      </td>
      <td className={styles.number}>{formatNumber(source.eventsTotal)}</td>
      <td className={styles.number} title={`${formatNumber(source.bytesTotal)} bytes`}>
        {formatBytes(source.bytesTotal)}
      </td>
      <td className={styles.number}>
        {source.quarantined > 0 ? (
          <Link
            to="/operator/quarantine"
            className={styles.quarantined}
            aria-label={`${formatNumber(source.quarantined)} quarantined: see why`}
          >
            {formatNumber(source.quarantined)}
          </Link>
        ) : (
          <span className={tableStyles.muted}>0</span>
        )}
      </td>
      <td className={styles.number}>{formatNumber(source.pending)}</td>
      <td
        className={`${styles.number} ${source.lagSeconds > LAG_WARNING_SECONDS ? styles.lagging : ''}`}
        data-lagging={source.lagSeconds > LAG_WARNING_SECONDS || undefined}
        title={
          source.lagSeconds > 0
            ? `The oldest waiting record arrived ${formatDuration(source.lagSeconds)} ago`
            : undefined
        }
      >
        {source.pending > 0 || source.lagSeconds > 0 ? (
          formatDuration(source.lagSeconds)
        ) : (
          <Missing label="none waiting" />
        )}
      </td>
    </tr>
  );
}
