import { graphql } from '@/lib/gql/gql';

export const IngestSourcesQuery = graphql(`
  query IngestSources {
    ingestSources {
      kind
      name
      ...SourceRow_source
    }
  }
`);

export const IngestStatsQuery = graphql(`
  query IngestStats($from: Time!, $to: Time!) {
    ingestStats(from: $from, to: $to) {
      from
      to
      ...IngestTotals_stats
      ...IngestChart_stats
      ...SourceBreakdown_stats
    }
  }
`);
