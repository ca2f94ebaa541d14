import { useId, type ReactNode } from 'react';
import { NodeStatusBadge, PatchStatusBadge } from '@/features/gather/components/gather-badges';
import { engineLabel, nodeStatuses } from '@/features/gather/utils/gather-labels';
import { DataTable, Missing, tableStyles } from '@/components/data-table';
import { Drawer } from '@/components/drawer';
import { RelativeTime } from '@/components/relative-time';
import { countLabel, formatBytes, formatDateTime, formatDuration } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './gather.module.css';

export const GatherNodeDrawerFragment = graphql(`
  fragment GatherNodeDrawer_node on GatherNode {
    id
    name
    status
    hostname
    version
    os
    ips
    enrolledAt
    lastHeartbeatAt
    heartbeatIntervalSeconds
    certificateExpiresAt
    revokedAt
    location {
      lat
      lon
      label
    }
    spoolFiles
    spoolBytes
    collectors {
      name
      type
      status
      error
      position
    }
    databases {
      engine
      version
      name
      patchStatus
    }
  }
`);

/** A certificate this close to its expiry is pointed out. */
const CERT_WARNING_DAYS = 30;

type NodeDrawerProps = {
  node: FragmentType<typeof GatherNodeDrawerFragment>;
  now: number;
  /** Shown only with gather:manage: asks, then revokes. */
  onRevoke?: (node: { id: string; title: string }) => void;
  onClose: () => void;
};

/** One node in a panel at the side (Drawer): identity, health, collectors, databases, revocation. */
export function NodeDrawer(props: NodeDrawerProps) {
  const node = getFragmentData(GatherNodeDrawerFragment, props.node);
  const sectionId = useId();

  const title = node.hostname || node.name;
  const certDays = (Date.parse(node.certificateExpiresAt) - props.now) / 86_400_000;
  const certClass = certDays < 0 ? styles.danger : certDays < CERT_WARNING_DAYS ? styles.warning : undefined;

  return (
    <Drawer
      title={title}
      subtitle={
        <div className={styles.status}>
          <NodeStatusBadge status={node.status} />
          <span className={styles.subtle}>{nodeStatuses[node.status].description}</span>
        </div>
      }
      onClose={props.onClose}
    >
      <dl className={styles.facts}>
        <Fact term="Enrollment name">{node.name}</Fact>
        <Fact term="Node id">
          <span className={tableStyles.mono}>{node.id}</span>
        </Fact>
        <Fact term="Last heartbeat">
          {node.lastHeartbeatAt ? (
            <>
              <RelativeTime iso={node.lastHeartbeatAt} now={props.now} /> (every{' '}
              {formatDuration(node.heartbeatIntervalSeconds)})
            </>
          ) : (
            'none yet'
          )}
        </Fact>
        <Fact term="Enrolled">{formatDateTime(node.enrolledAt)}</Fact>
        <Fact term="Certificate expires">
          <span className={certClass}>
            {formatDateTime(node.certificateExpiresAt)}
            {certDays < 0 ? ' (expired)' : certDays < CERT_WARNING_DAYS ? ` (in ${Math.round(certDays)} days)` : ''}
          </span>
        </Fact>
        {node.revokedAt && <Fact term="Revoked">{formatDateTime(node.revokedAt)}</Fact>}
        <Fact term="Agent version">{node.version || <Missing />}</Fact>
        <Fact term="OS">{node.os || <Missing />}</Fact>
        <Fact term="IP addresses">
          {node.ips.length > 0 ? <span className={tableStyles.mono}>{node.ips.join(', ')}</span> : <Missing />}
        </Fact>
        <Fact term="Location">
          {node.location ? (
            `${node.location.label ? `${node.location.label} · ` : ''}${node.location.lat.toFixed(2)}, ${node.location.lon.toFixed(2)}`
          ) : (
            <Missing label="not configured" />
          )}
        </Fact>
        <Fact term="Spool">
          {node.spoolFiles == null ? (
            <Missing label="not reported" />
          ) : (
            `${countLabel(node.spoolFiles, 'file')}${node.spoolBytes != null ? `, ${formatBytes(node.spoolBytes)}` : ''}`
          )}
        </Fact>
      </dl>

      <section aria-labelledby={`${sectionId}-collectors`} className={styles.drawerSection}>
        <h3 id={`${sectionId}-collectors`} className={styles.heading}>
          Collectors
        </h3>
        {node.collectors.length === 0 ? (
          <p className={styles.subtle}>No collector reported yet.</p>
        ) : (
          <DataTable
            caption={`Collectors of ${title}`}
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Position</th>
              </>
            }
          >
            {node.collectors.map((collector) => (
              <CollectorRow key={collector.name} collector={collector} />
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby={`${sectionId}-databases`} className={styles.drawerSection}>
        <h3 id={`${sectionId}-databases`} className={styles.heading}>
          Databases
        </h3>
        {node.databases.length === 0 ? (
          <p className={styles.subtle}>No database reported yet.</p>
        ) : (
          <ul className={styles.databaseList}>
            {node.databases.map((database) => (
              <li key={`${database.engine}:${database.name}:${database.version}`}>
                <span>
                  {engineLabel(database.engine)} {database.version}
                  {database.name && <span className={styles.subtle}> · {database.name}</span>}
                </span>
                <PatchStatusBadge status={database.patchStatus} />
              </li>
            ))}
          </ul>
        )}
      </section>

      {props.onRevoke && node.status !== 'REVOKED' && (
        <section aria-labelledby={`${sectionId}-revoke`} className={`${styles.drawerSection} ${styles.dangerZone}`}>
          <h3 id={`${sectionId}-revoke`} className={styles.heading}>
            Revoke this node
          </h3>
          <p className={styles.subtle}>
            Its certificate is refused from then on, on every replica; files already queued still import. The agent
            needs a new enrollment token to come back.
          </p>
          <div>
            <button
              type="button"
              className="button button-danger"
              onClick={() => props.onRevoke?.({ id: node.id, title })}
            >
              Revoke node…
            </button>
          </div>
        </section>
      )}
    </Drawer>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

type Collector = { name: string; type: string; status: string; error?: string | null; position?: string | null };

function CollectorRow({ collector }: { collector: Collector }) {
  return (
    <>
      <tr data-collector={collector.name} data-error={collector.error ? true : undefined}>
        <td className={tableStyles.mono}>{collector.name}</td>
        <td className={tableStyles.mono}>{collector.type}</td>
        <td className={collector.error ? styles.danger : undefined}>{collector.status}</td>
        <td className={`${tableStyles.mono} ${tableStyles.muted}`}>{collector.position || <Missing />}</td>
      </tr>
      {collector.error && (
        <tr className={styles.errorRow}>
          <td colSpan={4}>
            <span className={styles.danger}>Error: </span>
            {collector.error}
          </td>
        </tr>
      )}
    </>
  );
}
