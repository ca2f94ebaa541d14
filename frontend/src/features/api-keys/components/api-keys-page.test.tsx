import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { ApiKeysPage } from '@/features/api-keys/components/api-keys-page';
import { endOfDay } from '@/features/api-keys/utils/api-key-example';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const SECRET = 'sk_live_4f9a2c7d1e8b3a6f5c0d9e2b7a4f1c8d';

function key(id: string, overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'ApiKey',
    id,
    name: `key ${id}`,
    prefix: `sk_${id}`,
    role: 'ANALYST',
    createdAt: '2026-11-01T10:00:00Z',
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function setup(options: { query?: () => ExecutionResult; mutation?: (op: Operation) => ExecutionResult } = {}) {
  let keys = [
    key('a1'),
    key('b2', { revokedAt: '2026-11-05T10:00:00Z' }),
    key('c3', { expiresAt: '2026-01-01T00:00:00Z' }),
  ];
  const query = vi.fn(options.query ?? (() => ({ data: { apiKeys: keys } })));
  const mutation = vi.fn(
    options.mutation ??
      ((op: Operation): ExecutionResult => {
        if (operationName(op) === 'CreateApiKey') {
          const created = key('new', {
            name: op.variables?.input.name,
            prefix: 'sk_live_4f9a',
            role: op.variables?.input.role,
          });
          keys = [created, ...keys];
          return { data: { createApiKey: { __typename: 'CreatedApiKey', secret: SECRET, apiKey: created } } };
        }
        return { data: { revokeApiKey: key(op.variables?.id, { revokedAt: '2026-11-22T10:00:00Z' }) } };
      }),
  );
  const client = createTestClient({ query, mutation });
  const user = userEvent.setup();
  renderWithProviders(<ApiKeysPage />, { client, path: '/admin/api-keys', session: sessionWithRole('MANAGER') });
  return { user, query, mutation };
}

describe('ApiKeysPage', () => {
  it('lists keys with their prefix and status', async () => {
    setup();

    const table = await screen.findByRole('table', { name: 'API keys' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByText('sk_a1…')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('Active')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Revoked')).toBeInTheDocument();
    expect(within(rows[1]!).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
    expect(within(rows[2]!).getByText('Expired')).toBeInTheDocument();
  });

  it('creates a key and shows its secret once, with a ready curl example', async () => {
    const { user, mutation } = setup();
    await screen.findByRole('table', { name: 'API keys' });

    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = screen.getByRole('dialog', { name: 'Create API key' });
    const roles = within(within(form).getByRole('combobox', { name: 'Role' })).getAllByRole('option');
    // Never above the creator's own role (a manager here).
    expect(roles.map((o) => o.getAttribute('value'))).toEqual(['MANAGER', 'OPERATOR', 'ANALYST', 'VIEWER']);
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'SOAR integration');
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Role' }), 'VIEWER');
    await user.type(within(form).getByLabelText('Expires'), '2027-03-31');
    await user.click(within(form).getByRole('button', { name: 'Create API key' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({
      input: { name: 'SOAR integration', role: 'VIEWER', expiresAt: endOfDay('2027-03-31') },
    });
    expect(within(shown).getByRole('textbox', { name: 'API key' })).toHaveValue(SECRET);
    expect(within(shown).getByRole('note')).toHaveTextContent('It is shown only this once');
    expect(within(shown).getByText(/curl/)).toHaveTextContent(`-H "Authorization: Bearer ${SECRET}"`);
    expect(within(shown).getByText(/curl/)).toHaveTextContent('/graphql');

    await user.click(within(shown).getByRole('button', { name: 'Copy API key' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(await screen.findByText('SOAR integration')).toBeInTheDocument();

    // Opening the dialog again starts afresh: the secret is gone for good.
    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    expect(screen.getByRole('dialog', { name: 'Create API key' })).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('shows the API error when the key cannot be created', async () => {
    const { user } = setup({ mutation: () => graphqlError('name already used', 'CONFLICT') });
    await screen.findByRole('table', { name: 'API keys' });

    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = screen.getByRole('dialog', { name: 'Create API key' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'dup');
    await user.click(within(form).getByRole('button', { name: 'Create API key' }));

    expect(await within(form).findByRole('alert')).toHaveTextContent('name already used');
  });

  it('revokes a key after confirmation', async () => {
    const { user, mutation } = setup();
    await screen.findByRole('table', { name: 'API keys' });

    await user.click(screen.getByRole('button', { name: 'Revoke key a1' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke API key?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));

    expect(await screen.findByRole('status')).toHaveTextContent('The API key “key a1” was revoked.');
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({ id: 'a1' });
  });

  it('shows the empty state', async () => {
    setup({ query: () => ({ data: { apiKeys: [] } }) });

    expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();
  });
});
