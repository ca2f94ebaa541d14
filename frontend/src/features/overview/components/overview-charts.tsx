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
import { ocsfClassLabel } from '@/lib/ocsf';
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
  const byClass = useMemo(
    () => metrics.byClass.map((c) => ({ value: ocsfClassLabel(c.value), count: c.count })),
    [metrics.byClass],
  );
  const anyThreat = threats.some((point) => point.value > 0);
  const options = useMemo(
    () => ({
      events: severityStackOption(eventsBySeverity, interval),
      threats: lineOption(threats, interval, 'Threats', '#b91c1c'),
      byClass: donutOption(byClass, 'Events'),
      talkers: topBarsOption(metrics.topTalkers, 'Events', '#2563eb'),
      users: topBarsOption(metrics.topUsers, 'Events', '#0d9488'),
      countries: topBarsOption(metrics.topCountries, 'Events', '#9333ea'),
    }),
    [eventsBySeverity, threats, interval, metrics, byClass],
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
      <ChartCard title={`Threats per ${per}`} wide>
        {anyThreat ? (
          <EChart
            option={options.threats}
            height={200}
            label={seriesSummary(`Threats per ${per}`, threats, interval)}
          />
        ) : (
          <p className={styles.cardEmpty}>No event matched a threat indicator in this period.</p>
        )}
      </ChartCard>
      <ChartCard title="Events by class">
        <Counted counts={byClass}>
          <EChart option={options.byClass} label={countsSummary('Events by class', byClass)} />
        </Counted>
      </ChartCard>
      <ChartCard title="Top countries">
        <Counted counts={metrics.topCountries}>
          <EChart option={options.countries} label={countsSummary('Top countries', metrics.topCountries)} />
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
