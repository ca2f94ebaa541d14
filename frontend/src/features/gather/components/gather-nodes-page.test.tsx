import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, Operation } from '@urql/core';
import { GatherNodesPage } from '@/features/gather/components/gather-nodes-page';
import type { Role } from '@/lib/gql/graphql';
import { createTestClient, graphqlError } from '@/testing/test-client';
import { renderWithProviders, sessionWithRole } from '@/testing/render';

const MINUTE = 60_000;

function database(extra: Record<string, unknown> = {}) {
  return {
    __typename: 'GatherDatabase',
    engine: 'postgresql',
    version: '15.8',
    name: 'orders',
    host: '127.0.0.1',
    port: 5432,
    lastSeen: new Date(Date.now() - MINUTE).toISOString(),
    majorVersion: '15',
    latestVersion: '15.13',
    patchStatus: 'BEHIND',
    endOfLife: '2027-11-11',
    releasesAsOf: '2026-05-01',
    ...extra,
  };
}

function gatherNode(id: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    __typename: 'GatherNode',
    id,
    name: `token ${id}`,
    status: 'ONLINE',
    hostname: `${id}.prod.internal`,
    version: '0.9.0',
    os: 'linux/amd64 Debian GNU/Linux 12',
    ips: ['10.0.4.17', 'fe80::1', '192.0.2.4'],
    enrolledAt: new Date(now - 3 * 24 * 60 * MINUTE).toISOString(),
    lastHeartbeatAt: new Date(now - 2 * MINUTE).toISOString(),
    heartbeatIntervalSeconds: 30,
    certificateExpiresAt: new Date(now + 300 * 24 * 60 * MINUTE).toISOString(),
    revokedAt: null,
    location: { __typename: 'GatherLocation', lat: 50.11, lon: 8.68, label: 'Frankfurt DC2' },
    databases: [database()],
    spoolFiles: 3,
    spoolBytes: 41_943_040,
    collectors: [
      {
        __typename: 'GatherCollector',
        name: 'pg-orders',
        type: 'postgres-logical',
        status: 'running',
        error: null,
        position: '0/16B3748',
      },
    ],
    ...extra,
  };
}

const defaultNodes = [
  gatherNode('db-0'),
  gatherNode('db-1', {
    status: 'STALE',
    location: { __typename: 'GatherLocation', lat: 40.71, lon: -74.0, label: 'New York' },
    databases: [
      database({
        engine: 'mysql',
        version: '5.7.44',
        name: 'shop',
        port: 3306,
        majorVersion: '5.7',
        latestVersion: '5.7.44',
        patchStatus: 'UNSUPPORTED',
        endOfLife: '2023-10-31',
      }),
    ],
    collectors: [
      {
        __typename: 'GatherCollector',
        name: 'mysql-audit',
        type: 'file',
        status: 'retrying',
        error: 'open /var/lib/mysql/server_audit.log: permission denied',
        position: null,
      },
    ],
  }),
  gatherNode('laptop', { status: 'OFFLINE', location: null, databases: [], lastHeartbeatAt: null, spoolFiles: null }),
];

