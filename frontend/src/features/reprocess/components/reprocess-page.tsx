import { useId, useRef, useEffect, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ReprocessMutation } from '@/features/reprocess/api/reprocess-documents';
import { reprocessRangeError, toLocalInput } from '@/features/reprocess/utils/reprocess-range';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ForbiddenState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel, formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';
import { operatorAccess, roleLabel } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import styles from './reprocess.module.css';

type Range = { from: string; to: string };

/** /operator/reprocess: rebuild Silver and Gold from the Bronze records of a time range. */
export function ReprocessPage() {
  const { user } = useRequiredSession();
  const id = useId();
  const [range, setRange] = useState<Range>(() => {
    const now = Date.now();
    return { from: toLocalInput(now - 3_600_000), to: toLocalInput(now) };
  });
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ from: string; to: string } | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [state, reprocess] = useMutation(ReprocessMutation);
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  if (!operatorAccess(user.role).pipeline) {
    return <ForbiddenState>Your role ({roleLabel(user.role)}) cannot reprocess events.</ForbiddenState>;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    const problem = reprocessRangeError(range.from, range.to, Date.now());
    setError(problem);
    if (problem) return;
    setConfirming({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });
  }

  async function confirm() {
    if (!confirming) return;
    const answer = await reprocess(confirming);
    if (answer.error || !answer.data) return;
    setConfirming(null);
    const { queued, removed } = answer.data.reprocess;
    setOutcome(
      `${countLabel(queued, 'record')} queued for refinement; ${countLabel(removed, 'normalized event')} removed, to be rebuilt.`,
    );
  }

  return (
    <section aria-labelledby="reprocess-title">
      <SectionHeader
        id="reprocess-title"
        title="Reprocess"
        description="After a parser or mapping change: rebuild the normalized events (Silver) and metrics (Gold) of the raw records received in a time range."
      />
      <form className={styles.form} onSubmit={submit} noValidate>
        <div className={styles.fields}>
          <div className="field">
            <label htmlFor={`${id}-from`}>Received from</label>
            <input
              id={`${id}-from`}
              type="datetime-local"
              value={range.from}
              onChange={(e) => setRange({ ...range, from: e.target.value })}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>Received before</label>
            <input
              id={`${id}-to`}
              type="datetime-local"
              value={range.to}
              onChange={(e) => setRange({ ...range, to: e.target.value })}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
          </div>
          <button type="submit" className="button button-primary">
            Reprocess…
          </button>
        </div>
        {error && (
          <p id={`${id}-error`} className={styles.error} role="alert">
            {error}
          </p>
        )}
        <p className="hint">
          The events of these records are removed and refined again from their raw bytes; until the refine stage has
          caught up, searches and metrics of the range are incomplete.
        </p>
      </form>
      {outcome && (
        <p ref={outcomeRef} className="inline-success" role="status" tabIndex={-1}>
          {outcome}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Reprocess these records?"
          confirmLabel="Reprocess"
          busyLabel="Queuing…"
          danger
          busy={state.fetching}
          error={state.error ? errorMessage(state.error) : null}
          onConfirm={() => void confirm()}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Every raw record received from {formatDateTime(confirming.from)} to {formatDateTime(confirming.to)} is
            refined again. Its current normalized events and the metrics they count are removed first.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
