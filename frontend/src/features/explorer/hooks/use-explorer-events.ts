import { useCallback, useMemo, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { ExplorerEventsQuery } from '@/features/explorer/api/explorer-documents';
import type { EventFilter, ExplorerEventsQuery as ExplorerEventsResult } from '@/lib/gql/graphql';
import { errorMessage } from '@/lib/graphql-errors';
import type { CombinedError } from '@urql/core';

type Connection = ExplorerEventsResult['events'];
export type ExplorerEdge = Connection['edges'][number];

/** Pages loaded with "Load more" after the first, for one filter. */
type MorePages = { key: string; pages: Connection[]; loading: boolean; error: string | null };

export type ExplorerEvents = {
  edges: ExplorerEdge[];
  totalCount: number | null;
  totalCountExact: boolean;
  /** True until the first page arrives. */
  loading: boolean;
  /** True while the first page reloads over the rows shown. */
  refreshing: boolean;
  error: CombinedError | undefined;
  hasNextPage: boolean;
  loadingMore: boolean;
  loadMoreError: string | null;
  loadMore: () => void;
  retry: () => void;
};

/** Events matching the filter, newest first: a first page, then more on request with cursors. */
export function useExplorerEvents(filter: EventFilter | undefined, pageSize: number): ExplorerEvents {
  const key = JSON.stringify([filter ?? null, pageSize]);
  const client = useClient();
  const [result, reexecute] = useQuery({
    query: ExplorerEventsQuery,
    variables: { filter, first: pageSize, after: null },
    requestPolicy: 'cache-and-network',
  });
  const [more, setMore] = useState<MorePages>({ key, pages: [], loading: false, error: null });
  const current = more.key === key ? more : { key, pages: [], loading: false, error: null };

  const first = result.data?.events;
  const edges = useMemo(
    () => (first ? [first, ...current.pages].flatMap((page) => page.edges) : []),
    [first, current.pages],
  );
  const last = current.pages.at(-1) ?? first;
  const endCursor = last?.pageInfo.endCursor ?? null;

  const loadMore = useCallback(() => {
    if (!endCursor) return;
    setMore((previous) => ({ ...(previous.key === key ? previous : { key, pages: [] }), loading: true, error: null }));
    void client
      .query(ExplorerEventsQuery, { filter, first: pageSize, after: endCursor }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((answer) => {
        setMore((previous) => {
          if (previous.key !== key) return previous;
          const page = answer.data?.events;
          if (!page) {
            return { ...previous, loading: false, error: answer.error ? errorMessage(answer.error) : 'No answer.' };
          }
          return { key, pages: [...previous.pages, page], loading: false, error: null };
        });
      });
  }, [client, endCursor, filter, key, pageSize]);

  const retry = useCallback(() => {
    setMore({ key, pages: [], loading: false, error: null });
    reexecute({ requestPolicy: 'network-only' });
  }, [key, reexecute]);

  return {
    edges,
    totalCount: first?.totalCount ?? null,
    totalCountExact: first?.totalCountExact ?? true,
    loading: !first && result.fetching,
    refreshing: Boolean(first) && result.fetching,
    error: result.error,
    hasNextPage: Boolean(last?.pageInfo.hasNextPage && endCursor),
    loadingMore: current.loading,
    loadMoreError: current.error,
    loadMore,
    retry,
  };
}
