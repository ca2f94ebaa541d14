import type { EventFilterState } from '@/features/events/types/event-filter';
import type { EventFilter, Severity } from '@/lib/gql/graphql';

/** The GraphQL filter for the given state; undefined when nothing is filtered. */
export function toEventFilter(state: EventFilterState): EventFilter | undefined {
  const filter: EventFilter = {};
  if (state.severities.length > 0) filter.severity = [...state.severities].sort();
  if (state.host.trim()) filter.host = state.host.trim();
  if (state.search.trim()) filter.search = state.search.trim();
  return Object.keys(filter).length > 0 ? filter : undefined;
}

export function isFiltered(state: EventFilterState): boolean {
  return toEventFilter(state) !== undefined;
}

type Matchable = { severity: Severity; host?: string | null; message: string };

/**
 * Whether an event pushed by the subscription belongs in the filtered list,
 * with the server's EventFilter semantics: severity is any of, host is equal,
 * search is a case-insensitive substring of the message.
 */
export function matchesFilter(event: Matchable, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.severity && filter.severity.length > 0 && !filter.severity.includes(event.severity)) return false;
  if (filter.host && event.host !== filter.host) return false;
  if (filter.search && !event.message.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}
