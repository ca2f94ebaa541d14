import type { Interval } from '@/lib/gql/graphql';

export type OverviewPeriodId = '24h' | '7d' | '30d' | '12m';

export type OverviewPeriod = {
  id: OverviewPeriodId;
  /** For the picker: "7 days". */
  label: string;
  /** For sentences: "the last 7 days". */
  phrase: string;
  ms: number;
  /** The bucket width of the charts over this period. */
  interval: Interval;
};

const DAY = 24 * 3_600_000;

export const overviewPeriods: OverviewPeriod[] = [
  { id: '24h', label: '24 hours', phrase: 'the last 24 hours', ms: DAY, interval: 'HOUR' },
  { id: '7d', label: '7 days', phrase: 'the last 7 days', ms: 7 * DAY, interval: 'DAY' },
  { id: '30d', label: '30 days', phrase: 'the last 30 days', ms: 30 * DAY, interval: 'DAY' },
  { id: '12m', label: '12 months', phrase: 'the last 12 months', ms: 365 * DAY, interval: 'MONTH' },
];

export const DEFAULT_OVERVIEW_PERIOD: OverviewPeriodId = '7d';

export function overviewPeriod(id: string | null): OverviewPeriod {
  return overviewPeriods.find((p) => p.id === id) ?? overviewPeriods.find((p) => p.id === DEFAULT_OVERVIEW_PERIOD)!;
}
