import { useId } from 'react';
import { BarChart, stepLabel } from '@/components/bar-chart';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './sources.module.css';

export const IngestChartFragment = graphql(`
  fragment IngestChart_stats on IngestStats {
    from
    to
    stepSeconds
    series {
      time
      events
    }
  }
`);

/** Events per step of the period, as bars. */
export function IngestChart(props: { stats: FragmentType<typeof IngestChartFragment> }) {
  const stats = getFragmentData(IngestChartFragment, props.stats);
  const id = useId();
  return (
    <figure className={styles.card} aria-labelledby={id}>
      <figcaption id={id} className={styles.cardTitle}>
        Events per {stepLabel(stats.stepSeconds)}
      </figcaption>
      <BarChart
        title="Events"
        unit="events"
        unitSingular="event"
        from={stats.from}
        to={stats.to}
        stepSeconds={stats.stepSeconds}
        points={stats.series.map((point) => ({ time: point.time, value: point.events }))}
      />
    </figure>
  );
}
