import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  RetentionPolicyQuery,
  RetentionPreviewQuery,
  SetRetentionPolicyMutation,
} from '@/features/retention/api/retention-documents';
import {
  retentionErrors,
  retentionFields,
  retentionInput,
  type RetentionDraft,
} from '@/features/retention/utils/retention-form';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DataTable } from '@/components/data-table';
import { ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel, formatDateTime, formatNumber } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';
import type { RetentionPolicyInput, RetentionPolicyQuery as PolicyResult } from '@/lib/gql/graphql';
import { useDebouncedValue } from '@/lib/use-debounced-value';
import styles from './retention.module.css';

type Policy = PolicyResult['retentionPolicy'];

/** /admin/retention: how long each layer keeps the tenant's data, and what a change would delete. */
export function RetentionPage() {
  const [result, reexecute] = useQuery({ query: RetentionPolicyQuery });
  const policy = result.data?.retentionPolicy;
  // Kept here: the saved policy comes back and starts the form afresh.
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="retention-title">
      <SectionHeader
        id="retention-title"
        title="Data retention"
        description="How long this tenant's data is kept in each layer. Older data is deleted by the retention run every hour."
      />
      {!policy && result.error ? (
        <ErrorState
          error={result.error}
          what="The retention policy"
          onRetry={() => reexecute({ requestPolicy: 'network-only' })}
        />
      ) : !policy ? (
        <LoadingState label="Loading the retention policy…" />
      ) : (
        <RetentionForm key={JSON.stringify(policy)} policy={policy} saved={saved} onSaved={setSaved} />
      )}
    </section>
  );
}

function draftOf(policy: Policy): RetentionDraft {
  return {
    bronzeDays: String(policy.bronzeDays),
    silverDays: String(policy.silverDays),
    goldDays: String(policy.goldDays),
  };
}

type RetentionFormProps = { policy: Policy; saved: boolean; onSaved: (saved: boolean) => void };

