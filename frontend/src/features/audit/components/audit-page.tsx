import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { AuditLogQuery } from '@/features/audit/api/audit-documents';
import { AuditFilterBar } from '@/features/audit/components/audit-filter-bar';
import { AuditRow } from '@/features/audit/components/audit-row';
import { VerificationResult } from '@/features/audit/components/verification-result';
import { useAuditExport } from '@/features/audit/hooks/use-audit-export';
import { useVerifyChain } from '@/features/audit/hooks/use-verify-chain';
import { emptyAuditFilter, type AuditFilterState } from '@/features/audit/types/audit-filter';
import { toAuditFilter } from '@/features/audit/utils/audit-filter';
import { CursorPager } from '@/components/cursor-pager';
import { DataTable } from '@/components/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { useCursorPaging } from '@/lib/use-cursor-paging';
import { useDebouncedValue } from '@/lib/use-debounced-value';
import styles from './audit.module.css';

const TYPING_DEBOUNCE_MS = 300;
const DEFAULT_PAGE_SIZE = 50;

/** Audit log: the tenant's security-relevant actions, newest first, filtered, verifiable, exportable. */
export function AuditPage() {
  const [filterState, setFilterState] = useState<AuditFilterState>(emptyAuditFilter);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const action = useDebouncedValue(filterState.action, TYPING_DEBOUNCE_MS);
  const actorId = useDebouncedValue(filterState.actorId, TYPING_DEBOUNCE_MS);
  const { from, to } = filterState;
  const filter = useMemo(() => toAuditFilter({ action, actorId, from, to }), [action, actorId, from, to]);

  const paging = useCursorPaging(JSON.stringify([filter ?? null, pageSize]));
  const [result, reexecute] = useQuery({
    query: AuditLogQuery,
    variables: { filter, first: pageSize, after: paging.after },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const { verify, verifying, verification } = useVerifyChain();
  const exporter = useAuditExport();

  const connection = result.data?.auditLog;
  const forbidden = !connection && result.error !== undefined && hasErrorCode(result.error, 'FORBIDDEN');

  return (
    <section aria-labelledby="audit-title">
      <SectionHeader
        id="audit-title"
        title="Audit log"
        description="Every sign-in and every change to access, newest first. Entries are hash-chained: a rewritten entry breaks the chain."
        actions={
          !forbidden && (
            <>
              <button type="button" className="button" onClick={() => void verify()} disabled={verifying}>
                {verifying ? 'Verifying…' : 'Verify chain'}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => void exporter.download('csv', filter)}
                disabled={exporter.exporting !== null}
              >
                {exporter.exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => void exporter.download('json', filter)}
                disabled={exporter.exporting !== null}
              >
                {exporter.exporting === 'json' ? 'Exporting…' : 'Export JSON'}
              </button>
            </>
          )
        }
      />
      <VerificationResult verification={verification} />
      {exporter.error && (
        <p className="inline-alert" role="alert">
          {exporter.error}
        </p>
      )}
      {exporter.saved && (
        <p className="inline-success" role="status">
          Downloaded {exporter.saved}.
          {filter?.actorId ? ' The export includes every actor: it does not apply the actor filter.' : ''}
        </p>
      )}
      <AuditFilterBar value={filterState} onChange={setFilterState} onClear={() => setFilterState(emptyAuditFilter)} />
      {!connection && result.error ? (
        <ErrorState error={result.error} what="The audit log" onRetry={reload} />
      ) : !connection ? (
        <LoadingState label="Loading the audit log…" />
      ) : connection.edges.length === 0 && !paging.hasPreviousPage ? (
        <EmptyState title={filter ? 'No entries match these filters.' : 'No entries yet.'}>
          {filter && (
            <button type="button" className="button" onClick={() => setFilterState(emptyAuditFilter)}>
              Clear filters
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <div className={styles.toolbar}>
            <p className={styles.count} aria-live="polite">
              {countLabel(connection.totalCount, 'entry', 'entries')}
            </p>
          </div>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="Audit log"
            busy={result.fetching}
            head={
              <>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">IP</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </>
            }
          >
            {connection.edges.map((edge) => (
              <AuditRow key={edge.node.id} entry={edge.node} />
            ))}
          </DataTable>
          <CursorPager
            page={paging.page}
            hasPreviousPage={paging.hasPreviousPage}
            hasNextPage={connection.pageInfo.hasNextPage && connection.pageInfo.endCursor !== null}
            onPrevious={paging.previous}
            onNext={() => connection.pageInfo.endCursor && paging.next(connection.pageInfo.endCursor)}
            disabled={result.fetching}
            pageSize={pageSize}
            onPageSizeChange={setPageSize}
          />
        </>
      )}
    </section>
  );
}
