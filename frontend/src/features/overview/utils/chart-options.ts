import type { ChartOption } from '@/components/echart';
import { severities, severityLabel } from '@/components/severity-badge';
import { countLabel, formatNumber } from '@/lib/format';
import type { Interval, Severity } from '@/lib/gql/graphql';

export type SeriesPoint = { timestamp: number; value: number; group?: string | null };
export type Count = { value: string; count: number };

/** Severity colours, as the severity badges use them. */
const severityColors: Record<Severity, string> = {
  CRITICAL: '#b91c1c',
  HIGH: '#ea580c',
  MEDIUM: '#eab308',
  LOW: '#3b82f6',
  INFO: '#94a3b8',
  UNKNOWN: '#cbd5e1',
};

const palette = ['#0d9488', '#2563eb', '#9333ea', '#ea580c', '#0891b2', '#65a30d', '#db2777', '#64748b'];

const axisLabel = { color: '#475569', fontSize: 11 };
const splitLine = { lineStyle: { color: '#eef2f6' } };

const bucketFormats: Record<Interval, Intl.DateTimeFormat> = {
  HOUR: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  DAY: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }),
  MONTH: new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' }),
};

/** A bucket's start as the axis shows it. */
export function bucketLabel(timestamp: number, interval: Interval): string {
  return bucketFormats[interval].format(new Date(timestamp));
}

function asSeverity(group: string | null | undefined): Severity | null {
  const upper = (group ?? '').toUpperCase();
  return (severities as string[]).includes(upper) ? (upper as Severity) : null;
}

/** Events per bucket, one stacked series per severity (highest on top). */
export function severityStackOption(points: SeriesPoint[], interval: Interval): ChartOption {
  const times = [...new Set(points.map((p) => p.timestamp))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const groups = new Map<string, number[]>();
  for (const point of points) {
    const name = point.group ?? 'Events';
    const values = groups.get(name) ?? times.map(() => 0);
    values[index.get(point.timestamp)!]! += point.value;
    groups.set(name, values);
  }
  // Lowest severity first, so the stack puts the worst on top; other groups after.
  const names = [...groups.keys()].sort((a, b) => rank(b) - rank(a) || a.localeCompare(b));
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    legend: { top: 0, left: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: times.map((t) => bucketLabel(t, interval)),
      axisLabel,
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel, splitLine },
    series: names.map((name) => {
      const severity = asSeverity(name);
      return {
        type: 'bar',
        name: severity ? severityLabel(severity) : name,
        stack: 'events',
        barMaxWidth: 28,
        itemStyle: severity ? { color: severityColors[severity] } : {},
        data: groups.get(name)!,
      };
    }),
  };
}

function rank(group: string): number {
  const severity = asSeverity(group);
  return severity ? severities.indexOf(severity) : -1;
}

/** One value per bucket as a filled line, e.g. threats over time. */
export function lineOption(points: SeriesPoint[], interval: Interval, name: string, color: string): ChartOption {
  const sorted = [...points].sort((a, b) => a.timestamp - b.timestamp);
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: sorted.map((p) => bucketLabel(p.timestamp, interval)),
      axisLabel,
      boundaryGap: false,
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel, splitLine },
    series: [
      {
        type: 'line',
        name,
        data: sorted.map((p) => p.value),
        smooth: false,
        symbolSize: 5,
        lineStyle: { color, width: 2 },
        itemStyle: { color },
        areaStyle: { color, opacity: 0.12 },
      },
    ],
  };
}

/** The largest counts as horizontal bars, largest at the top. */
export function topBarsOption(counts: Count[], name: string, color: string): ChartOption {
  const top = [...counts]
    .sort((a, b) => b.count - a.count)
    .slice(0, 10)
    .reverse();
  return {
    animation: false,
    grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: {
      type: 'category',
      data: top.map((c) => c.value),
      axisLabel: { ...axisLabel, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        name,
        data: top.map((c) => c.count),
        barMaxWidth: 18,
        itemStyle: { color, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', fontSize: 11, color: '#475569' },
      },
    ],
  };
}

/** Shares of a whole as a donut, with a legend. */
export function donutOption(counts: Count[], name: string): ChartOption {
  return {
    animation: false,
    color: palette,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'pie',
        name,
        radius: ['48%', '76%'],
        center: ['32%', '50%'],
        avoidLabelOverlap: true,
        label: { show: false },
        data: counts.map((c) => ({ name: c.value, value: c.count })),
      },
    ],
  };
}

/** "Top users: alice (12 events), bob (7 events), …" for screen readers. */
export function countsSummary(title: string, counts: Count[], unit = 'event'): string {
  if (counts.length === 0) return `${title}: none.`;
  return `${title}: ${counts
    .slice(0, 5)
    .map((c) => `${c.value} (${countLabel(c.count, unit)})`)
    .join(', ')}${counts.length > 5 ? ', …' : ''}.`;
}

/** "Events per day, 1,234 in total, the most (56) on Nov 22." */
export function seriesSummary(title: string, points: SeriesPoint[], interval: Interval): string {
  const byTime = new Map<number, number>();
  for (const p of points) byTime.set(p.timestamp, (byTime.get(p.timestamp) ?? 0) + p.value);
  const total = [...byTime.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return `${title}: none in this period.`;
  const [peakTime, peak] = [...byTime.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return `${title}: ${formatNumber(total)} in total, the most (${formatNumber(peak)}) in the bucket from ${bucketLabel(peakTime, interval)}.`;
}
