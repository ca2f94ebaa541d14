import { PatchStatusBadge } from '@/features/gather/components/gather-badges';
import { engineLabel, isPast, patchStatuses } from '@/features/gather/utils/gather-labels';
import { DataTable, Missing, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText } from '@/components/query-state';
import { RelativeTime } from '@/components/relative-time';
import { countLabel } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import type { PatchStatus } from '@/lib/gql/graphql';
import styles from './gather.module.css';

export const GatherDatabasesFragment = graphql(`
  fragment GatherDatabases_node on GatherNode {
    id
    name
    hostname
    databases {
      engine
      version
      name
      host
      port
      lastSeen
      majorVersion
      latestVersion
      patchStatus
      endOfLife
      releasesAsOf
    }
  }
`);

type DatabasesTableProps = {
  nodes: FragmentType<typeof GatherDatabasesFragment>[];
  now: number;
};

/** Worst first: what needs patching comes to the top. */
const statusOrder: PatchStatus[] = ['UNSUPPORTED', 'BEHIND', 'UNKNOWN', 'CURRENT'];

/** Every database the nodes watch, with its patch level against the bundled release table. */
export function DatabasesTable(props: DatabasesTableProps) {
  const rows = props.nodes
    .map((node) => getFragmentData(GatherDatabasesFragment, node))
    .flatMap((node) => node.databases.map((database) => ({ node, database })))
    .sort(
      (a, b) =>
        statusOrder.indexOf(a.database.patchStatus) - statusOrder.indexOf(b.database.patchStatus) ||
        a.database.engine.localeCompare(b.database.engine) ||
        (a.node.hostname || a.node.name).localeCompare(b.node.hostname || b.node.name),
    );
  const asOf = [...new Set(rows.map((row) => row.database.releasesAsOf))].sort();
  const counts = statusOrder
    .map((status) => ({ status, n: rows.filter((row) => row.database.patchStatus === status).length }))
    .filter((count) => count.n > 0);

  return (
    <section aria-labelledby="gather-databases-title">
      <div className={styles.tableHeader}>
        <h3 id="gather-databases-title" className={styles.heading}>
          Databases &amp; patch levels
        </h3>
        {rows.length > 0 && (
          <p className={tableStyles.summary}>
            {countLabel(rows.length, 'database')}:{' '}
            {counts.map((count) => `${count.n} ${patchStatuses[count.status].label.toLowerCase()}`).join(', ')}
          </p>
        )}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No database reported yet.">
          <EmptyStateText>
            Nodes report the databases their collectors read with every heartbeat: engine, version, name, host and port.
          </EmptyStateText>
        </EmptyState>
      ) : (
        <>
          <DataTable
            caption="Databases and patch levels"
            head={
              <>
                <th scope="col">Engine</th>
                <th scope="col">Database</th>
                <th scope="col">Node</th>
                <th scope="col">Version</th>
                <th scope="col">Latest</th>
                <th scope="col">Patch status</th>
                <th scope="col">End of life</th>
                <th scope="col">Last seen</th>
              </>
            }
          >
            {rows.map(({ node, database }) => {
              const ended = database.endOfLife !== null && database.endOfLife !== undefined;
              const past = ended && isPast(database.endOfLife!, props.now);
              return (
                <tr
                  key={`${node.id}:${database.engine}:${database.host}:${database.port}:${database.name}`}
                  data-patch-status={database.patchStatus}
                >
                  <td>{engineLabel(database.engine)}</td>
                  <td className={tableStyles.mono}>
                    {database.name || <Missing />}
                    <div className={styles.subtle}>
                      {database.host}
                      {database.port > 0 && `:${database.port}`}
                    </div>
                  </td>
                  <td>{node.hostname || node.name}</td>
                  <td className={tableStyles.mono}>{database.version || <Missing label="not reported" />}</td>
                  <td className={tableStyles.mono}>{database.latestVersion ?? <Missing label="unknown" />}</td>
                  <td>
                    <PatchStatusBadge status={database.patchStatus} />
                  </td>
                  <td className={past ? styles.danger : tableStyles.muted}>
                    {ended ? (
                      <>
                        {database.endOfLife}
                        {past && <span className="visually-hidden"> (passed)</span>}
                      </>
                    ) : (
                      <Missing label="unknown" />
                    )}
                  </td>
                  <td className={tableStyles.muted}>
                    <RelativeTime iso={database.lastSeen} now={props.now} />
                  </td>
                </tr>
              );
            })}
          </DataTable>
          <p className={styles.footnote}>
            Latest versions and end-of-life dates come from the release table bundled with the engine, as of{' '}
            <strong>{asOf.join(', ')}</strong>. Update the engine for newer releases.
          </p>
        </>
      )}
    </section>
  );
}
