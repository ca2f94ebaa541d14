import { useId, useState } from 'react';
import { Badge } from '@/components/badge';
import { Missing, tableStyles } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './audit.module.css';

export const AuditRowFragment = graphql(`
  fragment AuditRow_entry on AuditEntry {
    id
    at
    actorType
    actorId
    actorLabel
    ip
    action
    targetType
    targetId
    details
    hash
  }
`);

const COLUMNS = 6;

export function AuditRow(props: { entry: FragmentType<typeof AuditRowFragment> }) {
  const entry = getFragmentData(AuditRowFragment, props.entry);
  const id = useId();
  const [open, setOpen] = useState(false);
  const details = prettyDetails(entry.details);
  const target = [entry.targetType, entry.targetId && shortId(entry.targetId)].filter(Boolean).join(' ');
  const fullTarget = [entry.targetType, entry.targetId].filter(Boolean).join(' ');

  return (
    <>
      <tr data-audit-id={entry.id}>
        <td className={tableStyles.muted}>
          <time dateTime={entry.at} title={entry.at}>
            {formatDateTime(entry.at)}
          </time>
        </td>
        <td title={entry.actorId ?? undefined}>
          {entry.actorLabel || (entry.actorId && shortId(entry.actorId)) || <Missing />}
          <span className={styles.actorType}>
            <Badge tone="neutral">{entry.actorType}</Badge>
          </span>
        </td>
        <td className={tableStyles.mono}>{entry.action}</td>
        <td className={tableStyles.mono} title={fullTarget || undefined}>
          {target || <Missing />}
        </td>
        <td className={tableStyles.mono}>{entry.ip ?? <Missing />}</td>
        <td className={tableStyles.actions}>
          <button
            type="button"
            className={`button button-quiet ${tableStyles.small}`}
            aria-expanded={open}
            aria-controls={`${id}-details`}
            aria-label={`${open ? 'Hide' : 'Show'} details of ${entry.action} at ${formatDateTime(entry.at)}`}
            onClick={() => setOpen((value) => !value)}
          >
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={`${id}-details`} className={styles.detailsRow}>
          <td colSpan={COLUMNS}>
            {details ? <pre className={styles.details}>{details}</pre> : <p className="hint">No details recorded.</p>}
            <p className={styles.hash}>
              Entry {entry.id}
              {fullTarget && ` · target ${fullTarget}`}
              {entry.actorId && ` · actor ${entry.actorId}`} · SHA-256{' '}
              <span className={tableStyles.mono}>{entry.hash}</span>
            </p>
          </td>
        </tr>
      )}
    </>
  );
}

/** A long ID (a UUID) cut to its first characters; the full one is in the title and the details. */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** The details JSON indented; null when empty. Text that is not JSON is shown as it is. */
function prettyDetails(details: string): string | null {
  try {
    const value: unknown = JSON.parse(details);
    if (value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return null;
    return JSON.stringify(value, null, 2);
  } catch {
    return details.trim() || null;
  }
}
