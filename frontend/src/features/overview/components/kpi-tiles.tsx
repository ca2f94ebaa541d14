import { formatNumber } from '@/lib/format';
import type { OverviewQuery } from '@/lib/gql/graphql';
import styles from './overview.module.css';

type Metrics = Pick<OverviewQuery['metrics'], 'events' | 'threats' | 'criticalAlerts' | 'duplicates'>;

/** The period's totals, one tile each. */
export function KpiTiles({ metrics, phrase }: { metrics: Metrics; phrase: string }) {
  const tiles = [
    { label: 'Events', value: metrics.events, hint: 'distinct events', tone: 'neutral' },
    { label: 'Threats', value: metrics.threats, hint: 'matched a threat indicator', tone: 'danger' },
    { label: 'Critical alerts', value: metrics.criticalAlerts, hint: 'critical findings', tone: 'danger' },
    { label: 'Duplicates', value: metrics.duplicates, hint: 'identical copies folded in', tone: 'info' },
  ] as const;
  return (
    <dl className={styles.tiles} aria-label={`Totals in ${phrase}`}>
      {tiles.map((tile) => (
        <div key={tile.label} className={styles.tile} data-tone={tile.value > 0 ? tile.tone : 'neutral'}>
          <dt className={styles.tileLabel}>{tile.label}</dt>
          <dd className={styles.tileValue} data-kpi={tile.label}>
            {formatNumber(tile.value)}
          </dd>
          <dd className={styles.tileHint}>{tile.hint}</dd>
        </div>
      ))}
    </dl>
  );
}
