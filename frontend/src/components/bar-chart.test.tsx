import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BarChart, niceCeiling, stepLabel } from '@/components/bar-chart';

const from = '2026-11-22T11:00:00Z';
const to = '2026-11-22T12:00:00Z';

function bars(chart: HTMLElement) {
  return [...chart.querySelectorAll('[data-bar]')];
}

describe('BarChart', () => {
  it('draws one bar per point, with a tooltip each and a summary for screen readers', () => {
    const points = [
      { time: '2026-11-22T11:05:00Z', value: 3 },
      { time: '2026-11-22T11:34:00Z', value: 56 },
      { time: '2026-11-22T11:59:00Z', value: 1 },
    ];
    render(
      <BarChart
        title="Events"
        unit="events"
        unitSingular="event"
        from={from}
        to={to}
        stepSeconds={60}
        points={points}
      />,
    );

    const chart = screen.getByRole('img', { name: /^Events per minute from .+ to .+: 60 events in total/ });
    expect(chart).toHaveAccessibleName(expect.stringMatching(/the most \(56\) in the minute from/));
    expect(bars(chart)).toHaveLength(3);
    expect(bars(chart).map((bar) => bar.querySelector('title')?.textContent)).toEqual([
      expect.stringMatching(/: 3 events$/),
      expect.stringMatching(/: 56 events$/),
      expect.stringMatching(/: 1 event$/),
    ]);
    // The tallest bar reaches the top of the scale, which is rounded up to 100.
    expect(chart).toHaveTextContent('100');
  });

  it('places bars by time, leaving gaps for steps without data', () => {
    const points = [
      { time: '2026-11-22T11:00:00Z', value: 1 },
      { time: '2026-11-22T11:30:00Z', value: 1 },
    ];
    render(
      <BarChart
        title="Events"
        unit="events"
        unitSingular="event"
        from={from}
        to={to}
        stepSeconds={60}
        points={points}
      />,
    );

    const [first, second] = bars(screen.getByRole('img')).map((bar) =>
      Number(bar.querySelector('rect')!.getAttribute('x')),
    );
    const [start, end] = [48, 800 - 8];
    expect(first).toBeCloseTo(start);
    expect(second).toBeCloseTo(start + (end - start) / 2);
  });

  it('says when there is nothing to show', () => {
    render(
      <BarChart title="Events" unit="events" unitSingular="event" from={from} to={to} stepSeconds={420} points={[]} />,
    );

    expect(screen.getByRole('img', { name: /^Events per 7 minutes from .+: no events\.$/ })).toHaveTextContent(
      'No events in this period',
    );
  });
});

describe('niceCeiling', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [56, 100],
    [100, 100],
    [101, 200],
    [1_999, 2_000],
  ])('%d → %d', (value, want) => {
    expect(niceCeiling(value)).toBe(want);
  });
});

describe('stepLabel', () => {
  it.each([
    [60, 'minute'],
    [420, '7 minutes'],
    [3600, 'hour'],
    [7200, '2 hours'],
  ])('%d s is "%s"', (seconds, want) => {
    expect(stepLabel(seconds)).toBe(want);
  });
});
