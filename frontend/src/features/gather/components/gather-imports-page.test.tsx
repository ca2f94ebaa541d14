import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { GatherImportsPage } from '@/features/gather/components/gather-imports-page';
import type { Role } from '@/lib/gql/graphql';
import { operationName } from '@/testing/operation-name';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const PREFIX = 't1/node-1/';

function file(id: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    __typename: 'GatherImport',
    id,
    nodeId: 'node-1',
    manifestKey: `${PREFIX}db-0_pgaudit_${id}.parquet.manifest.json`,
    fileKey: `${PREFIX}db-0_pgaudit_${id}.parquet`,
    status: 'DONE',
    error: null,
    foundBy: 'NOTICE',
    attempts: 1,
    rows: 196_608,
    bytes: 16_250_445,
    sha256: 'ab'.repeat(32),
    minTime: new Date(now - 3_600_000).toISOString(),
    maxTime: new Date(now - 60_000).toISOString(),
    source: 'pgaudit',
    engine: 'postgresql',
    importedRows: 196_608,
    createdAt: new Date(now - 120_000).toISOString(),
    updatedAt: new Date(now - 30_000).toISOString(),
    doneAt: new Date(now - 30_000).toISOString(),
    ...extra,
  };
}

const quarantined = file('f2', {
  status: 'QUARANTINED',
  error: 'checksum mismatch: the file is not what its manifest says',
  attempts: 2,
  importedRows: 0,
});
const defaultFiles = [file('f3', { status: 'QUEUED', importedRows: 0 }), quarantined, file('f1')];

