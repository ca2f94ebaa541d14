import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { RemoveUserMutation, SetUserRoleMutation, UsersQuery } from '@/features/admin-users/api/users-documents';
import { AddUserDialog } from '@/features/admin-users/components/add-user-dialog';
import { UserRow, type UserSummary } from '@/features/admin-users/components/user-row';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CursorPager } from '@/components/cursor-pager';
import { DataTable, tableStyles } from '@/components/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/query-state';
import { SectionHeader } from '@/components/section-header';
import { countLabel } from '@/lib/format';
import { errorMessage } from '@/lib/graphql-errors';
import type { Role } from '@/lib/gql/graphql';
import { adminAccess, roleLabel, rolesUpTo } from '@/lib/roles';
import { useRequiredSession } from '@/lib/session-context';
import { useCursorPaging } from '@/lib/use-cursor-paging';

const DEFAULT_PAGE_SIZE = 25;

type RoleChange = { user: UserSummary; role: Role };

/** Users & roles: the tenant's members; tenant admins add, re-role and remove them. */
export function UsersPage() {
  const session = useRequiredSession();
  const canManage = adminAccess(session.user.role).users === 'manage';
  const assignableRoles = canManage ? rolesUpTo(session.user.role) : null;

  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const paging = useCursorPaging(String(pageSize));
  const [result, reexecute] = useQuery({
    query: UsersQuery,
    variables: { first: pageSize, after: paging.after },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => reexecute({ requestPolicy: 'network-only' });

  const [adding, setAdding] = useState(false);
  const [roleChange, setRoleChange] = useState<RoleChange | null>(null);
  const [removal, setRemoval] = useState<UserSummary | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [setRoleState, setUserRole] = useMutation(SetUserRoleMutation);
  const [removeState, removeUser] = useMutation(RemoveUserMutation);

  async function confirmRoleChange() {
    if (!roleChange) return;
    const answer = await setUserRole({ userId: roleChange.user.id, role: roleChange.role });
    if (answer.error) return;
    setRoleChange(null);
    setNotice(`${roleChange.user.email} is now ${roleLabel(roleChange.role)}.`);
    reload();
  }

  async function confirmRemoval() {
    if (!removal) return;
    const answer = await removeUser({ userId: removal.id });
    if (answer.error) return;
    setRemoval(null);
    setNotice(`${removal.email} was removed from ${session.tenant.name}.`);
    reload();
  }

  const connection = result.data?.users;

  return (
    <section aria-labelledby="users-title">
      <SectionHeader
        id="users-title"
        title="Users & roles"
        description={
          canManage
            ? 'Members of this tenant and what their role lets them do.'
            : 'Members of this tenant. Your role can see them but not change them.'
        }
        actions={
          canManage && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setNotice(null);
                setAdding(true);
              }}
            >
              Add user
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
        <ErrorState error={result.error} what="Users" onRetry={reload} />
      ) : !connection ? (
        <LoadingState label="Loading users…" />
      ) : connection.edges.length === 0 && !paging.hasPreviousPage ? (
        <EmptyState title="No members yet." />
      ) : (
        <>
          <p className={tableStyles.summary} aria-live="polite">
            {countLabel(connection.totalCount, 'member')}
          </p>
          {result.error && (
            <p className="inline-alert" role="alert">
              {errorMessage(result.error)}
            </p>
          )}
          <DataTable
            caption="Users"
            busy={result.fetching}
            head={
              <>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">MFA</th>
                <th scope="col">Created</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </>
            }
          >
            {connection.edges.map((edge) => (
              <UserRow
                key={edge.node.id}
                user={edge.node}
                isSelf={edge.node.id === session.user.id}
                assignableRoles={assignableRoles}
                busy={setRoleState.fetching || removeState.fetching}
                onChangeRole={(user, role) => {
                  setNotice(null);
                  setRoleChange({ user, role });
                }}
                onRemove={(user) => {
                  setNotice(null);
                  setRemoval(user);
                }}
              />
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
      {adding && assignableRoles && (
        <AddUserDialog
          tenantName={session.tenant.name}
          roles={assignableRoles}
          onClose={() => setAdding(false)}
          onAdded={(email, role) => {
            setAdding(false);
            setNotice(`${email} was added as ${roleLabel(role)}.`);
            reload();
          }}
        />
      )}
      {roleChange && (
        <ConfirmDialog
          title="Change role?"
          confirmLabel="Change role"
          busyLabel="Changing…"
          busy={setRoleState.fetching}
          error={setRoleState.error ? errorMessage(setRoleState.error) : null}
          onConfirm={() => void confirmRoleChange()}
          onCancel={() => setRoleChange(null)}
        >
          Change the role of <strong>{roleChange.user.email}</strong> from {roleLabel(roleChange.user.role)} to{' '}
          <strong>{roleLabel(roleChange.role)}</strong>?
        </ConfirmDialog>
      )}
      {removal && (
        <ConfirmDialog
          title="Remove member?"
          confirmLabel="Remove"
          busyLabel="Removing…"
          danger
          busy={removeState.fetching}
          error={removeState.error ? errorMessage(removeState.error) : null}
          onConfirm={() => void confirmRemoval()}
          onCancel={() => setRemoval(null)}
        >
          <strong>{removal.email}</strong> will no longer be able to sign in to {session.tenant.name}. Their account
          stays, and they keep access to any other tenant.
        </ConfirmDialog>
      )}
    </section>
  );
}
