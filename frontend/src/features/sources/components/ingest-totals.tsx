import { Link } from 'react-router';
import { countLabel, formatBytes, formatDuration, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './sources.module.css';

export const IngestTotalsFragment = graphql(`
  fragment IngestTotals_stats on IngestStats {
    events
    bytes
    quarantined
    backlog
    backlogOldestSeconds
  }
`);

type IngestTotalsProps = {
  stats: FragmentType<typeof IngestTotalsFragment>;
  /** "the last hour" */
  phrase: string;
};

/** The period's totals as tiles, and the refine backlog as of now. */
export function IngestTotals(props: IngestTotalsProps) {
  const stats = getFragmentData(IngestTotalsFragment, props.stats);
  return (
    <dl className={styles.tiles} aria-label="Ingest totals">
      <div className={styles.tile}>
        <dt>Events</dt>
        <dd className={styles.tileValue}>{formatNumber(stats.events)}</dd>
        <dd className={styles.tileNote}>received in {props.phrase}</dd>
      </div>
      <div className={styles.tile}>
        <dt>Data</dt>
        <dd className={styles.tileValue} title={`${formatNumber(stats.bytes)} bytes`}>
          {formatBytes(stats.bytes)}
        </dd>
        <dd className={styles.tileNote}>raw bytes as received</dd>
      </div>
      <div className={styles.tile}>
        <dt>Quarantined</dt>
        <dd className={styles.tileValue} data-tone={stats.quarantined > 0 ? 'warning' : undefined}>
          {formatNumber(stats.quarantined)}
        </dd>
        <dd className={styles.tileNote}>
          {stats.quarantined > 0 ? (
            <Link to="/operator/quarantine">could not be refined: see why</Link>
          ) : (
            'records that could not be refined'
          )}
        </dd>
      </div>
      <div className={styles.tile}>
        <dt>Refine backlog</dt>
        <dd className={styles.tileValue}>{formatNumber(stats.backlog)}</dd>
        <dd className={styles.tileNote}>
          {stats.backlog > 0
            ? `${countLabel(stats.backlog, 'record')} waiting, the oldest for ${formatDuration(stats.backlogOldestSeconds)}`
            : 'nothing waiting now'}
        </dd>
      </div>
    </dl>
  );
}