function RetentionForm({ policy, saved, onSaved: setSaved }: RetentionFormProps) {
  const id = useId();
  const [draft, setDraft] = useState<RetentionDraft>(() => draftOf(policy));
  const [confirming, setConfirming] = useState(false);
  const [saveState, save] = useMutation(SetRetentionPolicyMutation);
  const errors = retentionErrors(draft);
  const input = retentionInput(draft);
  const changed = JSON.stringify(draft) !== JSON.stringify(draftOf(policy));

  // The preview follows the edited values once they are valid and typing stops.
  const previewInput = useDebouncedValue(input, 300);
  const [preview] = useQuery({
    query: RetentionPreviewQuery,
    variables: { policy: previewInput },
    requestPolicy: 'network-only',
    pause: previewInput === null,
  });
  const layers = preview.data?.retentionPreview.layers;
  // The values the preview shown was computed for (typing may have moved on).
  const previewed = (preview.operation?.variables as { policy?: RetentionPolicyInput | null } | undefined)?.policy;
  const stale = preview.fetching || JSON.stringify(previewInput) !== JSON.stringify(input);
  const rowsToDelete = layers?.reduce((sum, layer) => sum + layer.rows, 0) ?? 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (input) setConfirming(true);
  }

  async function confirm() {
    if (!input) return;
    const answer = await save({ input });
    if (answer.error) return;
    setConfirming(false);
    setSaved(true);
  }

  return (
    <div className={styles.layout}>
      <form className={styles.form} onSubmit={submit} noValidate aria-labelledby={`${id}-form-title`}>
        <h3 id={`${id}-form-title`} className={styles.heading}>
          Policy {policy.custom ? '' : <span className={styles.defaults}>(defaults)</span>}
        </h3>
        {retentionFields.map(({ field, label, hint, max }) => (
          <div key={field} className="field">
            <label htmlFor={`${id}-${field}`}>{label}</label>
            <div className={styles.daysInput}>
              <input
                id={`${id}-${field}`}
                type="text"
                inputMode="numeric"
                value={draft[field]}
                onChange={(e) => {
                  setSaved(false);
                  setDraft({ ...draft, [field]: e.target.value });
                }}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={`${id}-${field}-hint`}
              />
              <span aria-hidden="true">days</span>
            </div>
            <p id={`${id}-${field}-hint`} className={errors[field] ? styles.error : 'hint'}>
              {errors[field] ?? `${hint} 1 to ${formatNumber(max)} days.`}
            </p>
          </div>
        ))}
        {saved && (
          <p className="inline-success" role="status">
            Retention policy saved.
          </p>
        )}
        <div className={styles.actions}>
          <button type="submit" className="button button-primary" disabled={!input || !changed}>
            Save policy
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={!changed}
            onClick={() => setDraft(draftOf(policy))}
          >
            Undo changes
          </button>
        </div>
      </form>

      <section
        className={styles.preview}
        aria-labelledby={`${id}-preview-title`}
        aria-busy={preview.fetching || undefined}
      >
        <h3 id={`${id}-preview-title`} className={styles.heading}>
          What {changed ? 'these values' : 'this policy'} would delete now
        </h3>
        {!input ? (
          <p className="hint">Correct the values to see what they would delete.</p>
        ) : preview.error && !layers ? (
          <p className="inline-alert" role="alert">
            The preview could not be computed: {errorMessage(preview.error)}
          </p>
        ) : !layers ? (
          <LoadingState label="Computing the preview…" />
        ) : (
          <>
            <p className={styles.previewSummary} aria-live="polite">
              {stale
                ? 'Updating…'
                : rowsToDelete === 0
                  ? 'Nothing: no data is older than these limits.'
                  : `${countLabel(rowsToDelete, 'row')} of this tenant would be deleted.`}
            </p>
            <DataTable
              caption="Retention preview"
              head={
                <>
                  <th scope="col">Layer</th>
                  <th scope="col">Kept</th>
                  <th scope="col">Deletes data before</th>
                  <th scope="col">Rows</th>
                  <th scope="col" title="Whole monthly partitions dropped">Partitions</th>
                </>
              }
            >
              {layers.map((layer) => (
                <tr key={layer.layer}>
                  <td>{layerName(layer.layer)}</td>
                  <td>{previewed ? countLabel(keptDays(previewed, layer.layer), 'day') : '—'}</td>
                  <td>
                    <time dateTime={layer.cutoff}>{formatDateTime(layer.cutoff)}</time>
                  </td>
                  <td>{formatNumber(layer.rows)}</td>
                  <td>{layer.partitions.length === 0 ? 'none' : layer.partitions.join(', ')}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </section>

      {confirming && input && (
        <ConfirmDialog
          title="Save the retention policy?"
          confirmLabel="Save policy"
          busyLabel="Saving…"
          danger={rowsToDelete > 0}
          busy={saveState.fetching}
          error={saveState.error ? errorMessage(saveState.error) : null}
          onConfirm={() => void confirm()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Raw records are kept {countLabel(input.bronzeDays, 'day')}, normalized events{' '}
            {countLabel(input.silverDays, 'day')} and metrics {countLabel(input.goldDays, 'day')}.
          </p>
          <p>
            {rowsToDelete > 0
              ? `The next retention run deletes ${countLabel(rowsToDelete, 'row')} of this tenant's data. Deleted data cannot be recovered.`
              : 'The next retention run would delete nothing now.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function keptDays(policy: RetentionPolicyInput, layer: string): number {
  switch (layer.toUpperCase()) {
    case 'BRONZE':
      return policy.bronzeDays;
    case 'SILVER':
      return policy.silverDays;
    default:
      return policy.goldDays;
  }
}

function layerName(layer: string): string {
  switch (layer.toUpperCase()) {
    case 'BRONZE':
      return 'Raw records (Bronze)';
    case 'SILVER':
      return 'Normalized events (Silver)';
    case 'GOLD':
      return 'Metrics (Gold)';
    default:
      return layer;
  }
}
