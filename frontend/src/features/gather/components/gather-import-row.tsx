import { ImportStatusBadge } from '@/features/gather/components/gather-badges';
import { engineLabel } from '@/features/gather/utils/gather-labels';
import { Missing, tableStyles } from '@/components/data-table';
import { RelativeTime } from '@/components/relative-time';
import { countLabel, formatBytes, formatDateTime, formatNumber } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import styles from './gather.module.css';

export const GatherImportRowFragment = graphql(`
  fragment GatherImportRow_import on GatherImport {
    id
    nodeId
    manifestKey
    fileKey
    status
    error
    foundBy
    attempts
    rows
    bytes
    minTime
    maxTime
    source
    engine
    importedRows
    createdAt
    updatedAt
    doneAt
  }
`);

type GatherImportRowProps = {
  file: FragmentType<typeof GatherImportRowFragment>;
  /** The node's name, when known. */
  nodeName: string | undefined;
  now: number;
  /** Shown for quarantined files with quarantine:manage. */
  onRetry?: (file: { id: string; name: string }) => void;
  retrying: boolean;
};

const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** "Nov 22, 11:04 PM": a row's time range in little room; the title has the full time. */
function formatShortDateTime(iso: string): string {
  return shortDateTime.format(new Date(iso));
}

/** The file's base name: the key without its tenant and node prefix. */
export function fileName(fileKey: string): string {
  return fileKey.slice(fileKey.lastIndexOf('/') + 1);
}

export function GatherImportRow(props: GatherImportRowProps) {
  const file = getFragmentData(GatherImportRowFragment, props.file);
  const name = fileName(file.fileKey);

  return (
    <tr data-import-id={file.id} data-status={file.status}>
      <td className={`${tableStyles.mono} ${styles.file}`} title={file.fileKey}>
        {name}
        <div className={styles.subtle}>
          {file.source ?? 'source not read yet'}
          {file.engine && ` · ${engineLabel(file.engine)}`} · found by {file.foundBy.toLowerCase()}
        </div>
      </td>
      <td className={styles.node} title={props.nodeName}>
        {props.nodeName ?? <span className={tableStyles.mono}>{file.nodeId.slice(0, 8)}</span>}
      </td>
      <td>
        <ImportStatusBadge status={file.status} />
        <div className={styles.subtle}>
          <RelativeTime iso={file.updatedAt} now={props.now} />
          {file.attempts > 1 && `, ${countLabel(file.attempts, 'attempt')}`}
        </div>
      </td>
      <td className={styles.number}>
        {file.rows == null ? (
          <Missing label="not read yet" />
        ) : file.status === 'DONE' || file.importedRows > 0 ? (
          <span title={`${formatNumber(file.importedRows)} of ${formatNumber(file.rows)} rows imported`}>
            {formatNumber(file.importedRows)}
            {file.importedRows !== file.rows && <span className={styles.subtle}> / {formatNumber(file.rows)}</span>}
          </span>
        ) : (
          formatNumber(file.rows)
        )}
      </td>
      <td className={styles.number}>
        {file.bytes == null ? (
          <Missing label="not read yet" />
        ) : (
          <span title={`${formatNumber(file.bytes)} bytes`}>{formatBytes(file.bytes)}</span>
        )}
      </td>
      <td className={tableStyles.muted}>
        {file.minTime && file.maxTime ? (
          <>
            <time dateTime={file.minTime} title={formatDateTime(file.minTime)}>
              {formatShortDateTime(file.minTime)}
            </time>
            <div>
              to{' '}
              <time dateTime={file.maxTime} title={formatDateTime(file.maxTime)}>
                {formatShortDateTime(file.maxTime)}
              </time>
            </div>
          </>
        ) : (
          <Missing />
        )}
      </td>
      <td className={file.error ? styles.reason : tableStyles.muted}>{file.error ?? <Missing />}</td>
      <td className={tableStyles.actions}>
        {props.onRetry && file.status === 'QUARANTINED' && (
          <button
            type="button"
            className={`button ${tableStyles.small}`}
            aria-label={`Retry ${name}`}
            disabled={props.retrying}
            onClick={() => props.onRetry?.({ id: file.id, name })}
          >
            Retry
          </button>
        )}
      </td>
    </tr>
  );
}
