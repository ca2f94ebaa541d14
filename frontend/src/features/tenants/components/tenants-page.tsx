import { useState } from 'react';
import { useQuery } from 'urql';
import { TenantsQuery } from '@/features/tenants/api/tenants-documents';
import { CreateTenantDialog } from '@/features/tenants/components/create-tenant-dialog';
import { TenantRow } from '@/features/tenants/components/tenant-row';
import { CursorPager } from '@/components/cursor-pager';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage, hasErrorCode } from '@/lib/graphql-errors';
import { useRequiredSession } from '@/lib/session-context';
import { useCursorPaging } from '@/lib/use-cursor-paging';

const DEFAULT_PAGE_SIZE = 25;

/** Tenants (platform administrators): every tenant, and creating one with its first admin. */
export function TenantsPage() {
  const session = useRequiredSession();
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const paging = useCursorPaging(String(pageSize));
  const [result, reexecute] = useQuery({
    query: TenantsQuery,
    variables: { first: pageSize, after: paging.after },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const connection = result.data?.tenants;
  const forbidden = !connection && result.error !== undefined && hasErrorCode(result.error, 'FORBIDDEN');

  return (
    <section aria-labelledby="tenants-title">
      <SectionHeader
        id="tenants-title"
        title="Tenants"
        description="Every organisation on this Scalefield. Their data never mixes."
        actions={
          !forbidden && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setNotice(null);
                setCreating(true);
              }}
            >
              Create tenant
            </button>
          )
        }
      />
      {notice && (
        <p className="inline-success" role="status">
          {notice}
        </p>
      )}
      {!connection && result.error ? (
        <ErrorState error={result.error} what="Tenants" onRetry={reload} />
      ) : !connection ? (
        <LoadingState label="Loading tenants…" />
      ) : connection.edges.length === 0 && !paging.hasPreviousPage ? (
        <EmptyState title="No tenants yet." />
      ) : (
        <>
          <p className={tableStyles.summary}>{countLabel(connection.totalCount, 'tenant')}</p>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="Tenants"
            busy={result.fetching}
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Created</th>
              </>
            }
          >
            {connection.edges.map((edge) => (
              <TenantRow key={edge.node.id} tenant={edge.node} current={edge.node.id === session.tenant.id} />
            ))}
          </DataTable>
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
      {creating && (
        <CreateTenantDialog
          onClose={() => setCreating(false)}
          onCreated={(tenant, adminEmail) => {
            setCreating(false);
            setNotice(`Tenant ${tenant.name} (${tenant.slug}) was created; ${adminEmail} is its administrator.`);
            reload();
          }}
        />
      )}
    </section>
  );
}
