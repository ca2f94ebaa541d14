import { graphql } from '@/lib/gql/gql';

export const QuarantineQuery = graphql(`
  query Quarantine($first: Int!, $after: String) {
    quarantine(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          ...QuarantineRow_record
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ReprocessQuarantineMutation = graphql(`
  mutation ReprocessQuarantine($ids: [ID!]) {
    reprocessQuarantine(ids: $ids)
  }
`);
