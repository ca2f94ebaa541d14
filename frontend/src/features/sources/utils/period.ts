import { periods, type Period, type PeriodId } from '@/features/sources/types/period';

export function periodById(id: PeriodId): Period {
  return periods.find((period) => period.id === id) ?? periods[0]!;
}

/**
 * The ingestStats range of a period ending at nowMs. Every refresh has a new
 * end, hence new variables: that is what makes urql ask the server again.
 */
export function periodRange(id: PeriodId, nowMs: number): { from: string; to: string } {
  return {
    from: new Date(nowMs - periodById(id).seconds * 1000).toISOString(),
    to: new Date(nowMs).toISOString(),
  };
}
