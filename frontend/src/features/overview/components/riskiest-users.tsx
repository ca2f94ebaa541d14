import { useQuery } from 'urql';
import { RiskiestUsersQuery } from '@/features/overview/api/overview-documents';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { ErrorState, LoadingState } from '@/components/query-state';
import { formatDateTime, formatNumber } from '@/lib/format';
import styles from './overview.module.css';

const SHOWN = 10;

/** Users by risk score, highest first. */
export function RiskiestUsers() {
  const [result, reexecute] = useQuery({
    query: RiskiestUsersQuery,
    variables: { first: SHOWN },
    requestPolicy: 'cache-and-network',
  });
  const edges = result.data?.userRiskProfiles.edges;
  return (
    <section className={styles.riskSection} aria-labelledby="riskiest-users-title">
      <h2 id="riskiest-users-title" className={styles.sectionTitle}>
        Riskiest users
      </h2>
      {!edges && result.error ? (
        <ErrorState
          error={result.error}
          what="Risk profiles"
          onRetry={() => reexecute({ requestPolicy: 'network-only' })}
        />
      ) : !edges ? (
        <LoadingState label="Loading risk profiles…" />
      ) : edges.length === 0 ? (
        <p className={styles.cardEmpty}>No user has been seen in events yet.</p>
      ) : (
        <DataTable
          caption="Riskiest users"
          head={
            <>
              <th scope="col">User</th>
              <th scope="col">Risk</th>
              <th scope="col">Events</th>
              <th scope="col">Failures</th>
              <th scope="col">Threat matches</th>
              <th scope="col">High severity</th>
              <th scope="col">Last seen</th>
            </>
          }
        >
          {edges.map(({ node }) => (
            <tr key={node.user}>
              <td>
                {node.user}{' '}
                {node.privileged && (
                  <Badge tone="warning" title="Holds privileged access">
                    Privileged
                  </Badge>
                )}
              </td>
              <td>
                <RiskMeter value={node.riskScore} />
              </td>
              <td>{formatNumber(node.events)}</td>
              <td>{formatNumber(node.failures)}</td>
              <td>{formatNumber(node.threatMatches)}</td>
              <td>{formatNumber(node.highSeverity)}</td>
              <td>
                <time dateTime={node.lastSeen}>{formatDateTime(node.lastSeen)}</time>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function RiskMeter({ value }: { value: number }) {
  const rounded = Math.round(value);
  const band = rounded >= 70 ? styles.riskHigh : rounded >= 40 ? styles.riskMedium : styles.riskLow;
  return (
    <span className={styles.riskMeter} title={`Risk ${rounded} of 100`}>
      <span className={styles.riskTrack} aria-hidden="true">
        <span className={`${styles.riskFill} ${band}`} style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
      </span>
      <span className={styles.riskValue}>{rounded}</span>
    </span>
  );
}
