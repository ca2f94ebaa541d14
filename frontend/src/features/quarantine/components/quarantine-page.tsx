import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { QuarantineQuery, ReprocessQuarantineMutation } from '@/features/quarantine/api/quarantine-documents';
import { QuarantineRow } from '@/features/quarantine/components/quarantine-row';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CursorPager } from '@/components/cursor-pager';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, EmptyStateText, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { operatorAccess } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import { useCursorPaging } from '@/lib/use-cursor-paging';
import styles from './quarantine.module.css';

const DEFAULT_PAGE_SIZE = 50;
/** Reprocessed records that fail again are back after the refine stage's next batch: look again then. */
const FOLLOW_UP_MS = 3_000;

type Reprocessing = { ids: string[] } | { all: number };

/** /operator/quarantine: records the pipeline could not process, with the reason; reprocess them. */
export function QuarantinePage() {
  const { user } = useRequiredSession();
  const canReprocess = operatorAccess(user.role).reprocess;
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const paging = useCursorPaging(String(pageSize));
  const [result, reexecute] = useQuery({
    query: QuarantineQuery,
    variables: { first: pageSize, after: paging.after },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const [selection, setSelection] = useState({ page: paging.after, ids: new Set<string>() });
  const selected = selection.page === paging.after ? selection.ids : new Set<string>();
  const [confirming, setConfirming] = useState<Reprocessing | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reprocessState, reprocess] = useMutation(ReprocessQuarantineMutation);
  const [followUp, setFollowUp] = useState(0);

  // After a reprocess the opener is disabled (nothing selected): focus goes to the outcome instead.
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const latestReload = useRef(reload);
  useEffect(() => {
    latestReload.current = reload;
  });
  useEffect(() => {
    if (followUp === 0) return;
    const timer = setTimeout(() => latestReload.current(), FOLLOW_UP_MS);
    return () => clearTimeout(timer);
  }, [followUp]);

  const connection = result.data?.quarantine;
  const forbidden = !connection && result.error !== undefined && hasErrorCode(result.error, 'FORBIDDEN');
  const pageIds = connection?.edges.map((edge) => edge.node.id) ?? [];
  const allOnPageSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));

  function select(ids: string[], on: boolean) {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelection({ page: paging.after, ids: next });
  }

  async function confirmReprocess() {
    if (!confirming) return;
    const answer = await reprocess({ ids: 'ids' in confirming ? confirming.ids : null });
    if (answer.error || answer.data === undefined) return;
    setConfirming(null);
    setSelection({ page: null, ids: new Set() });
    setNotice(
      `${countLabel(answer.data.reprocessQuarantine, 'record')} queued for reprocessing. ` +
        'Records that fail again come back here with the new reason.',
    );
    paging.first();
    reload();
    setFollowUp((n) => n + 1);
  }

  return (
    <section aria-labelledby="quarantine-title">
      <SectionHeader
        id="quarantine-title"
        title="Quarantine"
        description="Records the pipeline could not process, newest first, with the reason. Their raw bytes stay in Bronze."
        actions={
          !forbidden && (
            <>
              <button type="button" className="button" onClick={reload}>
                Refresh
              </button>
              {canReprocess && (
                <>
                  <button
                    type="button"
                    className="button"
                    disabled={selected.size === 0}
                    onClick={() => {
                      setNotice(null);
                      setConfirming({ ids: [...selected] });
                    }}
                  >
                    Reprocess selected{selected.size > 0 ? ` (${selected.size})` : ''}
                  </button>
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={!connection || connection.totalCount === 0}
                    onClick={() => {
                      setNotice(null);
                      setConfirming({ all: connection?.totalCount ?? 0 });
                    }}
                  >
                    Reprocess all
                  </button>
                </>
              )}
            </>
          )
        }
      />
      {notice && (
        <p ref={noticeRef} className="inline-success" role="status" tabIndex={-1}>
          {notice}
        </p>
      )}
      {!connection && result.error ? (
        <ErrorState error={result.error} what="The quarantine" onRetry={reload} />
      ) : !connection ? (
        <LoadingState label="Loading the quarantine…" />
      ) : connection.edges.length === 0 && !paging.hasPreviousPage ? (
        <EmptyState title="Nothing in quarantine: every record was refined.">
          <EmptyStateText>
            A record that cannot be normalized (an unknown format, a value that is not what its field needs) is kept
            here with the reason, instead of being lost.
          </EmptyStateText>
        </EmptyState>
      ) : (
        <>
          <p className={tableStyles.summary} aria-live="polite">
            {countLabel(connection.totalCount, 'record')} in quarantine
            {canReprocess && selected.size > 0 && `, ${selected.size} selected`}
          </p>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <div className={styles.tableContainer}>
            <DataTable
              caption="Quarantined records"
              busy={result.fetching}
              head={
                <>
                  {canReprocess && (
                    <th scope="col" className={styles.select}>
                      <SelectAll
                        checked={allOnPageSelected}
                        indeterminate={!allOnPageSelected && pageIds.some((id) => selected.has(id))}
                        onChange={(on) => select(pageIds, on)}
                      />
                    </th>
                  )}
                  <th scope="col">Quarantined at</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Source / sourcetype</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span className="visually-hidden">Payload</span>
                  </th>
                </>
              }
            >
              {connection.edges.map((edge) => (
                <QuarantineRow
                  key={edge.node.id}
                  record={edge.node}
                  selectable={canReprocess}
                  selected={selected.has(edge.node.id)}
                  onSelectedChange={(id, on) => select([id], on)}
                />
              ))}
            </DataTable>
          </div>
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
      {confirming && (
        <ConfirmDialog
          title={
            'ids' in confirming
              ? `Reprocess ${countLabel(confirming.ids.length, 'record')}?`
              : `Reprocess all ${countLabel(confirming.all, 'record')}?`
          }
          confirmLabel="Reprocess"
          busyLabel="Reprocessing…"
          busy={reprocessState.fetching}
          error={reprocessState.error ? errorMessage(reprocessState.error) : null}
          onConfirm={() => void confirmReprocess()}
          onCancel={() => setConfirming(null)}
        >
          Records leave the quarantine and are refined again; those that still fail come back with the new reason.
          {'all' in confirming && ' This includes the records on other pages.'}
        </ConfirmDialog>
      )}
    </section>
  );
}

type SelectAllProps = { checked: boolean; indeterminate: boolean; onChange: (on: boolean) => void };

function SelectAll({ checked, indeterminate, onChange }: SelectAllProps) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select every record on this page"
      checked={checked}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}
