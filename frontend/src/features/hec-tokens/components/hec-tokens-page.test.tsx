import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { HecTokensPage } from '@/features/hec-tokens/components/hec-tokens-page';
import { createTestClient } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const SECRET = '5c1e9a77-3f1d-4c52-9b8e-2d6a0f4e1b93';

const token = (id: string, extra: Record<string, unknown> = {}) => ({
  __typename: 'HecToken',
  id,
  name: `token ${id}`,
  prefix: id,
  source: null,
  sourcetype: null,
  createdAt: '2026-10-10T08:00:00Z',
  revokedAt: null,
  ...extra,
});

describe('HecTokensPage', () => {
  it('creates a token with defaults and shows it once with a Splunk curl example', async () => {
    const mutation = vi.fn((op: Operation): ExecutionResult => ({
      data: {
        createHecToken: {
          __typename: 'CreatedHecToken',
          secret: SECRET,
          hecToken: token('new', { name: op.variables?.input.name, sourcetype: op.variables?.input.sourcetype }),
        },
      },
    }));
    const client = createTestClient({ query: () => ({ data: { hecTokens: [token('a1')] } }), mutation });
    const user = userEvent.setup();
    renderWithProviders(<HecTokensPage />, {
      client,
      path: '/admin/hec-tokens',
      session: sessionWithRole('TENANT_ADMIN'),
    });
    await screen.findByRole('table', { name: 'HEC tokens' });

    await user.click(screen.getByRole('button', { name: 'Create HEC token' }));
    const form = screen.getByRole('dialog', { name: 'Create HEC token' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Web servers');
    await user.type(within(form).getByRole('textbox', { name: 'Default sourcetype' }), 'linux:auth');
    await user.click(within(form).getByRole('button', { name: 'Create HEC token' }));

    const shown = await screen.findByRole('dialog', { name: 'HEC token created' });
    expect(mutation.mock.calls[0]?.[0].variables).toEqual({
      input: { name: 'Web servers', source: null, sourcetype: 'linux:auth' },
    });
    expect(within(shown).getByRole('textbox', { name: 'HEC token' })).toHaveValue(SECRET);
    const example = within(shown).getByText(/curl/);
    expect(example).toHaveTextContent('/services/collector/event');
    expect(example).toHaveTextContent(`-H "Authorization: Splunk ${SECRET}"`);

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(document.body).not.toHaveTextContent(SECRET);
  });
});
