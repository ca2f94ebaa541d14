import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { OverviewQuery } from '@/features/overview/api/overview-documents';
import { KpiTiles } from '@/features/overview/components/kpi-tiles';
import { OverviewCharts } from '@/features/overview/components/overview-charts';
import { RiskiestUsers } from '@/features/overview/components/riskiest-users';
import { overviewPeriod, overviewPeriods, type OverviewPeriodId } from '@/features/overview/types/period';
import { PageHeader } from '@/components/page-header';
import { PeriodPicker } from '@/components/period-picker';
import { EmptyState, EmptyStateText, ErrorState, LoadingState } from '@/components/query-state';
import { formatTime } from '@/lib/format';
import styles from './overview.module.css';

/** /management: the tenant's security posture over a period, from Gold. */
export function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const period = overviewPeriod(params.get('period'));
  // The period ends when it was picked (or refreshed): fixed variables, so urql does not refetch on every render.
  const [anchor, setAnchor] = useState(() => ({ period: period.id, now: Date.now() }));
  const now = anchor.period === period.id ? anchor.now : Date.now();
  if (anchor.period !== period.id) setAnchor({ period: period.id, now });

  const variables = useMemo(
    () => ({
      from: new Date(now - period.ms).toISOString(),
      to: new Date(now).toISOString(),
      interval: period.interval,
    }),
    [now, period],
  );
  const [result, reexecute] = useQuery({ query: OverviewQuery, variables, requestPolicy: 'cache-and-network' });
  const data = result.data;
  const metrics = data?.metrics;

  function choose(id: OverviewPeriodId) {
    const next = new URLSearchParams(params);
    next.set('period', id);
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Overview"
        description="The tenant's security posture at a glance."
        documentTitle="Overview · Management"
        aside={
          <>
            <PeriodPicker periods={overviewPeriods} value={period.id} onChange={choose} />
            <button
              type="button"
              className="button"
              onClick={() => setAnchor({ period: period.id, now: Date.now() })}
              title={`Data up to ${formatTime(now)}`}
            >
              Refresh
            </button>
          </>
        }
      />
      {!data && result.error ? (
        <ErrorState
          error={result.error}
          what="The overview"
          onRetry={() => reexecute({ requestPolicy: 'network-only' })}
        />
      ) : !data || !metrics ? (
        <LoadingState label="Loading the overview…" />
      ) : (
        <div className={styles.page} aria-busy={result.fetching || undefined}>
          {result.error && (
            <p className="inline-alert" role="alert">
              Could not refresh the overview; showing the last figures.
            </p>
          )}
          <KpiTiles metrics={metrics} phrase={period.phrase} />
          {metrics.events === 0 && metrics.duplicates === 0 ? (
            <EmptyState title={`No events in ${period.phrase} yet.`}>
              <EmptyStateText>
                Charts appear here once events arrive and are summarized, a minute or so after ingest. Pick a longer
                period to see older data.
              </EmptyStateText>
            </EmptyState>
          ) : (
            <OverviewCharts
              metrics={metrics}
              eventsBySeverity={data.eventsBySeverity}
              threats={data.threats}
              interval={period.interval}
            />
          )}
          <RiskiestUsers />
        </div>
      )}
    </>
  );
}
