import type { SourceHealth } from '@/features/sources/types/source-health';

/** Seen less than this long ago: Live. */
export const LIVE_WITHIN_MS = 5 * 60_000;
/** Seen less than this long ago (and not Live): Quiet. Anything older is Silent. */
export const QUIET_WITHIN_MS = 60 * 60_000;

/** A source's health from its last-seen time, as of nowMs. */
export function sourceHealth(lastSeen: string, nowMs: number): SourceHealth {
  const age = nowMs - Date.parse(lastSeen);
  if (age < LIVE_WITHIN_MS) return 'live';
  if (age < QUIET_WITHIN_MS) return 'quiet';
  return 'silent';
}
