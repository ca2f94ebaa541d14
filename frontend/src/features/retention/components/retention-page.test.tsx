import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { RetentionPage } from '@/features/retention/components/retention-page';
import type { RetentionPolicyInput } from '@/lib/gql/graphql';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const policy = { __typename: 'RetentionPolicy', bronzeDays: 30, silverDays: 90, goldDays: 730, custom: false };

function preview(input: RetentionPolicyInput | null) {
  const silverRows = input && input.silverDays < 90 ? 1500 : 0;
  return {
    data: {
      retentionPreview: {
        layers: [
          { layer: 'BRONZE', cutoff: '2026-10-23T00:00:00Z', rows: 0, partitions: [] },
          {
            layer: 'SILVER',
            cutoff: '2026-08-24T00:00:00Z',
            rows: silverRows,
            partitions: silverRows ? ['silver_2026_07'] : [],
          },
          { layer: 'GOLD', cutoff: '2024-11-22T00:00:00Z', rows: 0, partitions: [] },
        ],
      },
    },
  };
}

function setup(
  answers: { policy?: () => ExecutionResult; save?: (input: RetentionPolicyInput) => ExecutionResult } = {},
) {
  const query = vi.fn((op: Operation): ExecutionResult => {
    if (operationName(op) === 'RetentionPolicy') return answers.policy?.() ?? { data: { retentionPolicy: policy } };
    return preview((op.variables as { policy: RetentionPolicyInput | null }).policy);
  });
  const mutation = vi.fn((op: Operation): ExecutionResult => {
    const input = (op.variables as { input: RetentionPolicyInput }).input;
    return answers.save?.(input) ?? { data: { setRetentionPolicy: { ...policy, ...input, custom: true } } };
  });
  const client = createTestClient({ query, mutation });
  const user = userEvent.setup();
  renderWithProviders(<RetentionPage />, {
    client,
    path: '/admin/retention',
    session: sessionWithRole('TENANT_ADMIN'),
  });
  const previews = () => query.mock.calls.map(([op]) => op).filter((op) => operationName(op) === 'RetentionPreview');
  return { user, query, mutation, previews };
}

describe('RetentionPage', () => {
  it('shows the policy and what it would delete now', async () => {
    const { previews } = setup();

    expect(await screen.findByRole('textbox', { name: 'Raw records (Bronze)' })).toHaveValue('30');
    expect(screen.getByRole('textbox', { name: 'Normalized events (Silver)' })).toHaveValue('90');
    expect(screen.getByRole('textbox', { name: 'Metrics (Gold)' })).toHaveValue('730');
    expect(screen.getByText('(defaults)')).toBeInTheDocument();
    expect(await screen.findByText('Nothing: no data is older than these limits.')).toBeInTheDocument();
    expect(previews().at(-1)?.variables).toEqual({ policy: { bronzeDays: 30, silverDays: 90, goldDays: 730 } });
    expect(screen.getByRole('button', { name: 'Save policy' })).toBeDisabled();
  });

  it('validates each value and previews only valid ones', async () => {
    const { user, previews } = setup();
    const silver = await screen.findByRole('textbox', { name: 'Normalized events (Silver)' });
    const gold = screen.getByRole('textbox', { name: 'Metrics (Gold)' });
    await screen.findByText('Nothing: no data is older than these limits.');
    const asked = previews().length;

    await user.clear(silver);
    await user.type(silver, '0');
    expect(silver).toHaveAttribute('aria-invalid', 'true');
    expect(silver).toHaveAccessibleDescription(
      'Normalized events (Silver): enter a whole number of days from 1 to 3,650.',
    );
    await user.clear(gold);
    await user.type(gold, '36501');
    expect(gold).toHaveAccessibleDescription('Metrics (Gold): enter a whole number of days from 1 to 36,500.');
    await user.clear(silver);
    await user.type(silver, '1.5');
    expect(silver).toHaveAttribute('aria-invalid', 'true');

    expect(screen.getByText('Correct the values to see what they would delete.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save policy' })).toBeDisabled();
    expect(previews()).toHaveLength(asked);

    await user.clear(gold);
    await user.type(gold, '36500');
    expect(gold).not.toHaveAttribute('aria-invalid');
  });

  it('previews the edited values, then saves them after confirming', async () => {
    const { user, previews, mutation } = setup();
    const silver = await screen.findByRole('textbox', { name: 'Normalized events (Silver)' });
    await user.clear(silver);
    await user.type(silver, '30');

    expect(await screen.findByText('1,500 rows of this tenant would be deleted.')).toBeInTheDocument();
    expect(previews().at(-1)?.variables).toEqual({ policy: { bronzeDays: 30, silverDays: 30, goldDays: 730 } });
    const table = screen.getByRole('table', { name: 'Retention preview' });
    expect(within(table).getByRole('row', { name: /Normalized events \(Silver\)/ })).toHaveTextContent(
      'silver_2026_07',
    );
    expect(within(table).getByRole('row', { name: /Normalized events \(Silver\)/ })).toHaveTextContent('30 days');
    expect(within(table).getByRole('row', { name: /Metrics \(Gold\)/ })).toHaveTextContent('730 days');

    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    const dialog = screen.getByRole('dialog', { name: 'Save the retention policy?' });
    expect(dialog).toHaveTextContent('deletes 1,500 rows');
    await user.click(within(dialog).getByRole('button', { name: 'Save policy' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(mutation.mock.calls[0]![0].variables).toEqual({ input: { bronzeDays: 30, silverDays: 30, goldDays: 730 } });
    expect(await screen.findByText('Retention policy saved.')).toBeInTheDocument();
  });

  it('keeps the dialog open with the reason when saving fails', async () => {
    const { user } = setup({ save: () => graphqlError('silverDays must be at most bronze', 'INVALID') });
    const bronze = await screen.findByRole('textbox', { name: 'Raw records (Bronze)' });
    await user.clear(bronze);
    await user.type(bronze, '60');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    const dialog = screen.getByRole('dialog', { name: 'Save the retention policy?' });
    await user.click(within(dialog).getByRole('button', { name: 'Save policy' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('silverDays must be at most bronze');
  });

  it('shows an error when the policy cannot be loaded', async () => {
    setup({ policy: () => graphqlError('internal error', 'INTERNAL') });

    expect(await screen.findByRole('alert')).toHaveTextContent('The retention policy could not be loaded.');
  });
});
