import { describe, expect, it } from 'vitest';
import { periodRange } from '@/features/sources/utils/period';

describe('periodRange', () => {
  const now = Date.parse('2026-11-22T12:00:30.789Z');

  it.each([
    ['15m', '2026-11-22T11:45:30.789Z'],
    ['1h', '2026-11-22T11:00:30.789Z'],
    ['24h', '2026-11-21T12:00:30.789Z'],
    ['7d', '2026-11-15T12:00:30.789Z'],
  ] as const)('%s ends now', (period, from) => {
    expect(periodRange(period, now)).toEqual({ from, to: '2026-11-22T12:00:30.789Z' });
  });
});
