import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { UsersPage } from '@/features/admin-users/components/users-page';
import type { Role } from '@/lib/gql/graphql';
import type { Session } from '@/lib/session';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

type Member = { id: string; email: string; displayName: string; role: Role; mfaEnabled: boolean };

const admin = sessionWithRole('TENANT_ADMIN', { id: 'u-admin', email: 'admin@acme.test' });

function usersPage(members: Member[]): ExecutionResult {
  return {
    data: {
      users: {
        __typename: 'UserConnection',
        totalCount: members.length,
        edges: members.map((m) => ({
          __typename: 'UserEdge',
          cursor: `c-${m.id}`,
          node: { __typename: 'User', createdAt: '2026-11-01T10:00:00Z', ...m },
        })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  };
}

const members: Member[] = [
  { id: 'u-admin', email: 'admin@acme.test', displayName: 'Ada Admin', role: 'TENANT_ADMIN', mfaEnabled: true },
  { id: 'u-bob', email: 'bob@acme.test', displayName: 'Bob', role: 'ANALYST', mfaEnabled: false },
];

function setup(
  session: Session,
  options: { query?: () => ExecutionResult; mutation?: (op: Operation) => ExecutionResult } = {},
) {
  const query = vi.fn(options.query ?? (() => usersPage(members)));
  const mutation = vi.fn(
    options.mutation ??
      ((op: Operation) => ({
        data: {
          setUserRole: {
            __typename: 'User',
            id: op.variables?.userId,
            email: 'bob@acme.test',
            role: op.variables?.role,
          },
        },
      })),
  );
  const client = createTestClient({ query, mutation });
  const user = userEvent.setup();
  renderWithProviders(<UsersPage />, { client, path: '/admin/users', session });
  return { user, query, mutation };
}

function row(email: string) {
  const table = screen.getByRole('table', { name: 'Users' });
  const found = within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryByText(email));
  if (!found) throw new Error(`no row for ${email}`);
  return found;
}

describe('UsersPage', () => {
  it('lists members with their role, MFA and creation date', async () => {
    setup(admin);

    await screen.findByRole('table', { name: 'Users' });
    expect(screen.getByText('2 members')).toBeInTheDocument();
    expect(within(row('bob@acme.test')).getByText('No')).toBeInTheDocument();
    expect(within(row('admin@acme.test')).getByText('Yes')).toBeInTheDocument();
    expect(within(row('bob@acme.test')).getByRole('combobox', { name: 'Role of bob@acme.test' })).toHaveValue(
      'ANALYST',
    );
  });

  it('changes a role after confirmation', async () => {
    const { user, mutation, query } = setup(admin);
    await screen.findByRole('table', { name: 'Users' });
    const bob = row('bob@acme.test');
    const save = within(bob).getByRole('button', { name: 'Save role of bob@acme.test' });
    expect(save).toBeDisabled();

    await user.selectOptions(within(bob).getByRole('combobox', { name: 'Role of bob@acme.test' }), 'MANAGER');
    expect(save).toBeEnabled();
    await user.click(save);

    const dialog = screen.getByRole('dialog', { name: 'Change role?' });
    expect(dialog).toHaveTextContent('Change the role of bob@acme.test from Analyst to Manager?');
    expect(mutation).not.toHaveBeenCalled();
    const loads = query.mock.calls.length;
    await user.click(within(dialog).getByRole('button', { name: 'Change role' }));

    expect(await screen.findByRole('status')).toHaveTextContent('bob@acme.test is now Manager.');
    expect(mutation).toHaveBeenCalledTimes(1);
    expect(operationName(mutation.mock.calls[0]![0])).toBe('SetUserRole');
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({ userId: 'u-bob', role: 'MANAGER' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(query.mock.calls.length).toBeGreaterThan(loads);
  });

  it('does not change the role when the confirmation is cancelled, and shows an API error', async () => {
    const { user, mutation } = setup(admin, {
      mutation: () => graphqlError('you cannot give a role above your own', 'FORBIDDEN'),
    });
    await screen.findByRole('table', { name: 'Users' });
    const bob = row('bob@acme.test');
    await user.selectOptions(within(bob).getByRole('combobox', { name: 'Role of bob@acme.test' }), 'VIEWER');

    await user.click(within(bob).getByRole('button', { name: 'Save role of bob@acme.test' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(mutation).not.toHaveBeenCalled();

    await user.click(within(bob).getByRole('button', { name: 'Save role of bob@acme.test' }));
    const dialog = screen.getByRole('dialog', { name: 'Change role?' });
    await user.click(within(dialog).getByRole('button', { name: 'Change role' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('you cannot give a role above your own');
    expect(within(dialog).getByRole('button', { name: 'Change role' })).toBeEnabled();
  });

  it('never lets you change or remove yourself', async () => {
    setup(admin);
    await screen.findByRole('table', { name: 'Users' });
    const self = row('admin@acme.test');

    expect(within(self).getByRole('combobox', { name: 'Role of admin@acme.test' })).toBeDisabled();
    expect(within(self).getByRole('combobox', { name: 'Role of admin@acme.test' })).toHaveAttribute(
      'title',
      'You cannot change your own role.',
    );
    const remove = within(self).getByRole('button', { name: 'Remove admin@acme.test' });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAttribute('title', 'You cannot remove yourself.');
    expect(within(row('bob@acme.test')).getByRole('button', { name: 'Remove bob@acme.test' })).toBeEnabled();
  });

  it('is read-only for managers', async () => {
    setup(sessionWithRole('MANAGER'));
    const table = await screen.findByRole('table', { name: 'Users' });

    expect(screen.queryByRole('button', { name: 'Add user' })).not.toBeInTheDocument();
    expect(within(table).queryByRole('combobox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(within(row('bob@acme.test')).getByText('Analyst')).toBeInTheDocument();
  });

  it('says plainly when the API refuses access', async () => {
    setup(admin, { query: () => graphqlError('forbidden', 'FORBIDDEN') });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('You do not have access to this.');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('offers a retry for other errors', async () => {
    setup(admin, { query: () => graphqlError('database unavailable', 'UNAVAILABLE') });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Users could not be loaded.');
    expect(alert).toHaveTextContent('database unavailable');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
