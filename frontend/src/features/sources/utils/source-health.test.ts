import { describe, expect, it } from 'vitest';
import { LIVE_WITHIN_MS, QUIET_WITHIN_MS, sourceHealth } from '@/features/sources/utils/source-health';

const now = Date.parse('2026-11-22T12:00:00Z');
const seenAgo = (ms: number) => new Date(now - ms).toISOString();

describe('sourceHealth', () => {
  it.each([
    ['just now', 0, 'live'],
    ['a moment in the future (clocks differ)', -5_000, 'live'],
    ['1 ms before 5 minutes', LIVE_WITHIN_MS - 1, 'live'],
    ['exactly 5 minutes', LIVE_WITHIN_MS, 'quiet'],
    ['30 minutes', 30 * 60_000, 'quiet'],
    ['1 ms before an hour', QUIET_WITHIN_MS - 1, 'quiet'],
    ['exactly an hour', QUIET_WITHIN_MS, 'silent'],
    ['three days', 3 * 24 * 3_600_000, 'silent'],
  ] as const)('%s ago is %s', (_name, age, want) => {
    expect(sourceHealth(seenAgo(age), now)).toBe(want);
  });

  it('uses 5 minutes and 1 hour', () => {
    expect(LIVE_WITHIN_MS).toBe(300_000);
    expect(QUIET_WITHIN_MS).toBe(3_600_000);
  });
});