function page(files: unknown[], hasNextPage = false) {
  return {
    data: {
      gatherImports: {
        __typename: 'GatherImportConnection',
        totalCount: files.length + (hasNextPage ? 1 : 0),
        edges: files.map((node, i) => ({ __typename: 'GatherImportEdge', cursor: `c${i}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: hasNextPage ? 'next' : null },
      },
    },
  };
}

const nodes = {
  data: {
    gatherNodes: {
      __typename: 'GatherNodeConnection',
      edges: [
        {
          __typename: 'GatherNodeEdge',
          node: { __typename: 'GatherNode', id: 'node-1', name: 'db-0 token', hostname: 'db-0.prod.internal' },
        },
      ],
    },
  },
};

type Options = {
  role?: Role;
  path?: string;
  imports?: (variables: { status?: string | null; after?: string | null }) => ExecutionResult;
  mutation?: (op: Operation) => ExecutionResult;
};

function setup(options: Options = {}) {
  const query = vi.fn((op: Operation): ExecutionResult => {
    if (operationName(op) === 'GatherImportNodes') return nodes;
    const variables = op.variables as { status?: string | null; after?: string | null };
    return options.imports?.(variables) ?? page(defaultFiles);
  });
  const mutation = vi.fn(
    (op: Operation): ExecutionResult =>
      options.mutation?.(op) ?? {
        data: { retryGatherImport: { ...quarantined, status: 'QUEUED', error: null } },
      },
  );
  const client = createTestClient({ query, mutation });
  const user = userEvent.setup();
  const utils = renderWithProviders(null, {
    client,
    path: options.path ?? '/operator/imports',
    routes: [{ path: '/operator/imports', element: <GatherImportsPage /> }],
    session: sessionWithRole(options.role ?? 'OPERATOR'),
  });
  const importCalls = () => query.mock.calls.map(([op]) => op).filter((op) => operationName(op) === 'GatherImports');
  return { user, query, mutation, importCalls, ...utils };
}

function rowOf(id: string) {
  return screen.getByRole('table', { name: 'Import queue' }).querySelector(`tr[data-import-id="${id}"]`)!;
}

describe('GatherImportsPage', () => {
  it('lists the files with node, status, rows, size, time range and the reason of a quarantine', async () => {
    setup();

    await screen.findByRole('table', { name: 'Import queue' });
    expect(screen.getByText('3 files')).toBeInTheDocument();
    const done = rowOf('f1');
    expect(done).toHaveTextContent('db-0_pgaudit_f1.parquet');
    expect(done).toHaveTextContent('pgaudit · PostgreSQL · found by notice');
    expect(await within(done as HTMLElement).findByText('db-0.prod.internal')).toBeInTheDocument();
    expect(within(done as HTMLElement).getByText('Done')).toBeInTheDocument();
    expect(done).toHaveTextContent('196,608');
    expect(done).toHaveTextContent('15 MiB');
    expect(done.querySelectorAll('time[datetime]').length).toBeGreaterThanOrEqual(2);

    const bad = rowOf('f2') as HTMLElement;
    expect(within(bad).getByText('Quarantined')).toBeInTheDocument();
    expect(bad).toHaveTextContent('30 seconds ago, 2 attempts');
    expect(within(bad).getByText(/checksum mismatch/)).toHaveClass('reason');
    expect(within(rowOf('f3') as HTMLElement).getByText('Queued')).toBeInTheDocument();
  });

  it('filters by status through the address', async () => {
    const { user, importCalls, router } = setup({
      imports: (variables) => (variables.status === 'QUARANTINED' ? page([quarantined]) : page(defaultFiles)),
    });
    await screen.findByRole('table', { name: 'Import queue' });
    expect(importCalls().at(-1)!.variables).toMatchObject({ status: null, first: 50, after: null });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Quarantined');

    await waitFor(() => expect(importCalls().at(-1)!.variables).toMatchObject({ status: 'QUARANTINED' }));
    expect(router.state.location.search).toBe('?status=quarantined');
    expect(await screen.findByText('1 quarantined file')).toBeInTheDocument();
  });

  it('says when no file has the chosen status', async () => {
    const { user } = setup({ path: '/operator/imports?status=importing', imports: () => page([]) });

    expect(await screen.findByText('No importing file.')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveValue('IMPORTING');
    await user.click(screen.getByRole('button', { name: 'Show every status' }));
    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveValue('');
  });

  it('retries a quarantined file', async () => {
    const { user, mutation } = setup();
    await screen.findByRole('table', { name: 'Import queue' });
    expect(screen.getAllByRole('button', { name: /^Retry/ })).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Retry db-0_pgaudit_f2.parquet' }));

    await waitFor(() => expect(mutation).toHaveBeenCalledTimes(1));
    expect(mutation.mock.calls[0]![0].variables).toEqual({ id: 'f2' });
    expect(await screen.findByRole('status')).toHaveTextContent('db-0_pgaudit_f2.parquet is queued again');
  });

  it('says why a retry failed', async () => {
    const { user } = setup({ mutation: () => graphqlError('import not quarantined', 'CONFLICT') });
    await screen.findByRole('table', { name: 'Import queue' });
    await user.click(screen.getByRole('button', { name: 'Retry db-0_pgaudit_f2.parquet' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('could not be queued again: import not quarantined');
  });

  it('loads more with the cursor, and keeps the first page', async () => {
    const { user, importCalls } = setup({
      imports: (variables) => (variables.after === 'next' ? page([file('f0')]) : page(defaultFiles, true)),
    });
    await screen.findByRole('table', { name: 'Import queue' });
    expect(screen.getByText('4 files, 3 shown')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load 50 more' }));

    await waitFor(() => expect(rowOf('f0')).not.toBeNull());
    expect(importCalls().at(-1)!.variables).toMatchObject({ after: 'next' });
    expect(rowOf('f1')).not.toBeNull();
    expect(screen.queryByRole('button', { name: 'Load 50 more' })).not.toBeInTheDocument();
    expect(screen.getByText('4 files')).toBeInTheDocument();
  });

  it('explains an empty queue', async () => {
    setup({ imports: () => page([]) });
    expect(await screen.findByText('No activity file announced yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'gather nodes' })).toHaveAttribute('href', '/operator/gather');
  });

  it('shows an error with a retry', async () => {
    setup({ imports: () => graphqlError('database unavailable', 'UNAVAILABLE') });
    expect(await screen.findByText('The import queue could not be loaded.')).toBeInTheDocument();
    expect(screen.getByText('database unavailable')).toBeInTheDocument();
  });
});
