import { useId, useMemo, type ReactNode } from 'react';
import { EChart } from '@/components/echart';
import {
  countsSummary,
  donutOption,
  lineOption,
  seriesSummary,
  severityStackOption,
  topBarsOption,
  type Count,
  type SeriesPoint,
} from '@/features/overview/utils/chart-options';
import type { Interval, OverviewQuery } from '@/lib/gql/graphql';
import styles from './overview.module.css';

type OverviewChartsProps = {
  metrics: OverviewQuery['metrics'];
  eventsBySeverity: SeriesPoint[];
  threats: SeriesPoint[];
  interval: Interval;
};

const intervalNames: Record<Interval, string> = { HOUR: 'hour', DAY: 'day', MONTH: 'month' };

export function OverviewCharts({ metrics, eventsBySeverity, threats, interval }: OverviewChartsProps) {
  const per = intervalNames[interval];
  const options = useMemo(
    () => ({
      events: severityStackOption(eventsBySeverity, interval),
      threats: lineOption(threats, interval, 'Threats', '#b91c1c'),
      byClass: donutOption(metrics.byClass, 'Events'),
      talkers: topBarsOption(metrics.topTalkers, 'Events', '#2563eb'),
      users: topBarsOption(metrics.topUsers, 'Events', '#0d9488'),
      countries: topBarsOption(metrics.topCountries, 'Events', '#9333ea'),
    }),
    [eventsBySeverity, threats, interval, metrics],
  );
  return (
    <div className={styles.charts}>
      <ChartCard title={`Events per ${per} by severity`} wide>
        <EChart
          option={options.events}
          height={280}
          label={seriesSummary(`Events per ${per}`, eventsBySeverity, interval)}
        />
      </ChartCard>
      <ChartCard title={`Threats per ${per}`}>
        <EChart option={options.threats} label={seriesSummary(`Threats per ${per}`, threats, interval)} />
      </ChartCard>
      <ChartCard title="Events by class">
        <Counted counts={metrics.byClass}>
          <EChart option={options.byClass} label={countsSummary('Events by class', metrics.byClass)} />
        </Counted>
      </ChartCard>
      <ChartCard title="Top talkers (source IPs)">
        <Counted counts={metrics.topTalkers}>
          <EChart option={options.talkers} label={countsSummary('Top talkers', metrics.topTalkers)} />
        </Counted>
      </ChartCard>
      <ChartCard title="Top users">
        <Counted counts={metrics.topUsers}>
          <EChart option={options.users} label={countsSummary('Top users', metrics.topUsers)} />
        </Counted>
      </ChartCard>
      <ChartCard title="Top countries">
        <Counted counts={metrics.topCountries}>
          <EChart option={options.countries} label={countsSummary('Top countries', metrics.topCountries)} />
        </Counted>
      </ChartCard>
    </div>
  );
}

function ChartCard({ title, wide = false, children }: { title: string; wide?: boolean; children: ReactNode }) {
  const id = useId();
  return (
    <figure className={wide ? `${styles.card} ${styles.wide}` : styles.card} aria-labelledby={id}>
      <figcaption id={id} className={styles.cardTitle}>
        {title}
      </figcaption>
      {children}
    </figure>
  );
}

/** The chart, or a note when there is nothing to draw. */
function Counted({ counts, children }: { counts: Count[]; children: ReactNode }) {
  if (counts.length === 0) return <p className={styles.cardEmpty}>Nothing recorded in this period.</p>;
  return children;
}
