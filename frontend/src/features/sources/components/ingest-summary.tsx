import type { CombinedError } from '@urql/core';
import { IngestChart } from '@/features/sources/components/ingest-chart';
import { IngestTotals } from '@/features/sources/components/ingest-totals';
import { SourceBreakdown } from '@/features/sources/components/source-breakdown';
import { periods, type PeriodId } from '@/features/sources/types/period';
import { periodById } from '@/features/sources/utils/period';
import { PeriodPicker } from '@/components/period-picker';
import { ErrorState, LoadingState } from '@/components/query-state';
import type { IngestStatsQuery } from '@/lib/gql/graphql';
import styles from './sources.module.css';

type IngestSummaryProps = {
  period: PeriodId;
  onPeriodChange: (period: PeriodId) => void;
  stats: IngestStatsQuery['ingestStats'] | undefined;
  error: CombinedError | undefined;
  busy: boolean;
  onRetry: () => void;
};

/** What arrived in the chosen period: totals, events per step and per source. */
export function IngestSummary({ period, onPeriodChange, stats, error, busy, onRetry }: IngestSummaryProps) {
  const { phrase } = periodById(period);
  return (
    <section className={styles.summary} aria-labelledby="ingest-summary-title" aria-busy={busy || undefined}>
      <div className={styles.summaryHeader}>
        <h3 id="ingest-summary-title" className={styles.heading}>
          Ingest in {phrase}
        </h3>
        <PeriodPicker periods={periods} value={period} onChange={onPeriodChange} />
      </div>
      {!stats && error ? (
        <ErrorState error={error} what="Ingest statistics" onRetry={onRetry} />
      ) : !stats ? (
        <LoadingState label="Loading ingest statistics…" />
      ) : (
        <div className={styles.summaryBody}>
          <IngestTotals stats={stats} phrase={phrase} />
          <IngestChart stats={stats} />
          <SourceBreakdown stats={stats} phrase={phrase} />
        </div>
      )}
    </section>
  );
}
