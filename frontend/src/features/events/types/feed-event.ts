import type { EventsQuery } from '@/lib/gql/graphql';

/** One event as the feed holds it, whether it came from the query or the subscription. */
export type FeedEvent = EventsQuery['events']['edges'][number]['node'];

export type FeedRow = {
  event: FeedEvent;
  /** Set for rows from the query; rows pushed by the subscription have none. */
  cursor: string | null;
};
