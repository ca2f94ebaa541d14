import { useCallback, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import {
  GatherImportNodesQuery,
  GatherImportsQuery,
  RetryGatherImportMutation,
} from '@/features/gather/api/gather-documents';
import { GatherImportRow } from '@/features/gather/components/gather-import-row';
import { importStatuses } from '@/features/gather/utils/gather-labels';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText, ErrorState, ForbiddenState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import type { GatherImportStatus, GatherImportsQuery as GatherImportsData } from '@/lib/gql/graphql';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { gatherAccess } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import { useLoadMore } from '@/lib/use-load-more';
import styles from './gather.module.css';

const PAGE_SIZE = 50;
const statuses: GatherImportStatus[] = ['QUEUED', 'IMPORTING', 'DONE', 'QUARANTINED'];

const importsOf = (data: GatherImportsData) => data.gatherImports;

/** The status in the address (?status=quarantined), or null for every status. */
function statusFrom(value: string | null): GatherImportStatus | null {
  const upper = value?.toUpperCase();
  return statuses.find((status) => status === upper) ?? null;
}

/** /operator/imports: the activity files the gather nodes announced, newest first, with their import status. */
export function GatherImportsPage() {
  const id = useId();
  const { user } = useRequiredSession();
  const access = gatherAccess(user.role);
  const [params, setParams] = useSearchParams();
  const status = statusFrom(params.get('status'));
  const variables = useMemo(() => ({ status, first: PAGE_SIZE, after: null as string | null }), [status]);
  const list = useLoadMore(GatherImportsQuery, variables, importsOf);
  const [nodesResult] = useQuery({ query: GatherImportNodesQuery, requestPolicy: 'cache-and-network' });
  const [now, setNow] = useState(() => Date.now());
  const [notice, setNotice] = useState<string | null>(null);
  const [retryState, retryImport] = useMutation(RetryGatherImportMutation);
  const [retryError, setRetryError] = useState<string | null>(null);

  const nodeNames = new Map(
    (nodesResult.data?.gatherNodes.edges ?? []).map(({ node }) => [node.id, node.hostname || node.name]),
  );
  const { result, nodes: files } = list;
  const forbidden = !list.loaded && result.error !== undefined && hasErrorCode(result.error, 'FORBIDDEN');
  const { refresh: refreshList } = list;
  const refresh = useCallback(() => {
    setNow(Date.now());
    refreshList();
  }, [refreshList]);

  function changeStatus(next: GatherImportStatus | null) {
    setNotice(null);
    setRetryError(null);
    setParams(next ? { status: next.toLowerCase() } : {}, { replace: true });
  }

  async function retry(file: { id: string; name: string }) {
    setNotice(null);
    setRetryError(null);
    const answer = await retryImport({ id: file.id });
    const retried = answer.data?.retryGatherImport;
    if (answer.error || !retried) {
      setRetryError(
        `${file.name} could not be queued again: ${answer.error ? errorMessage(answer.error) : 'no answer'}`,
      );
      return;
    }
    list.replace(retried);
    setNotice(`${file.name} is queued again: the engine reads its stored manifest afresh.`);
  }

  const filterLabel = status ? importStatuses[status].label.toLowerCase() : null;

  return (
    <section aria-labelledby="gather-imports-title">
      <SectionHeader
        id="gather-imports-title"
        title="Imports"
        description="Activity files the gather nodes stored and announced, newest first: each is imported once into Bronze, or quarantined with the reason."
        actions={
          !forbidden && (
            <button type="button" className="button" onClick={refresh} disabled={result.fetching}>
              Refresh
            </button>
          )
        }
      />
      {!forbidden && (
        <div className={styles.filters}>
          <div className="field">
            <label htmlFor={`${id}-status`}>Status</label>
            <select id={`${id}-status`} value={status ?? ''} onChange={(e) => changeStatus(statusFrom(e.target.value))}>
              <option value="">Every status</option>
              {statuses.map((value) => (
                <option key={value} value={value}>
                  {importStatuses[value].label}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {notice && (
        <p className="inline-success" role="status">
          {notice}
        </p>
      )}
      {retryError && (
        <p className="inline-alert" role="alert">
          {retryError}
        </p>
      )}
      {forbidden ? (
        <ForbiddenState />
      ) : !list.loaded && result.error ? (
        <ErrorState error={result.error} what="The import queue" onRetry={refresh} />
      ) : !list.loaded ? (
        <LoadingState label="Loading the import queue…" />
      ) : files.length === 0 ? (
        filterLabel ? (
          <EmptyState title={`No ${filterLabel} file.`}>
            <EmptyStateText>
              <button type="button" className={styles.linkButton} onClick={() => changeStatus(null)}>
                Show every status
              </button>
            </EmptyStateText>
          </EmptyState>
        ) : (
          <EmptyState title="No activity file announced yet.">
            <EmptyStateText>
              Gather nodes store activity files in the shared blob store and announce them; the engine also finds them
              by listing the store. See the <Link to="/operator/gather">gather nodes</Link> for their health.
            </EmptyStateText>
          </EmptyState>
        )
      ) : (
        <>
          <p className={tableStyles.summary} aria-live="polite">
            {countLabel(list.totalCount, filterLabel ? `${filterLabel} file` : 'file')}
            {files.length < list.totalCount && `, ${files.length} shown`}
          </p>
          {result.error && (
            <p className="inline-alert" role="alert">
              Could not refresh: {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="Import queue"
            busy={result.fetching}
            head={
              <>
                <th scope="col">File · source</th>
                <th scope="col">Node</th>
                <th scope="col">Status · updated</th>
                <th scope="col" className={styles.number}>
                  Rows
                </th>
                <th scope="col" className={styles.number}>
                  Size
                </th>
                <th scope="col">Time range</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </>
            }
          >
            {files.map((file) => (
              <GatherImportRow
                key={file.id}
                file={file}
                nodeName={nodeNames.get(file.nodeId)}
                now={now}
                onRetry={access.retry ? (target) => void retry(target) : undefined}
                retrying={retryState.fetching}
              />
            ))}
          </DataTable>
          {list.hasMore && (
            <div className={styles.loadMore}>
              <button type="button" className="button" onClick={() => void list.loadMore()} disabled={list.loadingMore}>
                {list.loadingMore ? 'Loading…' : `Load ${PAGE_SIZE} more`}
              </button>
              {list.loadMoreError && (
                <p className="inline-alert" role="alert">
                  {errorMessage(list.loadMoreError)}
                </p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
