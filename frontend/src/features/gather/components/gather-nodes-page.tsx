import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { GatherNodesQuery, RevokeGatherNodeMutation } from '@/features/gather/api/gather-documents';
import { DatabasesTable } from '@/features/gather/components/databases-table';
import { GatherMap } from '@/features/gather/components/gather-map';
import { GatherNodeRow, GatherNodeRowFragment } from '@/features/gather/components/gather-node-row';
import { NodeDrawer } from '@/features/gather/components/node-drawer';
import { nodeStatuses } from '@/features/gather/utils/gather-labels';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText, ErrorState, ForbiddenState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel, formatTime } from '@/lib/format';
import { getFragmentData } from '@/lib/gql/fragment-masking';
import type { GatherNodeStatus, GatherNodesQuery as GatherNodesData } from '@/lib/gql/graphql';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { gatherAccess } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import { useAutoRefresh } from '@/lib/use-auto-refresh';
import { useLoadMore } from '@/lib/use-load-more';
import styles from './gather.module.css';

const PAGE_SIZE = 100;
const REFRESH_SECONDS = 30;
const statusOrder: GatherNodeStatus[] = ['ONLINE', 'STALE', 'OFFLINE', 'REVOKED'];

const nodesOf = (data: GatherNodesData) => data.gatherNodes;

/** /operator/gather: the enrolled gather agents with their health, where they are, and their databases' patch levels. */
export function GatherNodesPage() {
  const { user } = useRequiredSession();
  const access = gatherAccess(user.role);
  const [variables] = useState({ first: PAGE_SIZE, after: null as string | null });
  const list = useLoadMore(GatherNodesQuery, variables, nodesOf);
  const [now, setNow] = useState(() => Date.now());
  const [openId, setOpenId] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revokeState, revokeNode] = useMutation(RevokeGatherNodeMutation);

  const { result, nodes } = list;
  const forbidden = !list.loaded && result.error !== undefined && hasErrorCode(result.error, 'FORBIDDEN');
  const { refresh: refreshList } = list;
  const refresh = useCallback(() => {
    setNow(Date.now());
    refreshList();
  }, [refreshList]);
  const { paused } = useAutoRefresh(refresh, REFRESH_SECONDS * 1000, !forbidden);

  const open = nodes.find((node) => node.id === openId);
  const statuses = nodes.map((node) => getFragmentData(GatherNodeRowFragment, node).status);
  const counts = statusOrder
    .map((status) => ({ status, n: statuses.filter((s) => s === status).length }))
    .filter((count) => count.n > 0);

  async function confirmRevoke() {
    if (!revoking) return;
    const answer = await revokeNode({ id: revoking.id });
    if (answer.error || !answer.data) return;
    setRevoking(null);
    setNotice(`“${revoking.title}” was revoked: its certificate is refused from now on.`);
    refresh();
  }

  return (
    <section aria-labelledby="gather-nodes-title">
      <SectionHeader
        id="gather-nodes-title"
        title="Gather nodes"
        description="Agents beside the tenant's databases: their health, where they are, and how current the databases are."
        actions={
          !forbidden && (
            <>
              {result.data && (
                <span className={styles.updated} aria-live="polite">
                  Updated {formatTime(now)}
                  {paused
                    ? ' · auto-refresh paused while the tab is hidden'
                    : ` · refreshes every ${REFRESH_SECONDS} s`}
                </span>
              )}
              <button type="button" className="button" onClick={refresh} disabled={result.fetching}>
                Refresh
              </button>
            </>
          )
        }
      />
      {notice && (
        <p className="inline-success" role="status">
          {notice}
        </p>
      )}
      {forbidden ? (
        <ForbiddenState />
      ) : !list.loaded && result.error ? (
        <ErrorState error={result.error} what="Gather nodes" onRetry={refresh} />
      ) : !list.loaded ? (
        <LoadingState label="Loading gather nodes…" />
      ) : nodes.length === 0 ? (
        <EmptyState title="No gather node has enrolled yet.">
          <EmptyStateText>
            {access.manage ? (
              <>
                <Link to="/admin/gather">Create an enrollment token</Link> in Administration, put it in the agent&apos;s
                gather.yaml and start <code>scalefield gather</code> beside a database: the node appears here with its
                first heartbeat.
              </>
            ) : (
              <>
                A tenant administrator creates an enrollment token (Administration → Gather enrollment) for each agent;
                a node appears here once its agent has enrolled.
              </>
            )}
          </EmptyStateText>
        </EmptyState>
      ) : (
        <div className={styles.stack}>
          {result.error && (
            <p className="inline-alert" role="alert">
              Could not refresh: {errorMessage(result.error)}
            </p>
          )}
          <section aria-labelledby="gather-node-list-title">
            <div className={styles.tableHeader}>
              <h3 id="gather-node-list-title" className={styles.heading}>
                Nodes
              </h3>
              <p className={tableStyles.summary}>
                {countLabel(list.totalCount, 'node')}:{' '}
                {counts.map((count) => `${count.n} ${nodeStatuses[count.status].label.toLowerCase()}`).join(', ')}
              </p>
            </div>
            <DataTable
              caption="Gather nodes"
              busy={result.fetching}
              head={
                <>
                  <th scope="col">Node</th>
                  <th scope="col">Status</th>
                  <th scope="col">Agent · OS</th>
                  <th scope="col">Addresses</th>
                  <th scope="col" className={styles.number}>
                    Spool
                  </th>
                  <th scope="col">Collectors</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </>
              }
            >
              {nodes.map((node) => (
                <GatherNodeRow key={node.id} node={node} now={now} onOpen={setOpenId} />
              ))}
            </DataTable>
            {list.hasMore && (
              <div className={styles.loadMore}>
                <button
                  type="button"
                  className="button"
                  onClick={() => void list.loadMore()}
                  disabled={list.loadingMore}
                >
                  {list.loadingMore ? 'Loading…' : 'Load more nodes'}
                </button>
                {list.loadMoreError && (
                  <p className="inline-alert" role="alert">
                    {errorMessage(list.loadMoreError)}
                  </p>
                )}
              </div>
            )}
          </section>
          <GatherMap nodes={nodes} now={now} onOpen={setOpenId} />
          <DatabasesTable nodes={nodes} now={now} />
        </div>
      )}
      {open && (
        <NodeDrawer
          node={open}
          now={now}
          onClose={() => setOpenId(null)}
          onRevoke={
            access.manage
              ? (node) => {
                  setNotice(null);
                  setRevoking(node);
                }
              : undefined
          }
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke gather node?"
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          danger
          busy={revokeState.fetching}
          error={revokeState.error ? errorMessage(revokeState.error) : null}
          onConfirm={() => void confirmRevoke()}
          onCancel={() => setRevoking(null)}
        >
          The agent on <strong>{revoking.title}</strong> is refused from now on, on every replica, and its files are no
          longer looked for. This cannot be undone: the agent needs a new enrollment token.
        </ConfirmDialog>
      )}
    </section>
  );
}
