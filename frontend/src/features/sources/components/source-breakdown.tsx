import { DataTable, tableStyles } from '@/components/data-table';
import { IngestKindBadge } from '@/components/ingest-kind-badge';
import { formatBytes, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './sources.module.css';

export const SourceBreakdownFragment = graphql(`
  fragment SourceBreakdown_stats on IngestStats {
    events
    sources {
      kind
      name
      events
      bytes
    }
  }
`);

const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

type SourceBreakdownProps = {
  stats: FragmentType<typeof SourceBreakdownFragment>;
  /** "the last hour" */
  phrase: string;
};

/** What each source sent in the period, busiest first. */
export function SourceBreakdown(props: SourceBreakdownProps) {
  const stats = getFragmentData(SourceBreakdownFragment, props.stats);
  const sources = [...stats.sources].sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
  return (
    <div>
      <h4 className={styles.subheading}>By source</h4>
      {sources.length === 0 ? (
        <p className={tableStyles.summary}>No source sent events in {props.phrase}.</p>
      ) : (
        <BreakdownTable sources={sources} total={stats.events} phrase={props.phrase} />
      )}
    </div>
  );
}

type BreakdownTableProps = {
  sources: { kind: string; name: string; events: number; bytes: number }[];
  total: number;
  phrase: string;
};

function BreakdownTable({ sources, total, phrase }: BreakdownTableProps) {
  return (
    <DataTable
      caption={`Sources in ${phrase}`}
      head={
        <>
          <th scope="col">Kind</th>
          <th scope="col">Name</th>
          <th scope="col" className={styles.number}>
            Events
          </th>
          <th scope="col" className={styles.number}>
            Share
          </th>
          <th scope="col" className={styles.number}>
            Bytes
          </th>
        </>
      }
    >
      {sources.map((source) => {
        const share = total > 0 ? source.events / total : 0;
        return (
          <tr key={`${source.kind}:${source.name}`}>
            <td>
              <IngestKindBadge kind={source.kind} />
            </td>
            <td className={`${tableStyles.mono} ${styles.name}`}>{source.name}</td>
            <td className={styles.number}>{formatNumber(source.events)}</td>
            <td className={styles.number}>
              <span className={styles.share}>
                <span className={styles.shareBar} aria-hidden="true">
                  <span style={{ width: `${Math.round(share * 100)}%` }} />
                </span>
                {percentFormat.format(share)}
              </span>
            </td>
            <td className={styles.number} title={`${formatNumber(source.bytes)} bytes`}>
              {formatBytes(source.bytes)}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
