import { graphql } from '@/lib/gql/gql';

// Both documents select what the feed logic needs (id, and the fields the
// filter matches on) beside the fragment the table row renders.

export const EventsQuery = graphql(`
  query Events($filter: EventFilter, $first: Int!, $after: String) {
    events(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          severity
          host
          message
          ...EventRow_event
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const EventIngestedSubscription = graphql(`
  subscription EventIngested {
    eventIngested {
      id
      severity
      host
      message
      ...EventRow_event
    }
  }
`);
