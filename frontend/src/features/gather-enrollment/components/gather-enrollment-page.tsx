import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateGatherEnrollmentTokenMutation } from '@/features/gather-enrollment/api/gather-enrollment-documents';
import { EnrollmentResult } from '@/features/gather-enrollment/components/enrollment-result';
import { SectionHeader } from '@/components/section-header';
import type { CreateGatherEnrollmentTokenMutation as Created } from '@/lib/gql/graphql';
import { errorMessage } from '@/lib/graphql-errors';
import styles from './gather-enrollment.module.css';

/** Lifetimes offered, in hours (the server allows 1 to 720). */
export const lifetimes = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
];

/** /admin/gather: one-time enrollment tokens for gather agents, shown once with a ready gather.yaml. */
export function GatherEnrollmentPage() {
  const id = useId();
  const [{ fetching, error }, createToken] = useMutation(CreateGatherEnrollmentTokenMutation);
  const [name, setName] = useState('');
  const [hours, setHours] = useState(24);
  const [created, setCreated] = useState<Created['createGatherEnrollmentToken'] | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await createToken({ name: name.trim(), expiresInHours: hours });
    const answer = result.data?.createGatherEnrollmentToken;
    if (!answer) return;
    setCreated(answer);
    setName('');
  }

  return (
    <section aria-labelledby="gather-enrollment-title">
      <SectionHeader
        id="gather-enrollment-title"
        title="Gather enrollment"
        description="A gather agent runs beside a database and sends its activity to this tenant. It enrolls once with a one-time token; from then on it authenticates with its own certificate."
      />
      {created ? (
        <EnrollmentResult created={created} onDone={() => setCreated(null)} />
      ) : (
        <form className={`stack ${styles.form}`} onSubmit={handleSubmit} aria-label="Create an enrollment token">
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              type="text"
              required
              maxLength={200}
              autoComplete="off"
              placeholder="e.g. db-0 orders (Frankfurt)"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby={`${id}-name-hint`}
            />
            <p id={`${id}-name-hint`} className="hint">
              The node keeps this name in the Operator view. One token enrolls one agent.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-lifetime`}>Valid for</label>
            <select
              id={`${id}-lifetime`}
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
              aria-describedby={`${id}-lifetime-hint`}
            >
              {lifetimes.map((lifetime) => (
                <option key={lifetime.hours} value={lifetime.hours}>
                  {lifetime.label}
                </option>
              ))}
            </select>
            <p id={`${id}-lifetime-hint`} className="hint">
              An unused token expires then; the first successful enrollment spends it.
            </p>
          </div>
          {error && (
            <p className="inline-alert" role="alert">
              {errorMessage(error)}
            </p>
          )}
          <div>
            <button type="submit" className="button button-primary" disabled={fetching}>
              {fetching ? 'Creating…' : 'Create enrollment token'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
