import { graphql } from '@/lib/gql/gql';

export const ReprocessMutation = graphql(`
  mutation Reprocess($from: Timestamp!, $to: Timestamp!) {
    reprocess(from: $from, to: $to) {
      queued
      removed
    }
  }
`);
