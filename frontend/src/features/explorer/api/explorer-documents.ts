import { graphql } from '@/lib/gql/gql';

// The route's queries compose the fragments of the components that render
// them (explorer-row.tsx, event-drawer.tsx, facet-sidebar.tsx).

export const ExplorerEventsQuery = graphql(`
  query ExplorerEvents($filter: EventFilter, $first: Int!, $after: String) {
    events(filter: $filter, first: $first, after: $after) {
      totalCount
      totalCountExact
      edges {
        cursor
        node {
          id
          ...ExplorerRow_event
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ExplorerFacetsQuery = graphql(`
  query ExplorerFacets($filter: EventFilter, $fields: [FacetField!]!, $limit: Int) {
    eventFacets(filter: $filter, fields: $fields, limit: $limit) {
      ...FacetSidebar_facets
    }
  }
`);

export const EventDetailQuery = graphql(`
  query EventDetail($id: ID!) {
    event(id: $id) {
      id
      ...EventDetail_event
    }
  }
`);
