import { useCallback, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { IngestSourcesQuery, IngestStatsQuery } from '@/features/sources/api/sources-documents';
import type { PeriodId } from '@/features/sources/types/period';
import { periodRange } from '@/features/sources/utils/period';
import { usePolledQuery } from '@/lib/use-polled-query';

/**
 * The tenant's sources and the ingest statistics of a period ending now.
 * refresh() loads both again, with the period ending at the new now.
 */
export function useSourcesOverview(periodId: PeriodId) {
  const [now, setNow] = useState(() => Date.now());
  const range = useMemo(() => periodRange(periodId, now), [periodId, now]);

  const [sources, reexecuteSources] = useQuery({ query: IngestSourcesQuery, requestPolicy: 'cache-and-network' });
  // A new range is a new request: the stats need no reexecute of their own.
  const stats = usePolledQuery(IngestStatsQuery, range, 'IngestStats');

  const refresh = useCallback(() => {
    setNow(Date.now());
    reexecuteSources({ requestPolicy: 'network-only' });
  }, [reexecuteSources]);

  return {
    sources,
    stats,
    /** The instant of the last refresh: health and "… ago" count from it. */
    now,
    /** The end of the range whose statistics are shown: when the data is from. */
    updatedAt: stats.dataVariables?.to ?? null,
    fetching: sources.fetching || stats.fetching,
    refresh,
  };
}
