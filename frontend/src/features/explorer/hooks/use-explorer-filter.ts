import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ExplorerFilterState } from '@/features/explorer/types/explorer-filter';
import {
  EVENT_PARAM,
  explorerFilterParams,
  parseExplorerFilter,
  toExplorerEventFilter,
} from '@/features/explorer/utils/explorer-filter';
import type { EventFilter } from '@/lib/gql/graphql';

export type ExplorerFilter = {
  /** The filter as the address bar holds it. */
  state: ExplorerFilterState;
  /** The GraphQL filter, with a preset range ending when the filter was last set or refreshed. */
  filter: EventFilter | undefined;
  /** The event open in the drawer. */
  eventId: string | null;
  setFilter: (next: ExplorerFilterState) => void;
  openEvent: (id: string | null) => void;
  /** Moves a preset range's end to now. */
  refresh: () => void;
};

/**
 * The explorer's filter and open event, kept in the address bar so a link
 * shows the same events, and Back undoes a filter change.
 */
export function useExplorerFilter(): ExplorerFilter {
  const [params, setParams] = useSearchParams();
  const eventId = params.get(EVENT_PARAM);
  const state = useMemo(() => parseExplorerFilter(params), [params]);
  const key = explorerFilterParams(state).toString();

  const [anchor, setAnchor] = useState(() => ({ key, now: Date.now() }));
  const now = anchor.key === key ? anchor.now : Date.now();
  if (anchor.key !== key) setAnchor({ key, now });
  const filter = useMemo(() => toExplorerEventFilter(state, now), [state, now]);

  const setFilter = useCallback(
    (next: ExplorerFilterState) => setParams(explorerFilterParams(next, eventId)),
    [setParams, eventId],
  );
  const openEvent = useCallback(
    (id: string | null) => setParams(explorerFilterParams(state, id), { replace: id === null }),
    [setParams, state],
  );
  const refresh = useCallback(() => setAnchor({ key, now: Date.now() }), [key]);

  return { state, filter, eventId, setFilter, openEvent, refresh };
}
