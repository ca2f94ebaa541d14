import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { QuarantinePage } from '@/features/quarantine/components/quarantine-page';
import type { Role } from '@/lib/gql/graphql';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const BAD_IP = '{"event":{"message":"bad ip","src_ip":"999.1.1.1"}}';

function record(id: string, extra: Record<string, unknown> = {}) {
  return {
    __typename: 'QuarantinedRecord',
    id,
    bronzeId: `bronze-${id}`,
    stage: 'refine',
    reason: 'src_ip: "999.1.1.1" is not an IP address',
    quarantinedAt: '2026-11-22T20:09:49Z',
    receivedAt: '2026-11-22T20:09:48Z',
    kind: 'hec',
    source: 'http:demo',
    sourcetype: null,
    host: null,
    payload: BAD_IP,
    ...extra,
  };
}

function page(records: ReturnType<typeof record>[], hasNextPage = false): ExecutionResult {
  return {
    data: {
      quarantine: {
        __typename: 'QuarantineConnection',
        totalCount: records.length,
        edges: records.map((node) => ({ __typename: 'QuarantineEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: records.at(-1) ? `c-${records.at(-1)!.id}` : null },
      },
    },
  };
}

const three = [
  record('q1', { quarantinedAt: '2026-11-22T20:09:49Z' }),
  record('q2', {
    quarantinedAt: '2026-11-22T19:00:00Z',
    kind: 'syslog-tls',
    source: 'fw-edge-01',
    sourcetype: 'cef',
    reason: 'cef: header has 5 fields, want 7',
    payload: 'CEF:0|Vendor|Product|1.0|100',
  }),
  record('q3', { quarantinedAt: '2026-11-22T18:00:00Z' }),
];

type Options = {
  role?: Role;
  query?: (op: Operation) => ExecutionResult;
  mutation?: (op: Operation) => ExecutionResult;
};

function setup({ role = 'OPERATOR', query, mutation }: Options = {}) {
  const queryHandler = vi.fn(query ?? (() => page(three)));
  const mutationHandler = vi.fn(
    mutation ??
      ((op: Operation): ExecutionResult => ({
        data: { reprocessQuarantine: (op.variables as { ids: string[] | null }).ids?.length ?? three.length },
      })),
  );
  const client = createTestClient({ query: queryHandler, mutation: mutationHandler });
  const user = userEvent.setup();
  renderWithProviders(<QuarantinePage />, { client, path: '/operator/quarantine', session: sessionWithRole(role) });
  const quarantineCalls = () => queryHandler.mock.calls.filter(([op]) => operationName(op) === 'Quarantine').length;
  return { user, queryHandler, mutationHandler, quarantineCalls };
}

function bodyRows() {
  const table = screen.getByRole('table', { name: 'Quarantined records' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .filter((row) => row.hasAttribute('data-quarantine-id'));
}

describe('QuarantinePage', () => {
  it('lists records newest first with kind, source, stage and reason', async () => {
    setup();

    await screen.findByRole('table', { name: 'Quarantined records' });
    const rows = bodyRows();
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('HEC')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('http:demo')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('refine')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('src_ip: "999.1.1.1" is not an IP address')).toBeInTheDocument();
    expect(within(rows[0]!).getByTitle('2026-11-22T20:09:49Z')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Syslog TLS')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('cef')).toBeInTheDocument();
    expect(screen.getByText('3 records in quarantine')).toBeInTheDocument();
  });

  it('expands a row to show the raw payload and the Bronze id', async () => {
    const { user } = setup();
    await screen.findByRole('table', { name: 'Quarantined records' });

    const toggle = within(bodyRows()[0]!).getByRole('button', {
      name: /^Show the payload of the record quarantined at/,
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText(BAD_IP)).not.toBeInTheDocument();

    await user.click(toggle);

    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    const payload = within(details).getByText(BAD_IP);
    expect(payload.tagName).toBe('PRE');
    expect(payload).toHaveAccessibleName(/Payload as received/);
    expect(within(details).getByText('bronze-q1')).toBeInTheDocument();
    expect(within(details).getByRole('button', { name: 'Copy payload' })).toBeInTheDocument();

    await user.click(within(bodyRows()[0]!).getByRole('button', { name: /^Hide the payload/ }));
    expect(screen.queryByText(BAD_IP)).not.toBeInTheDocument();
  });

  it('reprocesses the selected records after confirming, and shows how many were queued', async () => {
    const { user, mutationHandler, quarantineCalls } = setup();
    await screen.findByRole('table', { name: 'Quarantined records' });
    const reprocessSelected = screen.getByRole('button', { name: /^Reprocess selected/ });
    expect(reprocessSelected).toBeDisabled();

    await user.click(within(bodyRows()[0]!).getByRole('checkbox'));
    await user.click(within(bodyRows()[2]!).getByRole('checkbox'));
    expect(reprocessSelected).toHaveTextContent('Reprocess selected (2)');
    await user.click(reprocessSelected);

    const dialog = screen.getByRole('dialog', { name: 'Reprocess 2 records?' });
    expect(dialog).toHaveTextContent(
      'Records leave the quarantine and are refined again; those that still fail come back with the new reason.',
    );
    const loadsBefore = quarantineCalls();
    await user.click(within(dialog).getByRole('button', { name: 'Reprocess' }));

    expect(await screen.findByRole('status')).toHaveTextContent('2 records queued for reprocessing.');
    expect(mutationHandler).toHaveBeenCalledTimes(1);
    expect(operationName(mutationHandler.mock.calls[0]![0])).toBe('ReprocessQuarantine');
    expect(mutationHandler.mock.calls[0]![0].variables).toEqual({ ids: ['q1', 'q3'] });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(quarantineCalls()).toBeGreaterThan(loadsBefore));
    expect(within(bodyRows()[0]!).getByRole('checkbox')).not.toBeChecked();
    expect(reprocessSelected).toBeDisabled();
  });

  it('reprocesses everything with ids null', async () => {
    const { user, mutationHandler } = setup();
    await screen.findByRole('table', { name: 'Quarantined records' });

    await user.click(screen.getByRole('button', { name: 'Reprocess all' }));
    const dialog = screen.getByRole('dialog', { name: 'Reprocess all 3 records?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Reprocess' }));

    expect(await screen.findByRole('status')).toHaveTextContent('3 records queued for reprocessing.');
    expect(mutationHandler.mock.calls[0]![0].variables).toEqual({ ids: null });
  });

  it('selects and clears the whole page from the header checkbox', async () => {
    const { user } = setup();
    await screen.findByRole('table', { name: 'Quarantined records' });
    const all = screen.getByRole('checkbox', { name: 'Select every record on this page' });

    await user.click(within(bodyRows()[1]!).getByRole('checkbox'));
    expect(all).not.toBeChecked();
    expect((all as HTMLInputElement).indeterminate).toBe(true);

    await user.click(all);
    expect(bodyRows().every((row) => within(row).getByRole('checkbox').matches(':checked'))).toBe(true);
    expect(screen.getByRole('button', { name: /^Reprocess selected/ })).toHaveTextContent('(3)');

    await user.click(all);
    expect(screen.getByRole('button', { name: /^Reprocess selected/ })).toBeDisabled();
  });

  it('keeps the dialog open with the error when the server refuses', async () => {
    const { user } = setup({ mutation: () => graphqlError('forbidden', 'FORBIDDEN') });
    await screen.findByRole('table', { name: 'Quarantined records' });

    await user.click(screen.getByRole('button', { name: 'Reprocess all' }));
    const dialog = screen.getByRole('dialog', { name: /Reprocess all/ });
    await user.click(within(dialog).getByRole('button', { name: 'Reprocess' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('forbidden');
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('hides selection and reprocessing from a manager, who may only read', async () => {
    setup({ role: 'MANAGER' });
    await screen.findByRole('table', { name: 'Quarantined records' });

    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Reprocess/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeInTheDocument();
    expect(within(bodyRows()[0]!).getByRole('button', { name: /Show the payload/ })).toBeInTheDocument();
  });

  it('says when nothing is in quarantine', async () => {
    setup({ query: () => page([]) });

    expect(await screen.findByText('Nothing in quarantine: every record was refined.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reprocess all' })).toBeDisabled();
  });

  it('says so when the API answers FORBIDDEN', async () => {
    setup({ query: () => graphqlError('forbidden', 'FORBIDDEN') });

    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
    expect(screen.queryByRole('button', { name: /Reprocess/ })).not.toBeInTheDocument();
  });

  it('pages on with the cursor', async () => {
    const { user, queryHandler } = setup({
      query: (op) => (op.variables?.after ? page([record('q9', { reason: 'on page two' })]) : page(three, true)),
    });
    await screen.findByRole('table', { name: 'Quarantined records' });

    await user.click(screen.getByRole('button', { name: 'Next' }));

    expect(await screen.findByText('on page two')).toBeInTheDocument();
    expect(queryHandler.mock.calls.at(-1)![0].variables).toEqual({ first: 50, after: 'c-q3' });
  });
});