function connection(nodes: unknown[], hasNextPage = false) {
  return {
    data: {
      gatherNodes: {
        __typename: 'GatherNodeConnection',
        totalCount: nodes.length,
        edges: nodes.map((node, i) => ({ __typename: 'GatherNodeEdge', cursor: `c${i}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: hasNextPage ? 'next' : null },
      },
    },
  };
}

type Options = {
  role?: Role;
  query?: (op: Operation) => ExecutionResult;
  mutation?: (op: Operation) => ExecutionResult;
};

function setup(options: Options = {}) {
  const query = vi.fn((op: Operation): ExecutionResult => options.query?.(op) ?? connection(defaultNodes));
  const mutation = vi.fn(
    (op: Operation): ExecutionResult =>
      options.mutation?.(op) ?? {
        data: {
          revokeGatherNode: gatherNode((op.variables as { id: string }).id, {
            status: 'REVOKED',
            revokedAt: new Date().toISOString(),
          }),
        },
      },
  );
  const client = createTestClient({ query, mutation });
  const user = userEvent.setup();
  const utils = renderWithProviders(<GatherNodesPage />, {
    client,
    path: '/operator/gather',
    session: sessionWithRole(options.role ?? 'OPERATOR'),
  });
  return { user, query, mutation, ...utils };
}

function nodeRow(hostname: string) {
  const table = screen.getByRole('table', { name: 'Gather nodes' });
  return within(table)
    .getAllByRole('row')
    .find((row) => within(row).queryByText(hostname))!;
}

describe('GatherNodesPage', () => {
  it('lists the nodes with status, last heartbeat, version, OS, addresses, spool and collector errors', async () => {
    setup();

    await screen.findByRole('table', { name: 'Gather nodes' });
    expect(screen.getByText('3 nodes: 1 online, 1 stale, 1 offline')).toBeInTheDocument();
    const db0 = nodeRow('db-0.prod.internal');
    expect(within(db0).getByText('Online')).toBeInTheDocument();
    expect(within(db0).getByText('2 minutes ago')).toBeInTheDocument();
    expect(within(db0).getByText('0.9.0')).toBeInTheDocument();
    expect(within(db0).getByText('linux/amd64 Debian GNU/Linux 12')).toBeInTheDocument();
    expect(within(db0).getByTitle('linux/amd64 Debian GNU/Linux 12')).toBeInTheDocument();
    expect(db0).toHaveTextContent('10.0.4.17+2 more');
    expect(db0).toHaveTextContent('3 files, 40 MiB');
    expect(db0).toHaveTextContent('1 collector');

    const db1 = nodeRow('db-1.prod.internal');
    expect(within(db1).getByText('Stale')).toBeInTheDocument();
    const failing = within(db1).getByText(/1 error: mysql-audit/);
    expect(failing).toHaveAttribute('title', expect.stringContaining('permission denied'));

    const laptop = nodeRow('laptop.prod.internal');
    expect(within(laptop).getByText('Offline')).toBeInTheDocument();
    expect(within(laptop).getByText('no heartbeat yet')).toBeInTheDocument();
  });

  it('puts located nodes on the world map, coloured by status, and lists the others under it', async () => {
    const { user } = setup();

    const map = await screen.findByRole('region', { name: 'Where the nodes are' });
    const frankfurt = await within(map).findByRole('button', { name: 'db-0.prod.internal, Frankfurt DC2: Online' });
    const newYork = within(map).getByRole('button', { name: 'db-1.prod.internal, New York: Stale' });
    expect(frankfurt).toHaveAttribute('data-tone', 'success');
    expect(newYork).toHaveAttribute('data-tone', 'warning');
    expect(map.querySelectorAll('[data-marker-id]')).toHaveLength(2);
    // The countries are drawn from the bundled atlas.
    expect(map.querySelectorAll('path').length).toBeGreaterThan(100);
    // Frankfurt is east of New York.
    const x = (el: Element) => Number(/translate\(([-\d.]+)/.exec(el.getAttribute('transform') ?? '')![1]);
    expect(x(frankfurt)).toBeGreaterThan(x(newYork));

    await user.hover(frankfurt);
    const tooltip = await within(map).findByRole('tooltip');
    expect(tooltip).toHaveTextContent('db-0.prod.internal');
    expect(tooltip).toHaveTextContent('Frankfurt DC2');
    expect(tooltip).toHaveTextContent('Online · last heartbeat 2 minutes ago');

    const unlocated = within(map).getByRole('list', { name: 'Nodes without a location' });
    expect(unlocated).toHaveTextContent('laptop.prod.internal (Offline)');

    // A marker opens the node.
    frankfurt.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('dialog', { name: 'db-0.prod.internal' })).toBeInTheDocument();
  });

  it('shows each database with its patch level, the worst first, and the release table date', async () => {
    setup();

    const table = await screen.findByRole('table', { name: 'Databases and patch levels' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-patch-status'))).toEqual(['UNSUPPORTED', 'BEHIND']);
    expect(rows[0]).toHaveTextContent('MySQL');
    expect(rows[0]).toHaveTextContent('5.7.44');
    expect(within(rows[0]!).getByText('Unsupported')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('2023-10-31')).toHaveClass('danger');
    expect(rows[1]).toHaveTextContent('PostgreSQL');
    expect(rows[1]).toHaveTextContent('15.8');
    expect(rows[1]).toHaveTextContent('15.13');
    expect(within(rows[1]!).getByText('Behind')).toBeInTheDocument();
    expect(screen.getByText('2 databases: 1 unsupported, 1 behind')).toBeInTheDocument();
    expect(screen.getByText(/release table bundled with the engine, as of/)).toHaveTextContent('2026-05-01');
  });

  it('opens a node in a drawer with its collectors and certificate; an operator cannot revoke', async () => {
    const { user } = setup();

    await screen.findByRole('table', { name: 'Gather nodes' });
    await user.click(screen.getByRole('button', { name: 'Details of db-1.prod.internal' }));
    const drawer = await screen.findByRole('dialog', { name: 'db-1.prod.internal' });
    const collectors = within(drawer).getByRole('table', { name: 'Collectors of db-1.prod.internal' });
    expect(collectors).toHaveTextContent('mysql-audit');
    expect(collectors).toHaveTextContent('Error: open /var/lib/mysql/server_audit.log: permission denied');
    expect(within(drawer).getByText('Certificate expires').nextSibling).toHaveTextContent(/\d{4}/);
    expect(within(drawer).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('lets a tenant administrator revoke a node after confirming', async () => {
    const { user, mutation } = setup({ role: 'TENANT_ADMIN' });

    await screen.findByRole('table', { name: 'Gather nodes' });
    await user.click(screen.getByRole('button', { name: 'Details of db-0.prod.internal' }));
    const drawer = await screen.findByRole('dialog', { name: 'db-0.prod.internal' });
    await user.click(within(drawer).getByRole('button', { name: 'Revoke node…' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revoke gather node?' });
    expect(confirm).toHaveTextContent('This cannot be undone');
    await user.click(within(confirm).getByRole('button', { name: 'Revoke' }));

    await waitFor(() => expect(mutation).toHaveBeenCalledTimes(1));
    expect(mutation.mock.calls[0]![0].variables).toEqual({ id: 'db-0' });
    expect(await screen.findByText(/“db-0.prod.internal” was revoked/)).toBeInTheDocument();
  });

  it('warns about a certificate about to expire', async () => {
    const { user } = setup({
      query: () =>
        connection([
          gatherNode('db-0', { certificateExpiresAt: new Date(Date.now() + 5 * 24 * 60 * MINUTE).toISOString() }),
        ]),
    });
    await screen.findByRole('table', { name: 'Gather nodes' });
    await user.click(screen.getByRole('button', { name: 'Details of db-0.prod.internal' }));
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText(/\(in 5 days\)/)).toHaveClass('warning');
  });

  it('loads more nodes with the cursor of the last page', async () => {
    const { user, query } = setup({
      query: (op) =>
        (op.variables as { after?: string | null }).after === 'next'
          ? connection([gatherNode('db-9')])
          : connection(defaultNodes, true),
    });

    await screen.findByRole('table', { name: 'Gather nodes' });
    await user.click(screen.getByRole('button', { name: 'Load more nodes' }));
    const table = screen.getByRole('table', { name: 'Gather nodes' });
    expect(await within(table).findByText('db-9.prod.internal')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(5);
    expect(query.mock.calls.some(([op]) => (op.variables as { after?: string }).after === 'next')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Load more nodes' })).not.toBeInTheDocument();
  });

  it('explains how to enroll the first node, with a link for administrators', async () => {
    setup({ role: 'TENANT_ADMIN', query: () => connection([]) });

    expect(await screen.findByText('No gather node has enrolled yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create an enrollment token' })).toHaveAttribute('href', '/admin/gather');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('tells an operator who creates enrollment tokens', async () => {
    setup({ query: () => connection([]) });

    expect(await screen.findByText(/A tenant administrator creates an enrollment token/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /enrollment token/ })).not.toBeInTheDocument();
  });

  it('offers a retry when loading fails, and says so when the role may not read', async () => {
    setup({ query: () => graphqlError('database unavailable', 'UNAVAILABLE') });
    expect(await screen.findByText('Gather nodes could not be loaded.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says so when the API answers FORBIDDEN', async () => {
    setup({ query: () => graphqlError('forbidden', 'FORBIDDEN') });
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have access to this.');
    expect(screen.queryByRole('button', { name: 'Refresh' })).not.toBeInTheDocument();
  });
});
