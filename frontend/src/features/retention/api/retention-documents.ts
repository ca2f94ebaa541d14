import { graphql } from '@/lib/gql/gql';

export const RetentionPolicyQuery = graphql(`
  query RetentionPolicy {
    retentionPolicy {
      bronzeDays
      silverDays
      goldDays
      custom
    }
  }
`);

export const RetentionPreviewQuery = graphql(`
  query RetentionPreview($policy: RetentionPolicyInput) {
    retentionPreview(policy: $policy) {
      layers {
        layer
        cutoff
        rows
        partitions
      }
    }
  }
`);

export const SetRetentionPolicyMutation = graphql(`
  mutation SetRetentionPolicy($input: RetentionPolicyInput!) {
    setRetentionPolicy(input: $input) {
      bronzeDays
      silverDays
      goldDays
      custom
    }
  }
`);
