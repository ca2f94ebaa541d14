import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRelativeTime } from '@/lib/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [1024 * 1024 - 1, '1 MiB'],
    [92_412_334, '88 MiB'],
    [5 * 1024 ** 4, '5.0 TiB'],
  ])('%d bytes is %s', (bytes, want) => {
    expect(
      formatBytes(bytes)
        .replace(/[\s\u00a0\u202f]/g, ' ')
        .replace(/,/g, ''),
    ).toBe(want);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('counts seconds, minutes, hours and days back from now', () => {
    expect(formatRelativeTime(ago(0), now)).toBe('now');
    expect(formatRelativeTime(ago(14_000), now)).toBe('14 seconds ago');
    expect(formatRelativeTime(ago(2 * 60_000 + 59_000), now)).toBe('2 minutes ago');
    expect(formatRelativeTime(ago(3 * 3_600_000), now)).toBe('3 hours ago');
    expect(formatRelativeTime(ago(3 * 86_400_000), now)).toBe('3 days ago');
  });

  it('treats an instant a little ahead of now as now', () => {
    expect(formatRelativeTime(ago(-3_000), now)).toBe('now');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [4.2, '4 s'],
    [59, '59 s'],
    [60, '1 min'],
    [185, '3 min 5 s'],
    [7_800, '2 h 10 min'],
    [3 * 86_400 + 4 * 3_600 + 59, '3 d 4 h'],
  ])('%d seconds is %s', (seconds, want) => {
    expect(formatDuration(seconds)).toBe(want);
  });
});
