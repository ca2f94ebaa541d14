import type { Severity } from '@/lib/gql/graphql';

/** The filter as the user set it in the filter bar. Empty strings mean "any". */
export type EventFilterState = {
  severities: Severity[];
  host: string;
  search: string;
};

export const emptyEventFilter: EventFilterState = { severities: [], host: '', search: '' };
