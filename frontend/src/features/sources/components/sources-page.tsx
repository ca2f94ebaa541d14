import { useState } from 'react';
import { HealthLegend } from '@/features/sources/components/health-legend';
import { IngestSummary } from '@/features/sources/components/ingest-summary';
import { RefreshStatus } from '@/features/sources/components/refresh-status';
import { SourcesEmptyState } from '@/features/sources/components/sources-empty-state';
import { SourcesTable } from '@/features/sources/components/sources-table';
import { useSourcesOverview } from '@/features/sources/hooks/use-sources-overview';
import { DEFAULT_PERIOD, type PeriodId } from '@/features/sources/types/period';
import { tableStyles } from '@/components/data-table';
import { ErrorState, ForbiddenState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { useAutoRefresh } from '@/lib/use-auto-refresh';
import styles from './sources.module.css';

const REFRESH_SECONDS = 15;

/** /operator/sources: the ingest summary of a period, and every source with its health. Refreshes itself. */
export function SourcesPage() {
  const [period, setPeriod] = useState<PeriodId>(DEFAULT_PERIOD);
  const overview = useSourcesOverview(period);
  const { sources, stats, refresh } = overview;
  const list = sources.data?.ingestSources;
  const forbidden = [sources.error, stats.error].some((error) => error && hasErrorCode(error, 'FORBIDDEN'));
  // Asking again every 15 s would not change the role's permissions.
  const { paused } = useAutoRefresh(refresh, REFRESH_SECONDS * 1000, !forbidden);
  // An error once the page has data: keep showing it, say the refresh failed.
  const refreshError = list ? (sources.error ?? (stats.data ? stats.error : undefined)) : undefined;

  function changePeriod(next: PeriodId) {
    setPeriod(next);
    refresh();
  }

  return (
    <section aria-labelledby="sources-title">
      <SectionHeader
        id="sources-title"
        title="Sources"
        description="HEC tokens and syslog listeners that sent events to this tenant, and what arrived."
        actions={
          !forbidden && (
            <RefreshStatus
              updatedAt={overview.updatedAt}
              intervalSeconds={REFRESH_SECONDS}
              paused={paused}
              refreshing={overview.fetching}
              onRefresh={refresh}
            />
          )
        }
      />
      {forbidden ? (
        <ForbiddenState />
      ) : !list && sources.error ? (
        <ErrorState error={sources.error} what="Sources" onRetry={refresh} />
      ) : !list ? (
        <LoadingState label="Loading sources…" />
      ) : list.length === 0 ? (
        <SourcesEmptyState />
      ) : (
        <>
          {refreshError && (
            <p className="inline-alert" role="alert">
              Could not refresh: {errorMessage(refreshError)}
            </p>
          )}
          <IngestSummary
            period={period}
            onPeriodChange={changePeriod}
            stats={stats.data?.ingestStats}
            error={stats.error}
            busy={stats.fetching}
            onRetry={refresh}
          />
          <section aria-labelledby="all-sources-title">
            <div className={styles.tableHeader}>
              <h3 id="all-sources-title" className={styles.heading}>
                All sources
              </h3>
              <p className={tableStyles.summary}>{countLabel(list.length, 'source')}, most recently seen first</p>
            </div>
            <SourcesTable sources={list} now={overview.now} busy={sources.fetching} />
            <HealthLegend />
          </section>
        </>
      )}
    </section>
  );
}
