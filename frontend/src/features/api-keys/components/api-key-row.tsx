import { CredentialStatusBadge } from '@/components/credential-status-badge';
import { Missing, tableStyles as styles } from '@/components/data-table';
import { credentialStatus } from '@/lib/credential-status';
import { formatDate, formatDateTime } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';
import { roleLabel } from '@/lib/roles';

export const ApiKeyRowFragment = graphql(`
  fragment ApiKeyRow_apiKey on ApiKey {
    id
    name
    prefix
    role
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`);

type ApiKeyRowProps = {
  apiKey: FragmentType<typeof ApiKeyRowFragment>;
  busy: boolean;
  onRevoke: (key: { id: string; name: string }) => void;
};

export function ApiKeyRow(props: ApiKeyRowProps) {
  const key = getFragmentData(ApiKeyRowFragment, props.apiKey);
  const status = credentialStatus(key);
  return (
    <tr data-api-key-id={key.id}>
      <td>{key.name}</td>
      <td className={styles.mono}>{key.prefix}…</td>
      <td>{roleLabel(key.role)}</td>
      <td className={styles.muted}>
        <time dateTime={key.createdAt} title={key.createdAt}>
          {formatDate(key.createdAt)}
        </time>
      </td>
      <td className={styles.muted}>
        {key.expiresAt ? (
          <time dateTime={key.expiresAt} title={key.expiresAt}>
            {formatDate(key.expiresAt)}
          </time>
        ) : (
          <Missing label="never" />
        )}
      </td>
      <td className={styles.muted}>
        {key.lastUsedAt ? (
          <time dateTime={key.lastUsedAt} title={key.lastUsedAt}>
            {formatDateTime(key.lastUsedAt)}
          </time>
        ) : (
          <Missing label="never" />
        )}
      </td>
      <td>
        <CredentialStatusBadge status={status} />
      </td>
      <td className={styles.actions}>
        {status !== 'revoked' && (
          <button
            type="button"
            className={`button button-quiet button-danger-quiet ${styles.small}`}
            aria-label={`Revoke ${key.name}`}
            disabled={props.busy}
            onClick={() => props.onRevoke({ id: key.id, name: key.name })}
          >
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}
