import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { countLabel, formatNumber } from '@/lib/format';
import styles from './bar-chart.module.css';

export type BarChartPoint = {
  /** Start of the step, ISO 8601. */
  time: string;
  value: number;
};

type BarChartProps = {
  /** What the bars count, capitalised: "Events". Starts the accessible summary. */
  title: string;
  /** The counted things, plural: "events". */
  unit: string;
  /** The singular: "event". */
  unitSingular: string;
  /** The range shown, ISO 8601. */
  from: string;
  to: string;
  /** Width of a step in seconds. */
  stepSeconds: number;
  /** Steps with a value, oldest first; missing steps are gaps. */
  points: BarChartPoint[];
};

const HEIGHT = 180;
const MARGIN = { top: 10, right: 8, bottom: 24, left: 48 };
/** At most this many time labels, and at least this many pixels for each. */
const MAX_X_TICKS = 5;
const X_TICK_SPACING = 140;
const FALLBACK_WIDTH = 800;

const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/**
 * A bar per step over a time range, drawn in SVG at the width of its
 * container. Screen readers get a summary (role="img" and its aria-label);
 * pointers get a tooltip per bar.
 */
export function BarChart({ title, unit, unitSingular, from, to, stepSeconds, points }: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useContainerWidth(box);
  const stepMs = Math.max(1, stepSeconds) * 1000;
  const fromMs = Date.parse(from);
  const toMs = Math.max(Date.parse(to), fromMs + stepMs);
  // Steps are aligned (whole minutes), the range need not be: the first step
  // may start before `from` and the last end after `to`. The axis covers both.
  const starts = points.map((point) => Date.parse(point.time));
  const origin = Math.min(fromMs, ...starts);
  const end = Math.max(toMs, ...starts.map((start) => start + stepMs));
  const span = end - origin;

  const plotWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slotWidth = (plotWidth * stepMs) / span;
  const gap = slotWidth > 4 ? Math.max(1, slotWidth * 0.2) : 0;
  const barWidth = Math.max(1, slotWidth - gap);
  const top = niceCeiling(Math.max(0, ...points.map((point) => point.value)));
  const yTicks = top % 2 === 0 ? [0, top / 2, top] : [0, top];
  const x = (ms: number) => MARGIN.left + ((ms - origin) / span) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const formatTick = tickFormat(span);
  const xTicks = Math.max(2, Math.min(MAX_X_TICKS, Math.floor(plotWidth / X_TICK_SPACING) + 1));
  const stepName = stepLabel(stepSeconds);

  return (
    <div ref={box} className={styles.chart}>
      <svg
        className={styles.svg}
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={summary({ title, unit, unitSingular, stepName, from: fromMs, to: toMs, points, formatTick })}
      >
        {yTicks.map((tick) => (
          <g key={tick}>
            {tick > 0 && (
              <line className={styles.grid} x1={MARGIN.left} x2={width - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            )}
            <text className={styles.tick} x={MARGIN.left - 8} y={y(tick)} dy="0.32em" textAnchor="end">
              {compactFormat.format(tick)}
            </text>
          </g>
        ))}
        {Array.from({ length: xTicks }, (_, i) => origin + (span * i) / (xTicks - 1)).map((ms, i) => (
          <text
            key={ms}
            className={styles.tick}
            x={x(ms)}
            y={HEIGHT - 6}
            textAnchor={i === 0 ? 'start' : i === xTicks - 1 ? 'end' : 'middle'}
          >
            {formatTick(ms)}
          </text>
        ))}
        {points.map((point) => {
          const start = Date.parse(point.time);
          const left = x(start);
          const barTop = y(point.value);
          return (
            <g key={point.time} className={styles.column} data-bar="">
              <title>{`${formatTick(start)}–${formatTick(start + stepMs)}: ${countLabel(point.value, unitSingular, unit)}`}</title>
              <rect className={styles.hit} x={left} y={MARGIN.top} width={slotWidth} height={plotHeight} />
              <rect
                className={styles.bar}
                x={left + gap / 2}
                y={barTop}
                width={barWidth}
                // A step with a value shows at least a sliver.
                height={Math.max(point.value > 0 ? 1 : 0, MARGIN.top + plotHeight - barTop)}
              />
            </g>
          );
        })}
        <line
          className={styles.axis}
          x1={MARGIN.left}
          x2={width - MARGIN.right}
          y1={MARGIN.top + plotHeight}
          y2={MARGIN.top + plotHeight}
        />
        {points.length === 0 && (
          <text
            className={styles.empty}
            x={MARGIN.left + plotWidth / 2}
            y={MARGIN.top + plotHeight / 2}
            textAnchor="middle"
          >
            No {unit} in this period
          </text>
        )}
      </svg>
    </div>
  );
}

function useContainerWidth(ref: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      // jsdom measures 0: keep the fallback there.
      if (measured > 0) setWidth(measured);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** The smallest of 1, 2, 5, 10, 20, 50, … at or above value. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= value) return factor * magnitude;
  }
  return 10 * magnitude;
}

/** "minute", "7 minutes", "hour": the step as in "events per …". */
export function stepLabel(stepSeconds: number): string {
  if (stepSeconds % 3600 === 0) return stepSeconds === 3600 ? 'hour' : `${stepSeconds / 3600} hours`;
  if (stepSeconds % 60 === 0) return stepSeconds === 60 ? 'minute' : `${stepSeconds / 60} minutes`;
  return stepSeconds === 1 ? 'second' : `${stepSeconds} seconds`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function tickFormat(spanMs: number): (ms: number) => string {
  const format = spanMs <= 24 * 3_600_000 ? timeOfDay : dayAndTime;
  return (ms) => format.format(new Date(ms));
}

type SummaryInput = {
  title: string;
  unit: string;
  unitSingular: string;
  stepName: string;
  from: number;
  to: number;
  points: BarChartPoint[];
  formatTick: (ms: number) => string;
};

/** "Events per minute from 14:00 to 15:00: 1,234 events in total, the most (56) in the minute from 14:34." */
function summary({ title, unit, unitSingular, stepName, from, to, points, formatTick }: SummaryInput): string {
  const head = `${title} per ${stepName} from ${formatTick(from)} to ${formatTick(to)}`;
  const total = points.reduce((sum, point) => sum + point.value, 0);
  if (total === 0) return `${head}: no ${unit}.`;
  const peak = points.reduce((best, point) => (point.value > best.value ? point : best));
  return (
    `${head}: ${countLabel(total, unitSingular, unit)} in total, the most (${formatNumber(peak.value)}) ` +
    `in the ${stepName} from ${formatTick(Date.parse(peak.time))}.`
  );
}
