import { tableStyles as styles } from '@/components/data-table';
import { formatDate } from '@/lib/format';
import { getFragmentData, type FragmentType } from '@/lib/gql/fragment-masking';
import { graphql } from '@/lib/gql/gql';

export const TenantRowFragment = graphql(`
  fragment TenantRow_tenant on Tenant {
    id
    slug
    name
    createdAt
  }
`);

export function TenantRow(props: { tenant: FragmentType<typeof TenantRowFragment>; current: boolean }) {
  const tenant = getFragmentData(TenantRowFragment, props.tenant);
  return (
    <tr data-tenant-id={tenant.id}>
      <td>
        {tenant.name}
        {props.current && <span className={styles.muted}> (current)</span>}
      </td>
      <td className={styles.mono}>{tenant.slug}</td>
      <td className={styles.muted}>
        <time dateTime={tenant.createdAt} title={tenant.createdAt}>
          {formatDate(tenant.createdAt)}
        </time>
      </td>
    </tr>
  );
}
