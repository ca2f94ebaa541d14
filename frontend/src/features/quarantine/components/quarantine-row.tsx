import { useId, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Missing, tableStyles } from '@/components/data-table';
import { IngestKindBadge } from '@/components/ingest-kind-badge';
import { formatBytes, formatDateTime } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './quarantine.module.css';

export const QuarantineRowFragment = graphql(`
  fragment QuarantineRow_record on QuarantinedRecord {
    id
    bronzeId
    stage
    reason
    quarantinedAt
    receivedAt
    kind
    source
    sourcetype
    host
    payload
  }
`);

type QuarantineRowProps = {
  record: FragmentType<typeof QuarantineRowFragment>;
  /** Whether rows can be selected for reprocessing (quarantine:manage). */
  selectable: boolean;
  selected: boolean;
  onSelectedChange: (id: string, selected: boolean) => void;
};

export function QuarantineRow(props: QuarantineRowProps) {
  const record = getFragmentData(QuarantineRowFragment, props.record);
  const id = useId();
  const [open, setOpen] = useState(false);
  const when = formatDateTime(record.quarantinedAt);
  const payloadBytes = new TextEncoder().encode(record.payload).length;

  return (
    <>
      <tr data-quarantine-id={record.id} data-selected={props.selected || undefined}>
        {props.selectable && (
          <td className={styles.select}>
            <input
              type="checkbox"
              aria-label={`Select the record quarantined at ${when}`}
              checked={props.selected}
              onChange={(e) => props.onSelectedChange(record.id, e.target.checked)}
            />
          </td>
        )}
        <td className={tableStyles.muted}>
          <time dateTime={record.quarantinedAt} title={record.quarantinedAt}>
            {when}
          </time>
        </td>
        <td>
          <IngestKindBadge kind={record.kind} />
        </td>
        <td className={tableStyles.mono}>
          {record.source ? <span>{record.source}</span> : <Missing />}
          <span className={styles.separator} aria-hidden="true">
            {' / '}
          </span>
          <span className="visually-hidden">, sourcetype </span>
          {record.sourcetype ? <span>{record.sourcetype}</span> : <Missing />}
        </td>
        <td className={tableStyles.mono}>{record.stage}</td>
        <td className={styles.reason} title={record.reason}>
          {record.reason}
        </td>
        <td className={tableStyles.actions}>
          <button
            type="button"
            className={`button button-quiet ${tableStyles.small}`}
            aria-expanded={open}
            aria-controls={`${id}-details`}
            aria-label={`${open ? 'Hide' : 'Show'} the payload of the record quarantined at ${when}`}
            onClick={() => setOpen((value) => !value)}
          >
            {open ? 'Hide' : 'Payload'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={`${id}-details`} className={styles.detailsRow}>
          <td colSpan={props.selectable ? 7 : 6}>
            <div className={styles.details}>
              <div className={styles.payloadHeader}>
                <span id={`${id}-payload`} className={styles.payloadTitle}>
                  Payload as received <span className={styles.payloadSize}>({formatBytes(payloadBytes)})</span>
                </span>
                <CopyButton text={record.payload} label="Copy payload" className={`button ${tableStyles.small}`} />
              </div>
              <pre className={styles.payload} tabIndex={0} aria-labelledby={`${id}-payload`}>
                {record.payload}
              </pre>
              <dl className={styles.meta}>
                <div>
                  <dt>Reason</dt>
                  <dd>{record.reason}</dd>
                </div>
                <div>
                  <dt>Bronze id</dt>
                  <dd className={tableStyles.mono}>{record.bronzeId}</dd>
                </div>
                <div>
                  <dt>Received</dt>
                  <dd>
                    <time dateTime={record.receivedAt} title={record.receivedAt}>
                      {formatDateTime(record.receivedAt)}
                    </time>
                  </dd>
                </div>
                <div>
                  <dt>Host</dt>
                  <dd className={tableStyles.mono}>{record.host ?? <Missing />}</dd>
                </div>
                <div>
                  <dt>Entry</dt>
                  <dd className={tableStyles.mono}>{record.id}</dd>
                </div>
              </dl>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
