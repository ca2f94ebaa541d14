import { CredentialStatusBadge } from '@/components/credential-status-badge';
import { Missing, tableStyles as styles } from '@/components/data-table';
import { credentialStatus } from '@/lib/credential-status';
import { formatDate } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';

export const HecTokenRowFragment = graphql(`
  fragment HecTokenRow_hecToken on HecToken {
    id
    name
    prefix
    source
    sourcetype
    createdAt
    revokedAt
  }
`);

type HecTokenRowProps = {
  hecToken: FragmentType<typeof HecTokenRowFragment>;
  busy: boolean;
  onRevoke: (token: { id: string; name: string }) => void;
};

export function HecTokenRow(props: HecTokenRowProps) {
  const token = getFragmentData(HecTokenRowFragment, props.hecToken);
  const status = credentialStatus(token);
  return (
    <tr data-hec-token-id={token.id}>
      <td>{token.name}</td>
      <td className={styles.mono}>{token.prefix}…</td>
      <td className={styles.mono}>{token.source ?? <Missing label="not set" />}</td>
      <td className={styles.mono}>{token.sourcetype ?? <Missing label="not set" />}</td>
      <td className={styles.muted}>
        <time dateTime={token.createdAt} title={token.createdAt}>
          {formatDate(token.createdAt)}
        </time>
      </td>
      <td>
        <CredentialStatusBadge status={status} />
      </td>
      <td className={styles.actions}>
        {status !== 'revoked' && (
          <button
            type="button"
            className={`button button-quiet button-danger-quiet ${styles.small}`}
            aria-label={`Revoke ${token.name}`}
            disabled={props.busy}
            onClick={() => props.onRevoke({ id: token.id, name: token.name })}
          >
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}
