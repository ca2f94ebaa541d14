import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { EventIngestedSubscription, EventsQuery } from '@/features/events/api/events-documents';
import type { FeedRow } from '@/features/events/types/feed-event';
import { matchesFilter } from '@/features/events/utils/event-filter';
import {
  addLiveEvent,
  emptyLiveEvents,
  mergeFirstPage,
  pruneLiveEvents,
  type LiveEvents,
} from '@/features/events/utils/live-events';
import type { EventFilter } from '@/lib/gql/graphql';
import { errorMessage } from '@/lib/graphql-errors';

type FeedOptions = {
  filter: EventFilter | undefined;
  pageSize: number;
};

export type EventsFeed = {
  rows: FeedRow[];
  /** Events matching the filter, counting those pushed live on the first page. */
  totalCount: number | null;
  /** 1-based. */
  page: number;
  loading: boolean;
  /** True while a page is reloading and the rows shown are the previous ones. */
  stale: boolean;
  error: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Events that arrived while a later page was shown. */
  newEventCount: number;
  nextPage: () => void;
  previousPage: () => void;
  firstPage: () => void;
  retry: () => void;
};

/**
 * A page of events, newest first, kept live: on the first page events from the
 * subscription are put on top; on later pages they are only counted.
 */
export function useEventsFeed({ filter, pageSize }: FeedOptions): EventsFeed {
  const queryKey = JSON.stringify([filter ?? null, pageSize]);
  // Cursors of the pages before the current one; forward-only pagination
  // means going back is popping this stack.
  const [paging, setPaging] = useState({ queryKey, afters: [] as string[] });
  const afters = paging.queryKey === queryKey ? paging.afters : [];
  if (paging.queryKey !== queryKey) setPaging({ queryKey, afters: [] });

  const after = afters.at(-1) ?? null;
  const pageKey = `${queryKey}:${after ?? ''}`;
  const onFirstPage = after === null;

  const [result, reexecute] = useQuery({
    query: EventsQuery,
    variables: { filter, first: pageSize, after },
    requestPolicy: 'cache-and-network',
  });

  const { events: liveEvents, prune } = useLiveEvents(filter, pageKey);

  const connection = result.data?.events;
  const loaded = useMemo<FeedRow[]>(
    () => connection?.edges.map((edge) => ({ event: edge.node, cursor: edge.cursor })) ?? [],
    [connection],
  );

  useEffect(() => {
    if (connection) prune(new Set(connection.edges.map((edge) => edge.node.id)));
  }, [connection, prune]);

  const merged = onFirstPage ? mergeFirstPage(loaded, liveEvents, pageSize) : null;
  const rows = merged ? merged.rows : loaded;
  const lastRow = rows.at(-1);
  const nextCursor = lastRow?.cursor ?? null;
  const fullOfLiveEvents = rows.length > 0 && nextCursor === null;

  // A first page made only of pushed events has no cursor to continue from;
  // reloading it brings those events back with cursors. Once per batch of
  // events, so a server that lags behind its own stream is not hammered.
  const reloadedAtCount = useRef<number | null>(null);
  const needsReload = fullOfLiveEvents && rows.length >= pageSize;
  useEffect(() => {
    if (!needsReload || result.fetching || reloadedAtCount.current === liveEvents.count) return;
    reloadedAtCount.current = liveEvents.count;
    reexecute({ requestPolicy: 'network-only' });
  }, [needsReload, liveEvents.count, result.fetching, reexecute]);

  const hasNextPage =
    Boolean(connection && (connection.pageInfo.hasNextPage || merged?.trimmed)) && nextCursor !== null;

  return {
    rows,
    totalCount: connection ? connection.totalCount + (merged?.added ?? 0) : null,
    page: afters.length + 1,
    loading: !connection && result.fetching,
    stale: Boolean(connection) && result.fetching,
    error: result.error ? errorMessage(result.error) : null,
    hasNextPage,
    hasPreviousPage: afters.length > 0,
    newEventCount: onFirstPage ? 0 : liveEvents.count,
    nextPage() {
      if (nextCursor !== null) setPaging({ queryKey, afters: [...afters, nextCursor] });
    },
    previousPage() {
      setPaging({ queryKey, afters: afters.slice(0, -1) });
    },
    firstPage() {
      setPaging({ queryKey, afters: [] });
    },
    retry() {
      reexecute({ requestPolicy: 'network-only' });
    },
  };
}

/** Collects subscription events that match the filter, for the page identified by pageKey. */
function useLiveEvents(filter: EventFilter | undefined, pageKey: string) {
  const client = useClient();
  const [state, setState] = useState<LiveEvents>(() => emptyLiveEvents(pageKey));
  const current = useRef({ filter, pageKey });

  useEffect(() => {
    current.current = { filter, pageKey };
  }, [filter, pageKey]);

  useEffect(() => {
    const { unsubscribe } = client.subscription(EventIngestedSubscription, {}).subscribe((result) => {
      const event = result.data?.eventIngested;
      if (!event || !matchesFilter(event, current.current.filter)) return;
      setState((previous) => addLiveEvent(previous, current.current.pageKey, event));
    });
    return unsubscribe;
  }, [client]);

  const prune = useMemo(() => (ids: ReadonlySet<string>) => setState((previous) => pruneLiveEvents(previous, ids)), []);

  return { events: state.key === pageKey ? state : emptyLiveEvents(pageKey), prune };
}
