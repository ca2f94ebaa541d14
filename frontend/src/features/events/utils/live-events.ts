import type { FeedEvent, FeedRow } from '@/features/events/types/feed-event';

/** Events pushed by the subscription since the page was loaded, newest first. */
export type LiveEvents = {
  /** Identifies the page (filter, size, cursor) these events were collected for. */
  key: string;
  /** The newest events, at most MAX_LIVE_EVENTS of them. */
  events: FeedEvent[];
  /** How many arrived, including those no longer kept in events. */
  count: number;
};

/** The largest page size: more live events than this are never shown at once. */
export const MAX_LIVE_EVENTS = 100;

export function emptyLiveEvents(key: string): LiveEvents {
  return { key, events: [], count: 0 };
}

/** Adds an event, starting afresh if the page changed, ignoring one already held. */
export function addLiveEvent(state: LiveEvents, key: string, event: FeedEvent): LiveEvents {
  const current = state.key === key ? state : emptyLiveEvents(key);
  if (current.events.some((held) => held.id === event.id)) return current;
  return {
    key,
    events: [event, ...current.events].slice(0, MAX_LIVE_EVENTS),
    count: current.count + 1,
  };
}

/** Drops the events that a freshly loaded page already contains. */
export function pruneLiveEvents(state: LiveEvents, loadedIds: ReadonlySet<string>): LiveEvents {
  const events = state.events.filter((event) => !loadedIds.has(event.id));
  if (events.length === state.events.length) return state;
  return { ...state, events, count: events.length };
}

export type FirstPage = {
  rows: FeedRow[];
  /** Live events not in the loaded page: added to its total count. */
  added: number;
  /** Whether loaded rows had to be trimmed to keep the page size. */
  trimmed: boolean;
};

/** The first page with live events on top, deduplicated, trimmed to pageSize. */
export function mergeFirstPage(loaded: FeedRow[], live: LiveEvents, pageSize: number): FirstPage {
  const loadedIds = new Set(loaded.map((row) => row.event.id));
  const fresh = live.events.filter((event) => !loadedIds.has(event.id));
  const merged = [...fresh.map((event) => ({ event, cursor: null })), ...loaded];
  const rows = merged.slice(0, pageSize);
  return {
    rows,
    added: live.count - (live.events.length - fresh.length),
    trimmed: merged.length > rows.length && loaded.length > 0,
  };
}
