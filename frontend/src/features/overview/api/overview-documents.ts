import { graphql } from '@/lib/gql/gql';

/** Everything the overview's tiles and charts show for one period. */
export const OverviewQuery = graphql(`
  query Overview($from: Timestamp!, $to: Timestamp!, $interval: Interval!) {
    metrics(from: $from, to: $to) {
      events
      threats
      criticalAlerts
      duplicates
      bySeverity {
        value
        count
      }
      byClass {
        value
        count
      }
      bySource {
        value
        count
      }
      topTalkers {
        value
        count
      }
      topUsers {
        value
        count
      }
      topCountries {
        value
        count
      }
    }
    eventsBySeverity: timeseries(metric: EVENTS, from: $from, to: $to, interval: $interval, groupBy: SEVERITY) {
      timestamp
      value
      group
    }
    threats: timeseries(metric: THREATS, from: $from, to: $to, interval: $interval) {
      timestamp
      value
    }
  }
`);

export const RiskiestUsersQuery = graphql(`
  query RiskiestUsers($first: Int!) {
    userRiskProfiles(first: $first) {
      edges {
        cursor
        node {
          user
          riskScore
          events
          failures
          threatMatches
          highSeverity
          privileged
          lastSeen
        }
      }
    }
  }
`);
