import { HealthBadge } from '@/features/sources/components/health-badge';
import { sourceHealth } from '@/features/sources/utils/source-health';
import { tableStyles } from '@/components/data-table';
import { IngestKindBadge } from '@/components/ingest-kind-badge';
import { RelativeTime } from '@/components/relative-time';
import { formatBytes, formatDateTime, formatNumber } from '@/lib/format';
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
  }
`);

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
    </tr>
  );
}
